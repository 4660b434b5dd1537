package mta.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import mta.lookup.TableBuilder;
import mta.smtp.ScriptedSmtpServer;
import mta.testing.RootSite;
import mta.testing.RootSite.Result;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SaslPasswdPrivsepIT - a root-only {@code sasl_passwd} (source and {@code .db}, mode 0600, owner
 * root) under privilege separation: {@code bin/postfix start} as root, the master and its SMTP
 * client as mail_owner, which cannot read the table itself; the privileged process hands the
 * table over, and the client authenticates to the relayhost with its password. The relayhost is a
 * scripted server that offers AUTH PLAIN (without TLS, so smtp_sasl_security_options is
 * noanonymous here). Needs root, setpriv and a {@code postfix} account (.ci/run creates it).
 */
class SaslPasswdPrivsepIT {
    private static final String PASSWORD = "root-only-secret";
    private Path base;
    private TestSite site;
    private ScriptedSmtpServer relay;
    private Path table;


    @BeforeEach
    void setUp() throws Exception {
        RootSite.assumePrivilegeSeparation();
        // Not JUnit's @TempDir: that is mode 0700, which mail_owner could not reach.
        base = RootSite.base("mta-saslpasswd-");
        String plain = Base64.getEncoder().encodeToString(("\0home-user\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        relay = ScriptedSmtpServer.start()
                .ehlo("250-relay.provider.test\n250-AUTH PLAIN LOGIN\n250 8BITMIME")
                .on("AUTH PLAIN " + plain, "235 2.7.0 Authentication successful")
                .on("AUTH", "535 5.7.8 Error: authentication failed");
        site = new TestSite(base.resolve("site"))
                .param("relayhost", relay.nexthop())
                .param("smtp_sasl_auth_enable", "yes")
                .param("smtp_sasl_security_options", "noanonymous");
        table = site.config.resolve("sasl_passwd");
        site.param("smtp_sasl_password_maps", "hash:" + table).write();
        Files.writeString(table, relay.nexthop() + " home-user:" + PASSWORD + "\n");
        TableBuilder.write(Path.of(table + ".db"), Map.of(relay.nexthop(), "home-user:" + PASSWORD), table);
        rootOnly(table);
        rootOnly(Path.of(table + ".db"));
    }

    @AfterEach
    void tearDown() throws IOException {
        if (relay != null) relay.close();
        RootSite.stop(site, base);
    }

    @Test
    void aRootOnlySaslPasswdAuthenticatesUnderPrivilegeSeparation() throws Exception {
        assertFalse(RootSite.run("setpriv", "--reuid=postfix", "--regid=postfix", "--clear-groups", "cat", table + ".db")
                .code() == 0, "mail_owner cannot read the table itself");
        Result start = postfix("start");
        assertEquals(0, start.code(), start.out());

        try (Transcript t = Transcript.connect(site.smtpdPort)) {
            t.expect("220 ");
            t.send("EHLO client.example").expect("250 ");
            t.send("MAIL FROM:<root@example.test>").expect("250 ");
            t.send("RCPT TO:<friend@remote.test>").expect("250 ");
            t.send("DATA").expect("354 ");
            t.send("Subject: through the provider").send("").send("hello");
            t.send(".").expect("250 ");
            t.send("QUIT").expect("221 ");
        }
        WalkingSkeletonTest.waitFor(() -> WalkingSkeletonTest.read(site.maillog).contains("status=sent"),
                "the message is relayed");
        String log = WalkingSkeletonTest.read(site.maillog);
        assertTrue(relay.commands().stream().anyMatch(l -> l.startsWith("AUTH PLAIN ")), relay.commands().toString());
        assertTrue(relay.dataLines().contains("Subject: through the provider"), relay.dataLines().toString());
        assertTrue(log.contains("relay=127.0.0.1[127.0.0.1]:" + relay.port()), log);
        assertFalse(log.contains("Permission denied"), log);
        assertFalse(log.contains("lookup error"), log);
        assertFalse(log.contains(PASSWORD), "the password never reaches the log");
    }

    // ------------------------------------------------------------------ helpers

    private static void rootOnly(Path f) throws IOException {
        Files.setAttribute(f, "unix:uid", 0);
        Files.setAttribute(f, "unix:gid", 0);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    }

    private Result postfix(String command) throws Exception {
        return RootSite.postfix(site, command);
    }

}
