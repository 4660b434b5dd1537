package mta.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import mta.testing.ServerProcess;
import mta.testing.RootSite;
import mta.testing.TestSite;
import mta.testing.Transcript;
import mta.util.PosixAccounts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PipeSpawnPrivilegedIT - {@code bin/postfix start} as root, the master running as mail_owner: a
 * pipe delivery and a spawn service still run their commands as the {@code user=} account, because
 * the root process (PrivilegedMaster) runs them: the pipe request goes over private/local, the
 * spawn socket (owned by mail_owner, mode 0666) is the root process's. Needs root, setpriv and a
 * {@code postfix} account (.ci/run creates it).
 */
class PipeSpawnPrivilegedIT {
    private Path base;
    private TestSite site;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(PosixAccounts.ROOT, "needs root");
        assumeTrue(PosixAccounts.user("postfix").isPresent(), "needs a postfix account");
        base = RootSite.base("mta-pipe-privsep-");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (site != null) postfix("stop");
        ServerProcess.delete(base);
    }

    @Test
    void commandsRunAsTheirUserWhileTheMasterIsMailOwner() throws Exception {
        Path out = Files.createDirectories(base.resolve("out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        site = new TestSite(base)
                .param("relay_domains", "pipe.test")
                .param("transport_maps", "inline:{ pipe.test=rec: }")
                .masterCf(String.join("\n",
                        "SMTPD inet n - n - - smtpd",
                        "pickup unix n - n 60 1 pickup",
                        "qmgr unix n - n 300 1 qmgr",
                        "smtp unix - - n - - smtp",
                        "local unix - n n - - local",
                        "rec unix - n n - - pipe flags=R user=nobody argv=/bin/sh -c",
                        "  { id -u > " + out + "/uid.tmp; cat > " + out + "/msg.tmp; mv " + out + "/uid.tmp " + out
                                + "/uid; mv " + out + "/msg.tmp " + out + "/msg }",
                        "whoami unix - n n - - spawn user=nobody argv=/usr/bin/id -u", ""))
                .write();
        assertEquals(0, postfix("start"));
        long master = Long.parseLong(Files.readString(site.queue.resolve("pid/master.pid")).strip());
        assertEquals(PosixAccounts.user("postfix").orElseThrow().uid(), statusField(master, "Uid:"));

        Transcript.mail(site.smtpdPort, "sender@example.test", "x@pipe.test", "Subject: piped", "", "body");
        WalkingSkeletonTest.waitFor(() -> Files.exists(out.resolve("msg")), "the pipe command ran");
        assertEquals("65534", Files.readString(out.resolve("uid")).strip());
        assertTrue(Files.readString(out.resolve("msg")).startsWith("Return-Path: <sender@example.test>\n"));
        WalkingSkeletonTest.waitFor(() -> WalkingSkeletonTest.read(site.maillog).contains("to=<x@pipe.test>"), "the log line");
        assertTrue(WalkingSkeletonTest.read(site.maillog).matches(
                "(?s).*postfix/pipe\\[\\d+\\]: \\w+: to=<x@pipe\\.test>, relay=rec, .*status=sent \\(delivered via rec service\\).*"),
                WalkingSkeletonTest.read(site.maillog));

        Path socket = site.queue.resolve("private/whoami");
        assertEquals(PosixAccounts.user("postfix").orElseThrow().uid(), (Integer) Files.getAttribute(socket, "unix:uid"));
        assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ch.shutdownOutput();
            assertEquals("65534", new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8).strip());
        }

        assertEquals(0, postfix("stop"));
        site = null;
        WalkingSkeletonTest.waitFor(() -> !Files.exists(socket), "the spawn socket is removed at stop");
    }

    private int postfix(String command) throws Exception {
        RootSite.Result r = RootSite.postfix(site, command);
        if (r.code() != 0) System.err.println("postfix " + command + ": " + r.out());
        return r.code();
    }

    private static long statusField(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field)) return Long.parseLong(line.substring(field.length()).strip().split("\\s+")[0]);
        }
        throw new IOException("no " + field + " in /proc/" + pid + "/status");
    }
}
