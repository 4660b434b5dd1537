package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** XsaslDovecotTest - the Dovecot authentication protocol, spoken to the real {@link TestDovecot}. */
class XsaslDovecotTest {
    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void handshakeListsMechanismsWithTheirProperties() throws Exception {
        try (XsaslDovecot d = XsaslDovecot.connect(XsaslDovecot.address(TestDovecot.get().socket.toString()))) {
            assertEquals(List.of("PLAIN", "LOGIN"), d.mechanisms().stream().map(XsaslDovecot.Mechanism::name).toList());
            assertTrue(d.mechanisms().get(0).properties().contains("plaintext"), d.mechanisms().toString());
        }
    }

    @Test
    void plainLoginAndFailureOnOneConnection() throws Exception {
        try (XsaslDovecot d = XsaslDovecot.connect(XsaslDovecot.address(TestDovecot.get().socket.toString()))) {
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
    void endpointSyntax() {
        assertEquals(new InetSocketAddress("127.0.0.1", 12345), XsaslDovecot.address("inet:127.0.0.1:12345"));
        assertEquals(new InetSocketAddress("::1", 12345), XsaslDovecot.address("inet:[::1]:12345"));
        assertEquals(UnixDomainSocketAddress.of("/var/spool/postfix/private/auth"),
                XsaslDovecot.address("/var/spool/postfix/private/auth"));
    }
}
