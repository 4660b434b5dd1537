package mta.e2e;

import static mta.e2e.WalkingSkeletonTest.read;
import static mta.e2e.WalkingSkeletonTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import mta.master.Master;
import mta.testing.ServerProcess;
import mta.testing.TestSite;
import mta.util.PosixAccounts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SpawnTest - master.cf spawn services: the real policyd-spf ({@code postfix-policyd-spf-python})
 * answers policy requests over its {@code private/policyd-spf} socket and over TCP, one process per
 * connection; commands run as the service's user; a command that outlives
 * {@code SERVICE_time_limit} is killed and its connection closed; a reload closes the socket of a
 * service that left master.cf.
 */
class SpawnTest {
    private static final Path POLICYD_SPF = Path.of("/usr/bin/policyd-spf");
    private Path base;

    @AfterEach
    void tearDown() {
        ServerProcess.delete(base);
    }

    /** A policy request as Postfix's SMTP server sends it, from a loopback client, for message {@code instance}. */
    private static byte[] request(String instance) {
        return String.join("\n", "request=smtpd_access_policy", "protocol_state=RCPT", "protocol_name=ESMTP",
                "client_address=127.0.0.1", "client_name=localhost", "helo_name=client.example",
                "sender=alice@example.test", "recipient=bob@example.test", "instance=" + instance, "", "")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void spawnServicesRunTheirCommandPerConnection() throws Exception {
        ServerProcess.require(POLICYD_SPF, "postfix-policyd-spf-python");
        base = ServerProcess.directory("mta-spawn-");
        // Its own configuration: no syslog chatter, the stock answer for loopback clients.
        Path conf = base.resolve("policyd-spf.conf");
        Files.writeString(conf, "debugLevel = 0\nTestOnly = 1\nHELO_reject = Fail\nMail_From_reject = Fail\n"
                + "skip_addresses = 127.0.0.0/8,::ffff:127.0.0.0/104,::1\n");
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
        String user = PosixAccounts.ROOT ? "nobody" : System.getProperty("user.name");
        int spfPort = TestSite.freePort();
        TestSite site = new TestSite(base.resolve("site"))
                .param("slow_time_limit", "2s")
                .masterCf(String.join("\n",
                        "SMTPD inet n - n - - smtpd",
                        "qmgr unix n - n 300 1 qmgr",
                        "local unix - n n - - local",
                        "policyd-spf unix - n n - 0 spawn",
                        "  user=" + user + " argv=" + POLICYD_SPF + " " + conf,
                        "127.0.0.1:" + spfPort + " inet n n n - 2 spawn user=" + user + " argv=" + POLICYD_SPF + " " + conf,
                        "whoami unix - n n - - spawn user=" + user + " argv=/bin/sh -c { id -u; id -g }",
                        "slow unix - n n - - spawn user=" + user + " argv=/bin/sleep 60", ""))
                .write();
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            Path socket = site.queue.resolve("private/policyd-spf");
            assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));

            // Two messages' requests over one connection, as smtpd reuses it; policyd-spf answers each.
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                InputStream in = Channels.newInputStream(ch);
                for (int i = 0; i < 2; i++) {
                    ch.write(ByteBuffer.wrap(request("1a2b.3c4d." + i)));
                    String answer = readAnswer(in);
                    assertTrue(answer.startsWith("action=prepend X-Comment: SPF check N/A for local connections"
                            + " - client-ip=127.0.0.1; helo=client.example; envelope-from=alice@example.test;"), answer);
                }
            }
            // The same program behind a TCP port.
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", spfPort), 5000);
                s.getOutputStream().write(request("5e6f.7a8b.0"));
                assertTrue(readAnswer(s.getInputStream()).startsWith("action=prepend X-Comment: SPF check N/A"));
            }
            // The command runs as the service's user, and its output ends the connection.
            String ids = readAll(site.queue.resolve("private/whoami"));
            if (PosixAccounts.ROOT) assertEquals("65534\n65534\n", ids);

            // A command past its time limit is killed; the client sees the connection close.
            long t0 = System.nanoTime();
            assertEquals("", readAll(site.queue.resolve("private/slow")));
            long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
            assertTrue(seconds >= 1 && seconds < 30, seconds + "s");
            waitFor(() -> read(site.maillog).contains("postfix/spawn"), "the time limit warning");
            assertTrue(read(site.maillog).matches("(?s).*postfix/spawn\\[\\d+\\]: warning: command /bin/sleep: time limit"
                    + " of 2s exceeded; killed.*"), read(site.maillog));

            // postfix reload: a spawn service removed from master.cf loses its socket.
            Files.writeString(site.config.resolve("master.cf"), Files.readString(site.config.resolve("master.cf"))
                    .replaceAll("(?m)^slow .*\\n", ""));
            m.reload();
            assertFalse(Files.exists(site.queue.resolve("private/slow")), "the removed service's socket");
            assertTrue(Files.exists(socket), "the others stay");
        }
        assertFalse(Files.exists(site.queue.resolve("private/policyd-spf")), "stop removes the sockets");
    }

    /** Reads one policy answer: lines up to the empty line. */
    private static String readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) break;
            b.write(c);
            String s = b.toString(StandardCharsets.UTF_8);
            if (s.endsWith("\n\n")) return s;
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /** Connects, sends nothing, closes our side, and reads until the service closes. */
    private static String readAll(Path socket) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ch.shutdownOutput();
            return new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
