package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** XsaslDovecotTest - the Dovecot authentication protocol, spoken to the real {@link TestDovecot}. */
class XsaslDovecotTest {
    private static final Duration HOUR = Duration.ofHours(1);

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void handshakeListsMechanismsWithTheirProperties() throws Exception {
        try (XsaslDovecot d = XsaslDovecot.connect(XsaslDovecot.address(TestDovecot.get().socket.toString()), HOUR)) {
            assertEquals(List.of("PLAIN", "LOGIN"), d.mechanisms().stream().map(XsaslDovecot.Mechanism::name).toList());
            assertTrue(d.mechanisms().get(0).properties().contains("plaintext"), d.mechanisms().toString());
        }
    }

    @Test
    void plainLoginAndFailureOnOneConnection() throws Exception {
        try (XsaslDovecot d = XsaslDovecot.connect(XsaslDovecot.address(TestDovecot.get().socket.toString()), HOUR)) {
            XsaslDovecot.Step ok = d.start("PLAIN", b64("\0alice\0alice-secret"), "smtp", null, "127.0.0.2", false);
            assertEquals(XsaslDovecot.Kind.OK, ok.kind());
            assertEquals("alice", ok.user());

            XsaslDovecot.Step bad = d.start("PLAIN", b64("\0alice\0wrong"), "smtp", null, "127.0.0.2", false);
            assertEquals(XsaslDovecot.Kind.FAIL, bad.kind());
            assertEquals("alice", bad.user());

            XsaslDovecot.Step c = d.start("LOGIN", null, "smtp", null, "127.0.0.2", false);
            assertEquals(XsaslDovecot.Kind.CONTINUE, c.kind());
            assertEquals(b64("Username:"), c.data());
            assertEquals(b64("Password:"), d.next(b64("bob")).data());
            XsaslDovecot.Step done = d.next(b64("bob-secret"));
            assertEquals(XsaslDovecot.Kind.OK, done.kind());
            assertEquals("bob", done.user());
            assertNull(done.data());
        }
    }

    @Test
    void anAuthServerThatStopsAnsweringTimesOut() throws Exception {
        // A server that greets like Dovecot and then never answers: ipc_timeout ends the wait.
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write("VERSION\t1\t2\nMECH\tPLAIN\tplaintext\nDONE\n".getBytes(StandardCharsets.US_ASCII));
                    s.getInputStream().readAllBytes();
                } catch (Exception ignored) {
                    // the client went away
                }
            });
            try (XsaslDovecot d = XsaslDovecot.connect(XsaslDovecot.address("inet:127.0.0.1:" + server.getLocalPort()),
                    Duration.ofMillis(300))) {
                long start = System.nanoTime();
                assertThrows(SocketTimeoutException.class,
                        () -> d.start("PLAIN", b64("\0alice\0alice-secret"), "smtp", null, "127.0.0.2", false));
                assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos());
            }
        }
    }

    @Test
    void endpointSyntax() {
        assertEquals(new InetSocketAddress("127.0.0.1", 12345), XsaslDovecot.address("inet:127.0.0.1:12345"));
        assertEquals(new InetSocketAddress("::1", 12345), XsaslDovecot.address("inet:[::1]:12345"));
        assertEquals(UnixDomainSocketAddress.of("/var/spool/postfix/private/auth"),
                XsaslDovecot.address("/var/spool/postfix/private/auth"));
    }
}
