package mta.master;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mta.config.MasterCf;
import mta.queue.Queues;
import mta.testing.TestSite;
import mta.util.MailLog;
import mta.util.PosixAccounts;
import mta.util.SecretClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SecretServiceTest - the privileged process's file server: it serves the files main.cf and
 * master.cf name as secret material (main.cf values, master.cf {@code -o} overrides, table files
 * of password maps), follows a changed configuration at once, and refuses any other file.
 */
class SecretServiceTest {
    @TempDir
    Path tmp;

    @Test
    void servesOnlyTheFilesTheConfigurationNames() throws Exception {
        Path key = Files.writeString(tmp.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n");
        Path subKey = Files.writeString(tmp.resolve("sub-key.pem"), "sub");
        Path other = Files.writeString(tmp.resolve("other.pem"), "other");
        TestSite site = new TestSite(tmp.resolve("site"))
                .param("smtpd_tls_key_file", key.toString())
                .param("smtp_sasl_password_maps", "hash:" + tmp.resolve("sasl_passwd"))
                .masterCf("SMTPD inet n - n - - smtpd\n  -o smtpd_tls_key_file=" + subKey + "\n")
                .write();
        Queues queues = new Queues(site.queue);
        queues.create();
        PosixAccounts.User me = PosixAccounts.user(System.getProperty("user.name")).orElseThrow();
        MailLog log = MailLog.open(site.maillog, "mx.example.test", "postfix");
        SecretService service = SecretService.start(site.config, queues, me, log.channel("master"), new IdleExit(java.time.Duration.ofSeconds(100)));
        try {
            SecretClient client = new SecretClient(SecretService.socketPath(queues));
            assertArrayEquals(Files.readAllBytes(key), client.read(key));
            assertArrayEquals("sub".getBytes(), client.read(subKey));
            assertEquals("No such file or directory",
                    assertThrows(IOException.class, () -> client.read(tmp.resolve("sasl_passwd.db"))).getMessage());
            for (Path p : List.of(other, Path.of("/etc/passwd"), tmp.resolve("x/../other.pem"))) {
                assertEquals("not named by the configuration",
                        assertThrows(IOException.class, () -> client.read(p)).getMessage(), p.toString());
            }
            // A changed main.cf applies to the next request (as after postfix reload).
            Files.writeString(site.config.resolve("main.cf"),
                    Files.readString(site.config.resolve("main.cf")) + "smtpd_tls_cert_file = " + other + "\n");
            assertArrayEquals("other".getBytes(), client.read(other));
        } finally {
            service.close();
        }
        log.close();
        assertTrue(Files.readString(site.maillog).contains("warning: private/secrets: refused to read /etc/passwd: "
                + "not named by the configuration"));
        assertTrue(!Files.readString(site.maillog).contains("PRIVATE KEY"), "no content in the log");
    }

    @Test
    void theNamedFilesIncludeEveryServicesOverrides() {
        mta.config.Config main = mta.config.Config.of(java.util.Map.of("smtpd_tls_chain_files", "/k/a.pem, /k/b.pem",
                "smtp_tls_CAfile", "/etc/ssl/ca.pem", "smtp_tls_policy_maps", "hash:/etc/postfix/tls_policy"));
        MasterCf master = MasterCf.parse("master.cf", List.of("smtp inet n - - - - smtpd",
                "submission inet n - - - - smtpd", "  -o smtpd_tls_cert_file=/k/sub.pem",
                "relay unix - - - - - smtp", "  -o smtp_tls_key_file=relay-key.pem"));
        assertEquals(java.util.Set.of(Path.of("/k/a.pem"), Path.of("/k/b.pem"), Path.of("/etc/ssl/ca.pem"),
                Path.of("/k/sub.pem")), SecretFileNames.of(main, master));
    }

    @Test
    void theConfigurationFilesOfDatabaseTablesAreNamedFilesWhereverTheTablesAre() {
        mta.config.Config main = mta.config.Config.of(java.util.Map.of(
                "virtual_alias_maps", "proxy:pgsql:/etc/postfix/pgsql-aliases.cf, hash:/etc/postfix/virtual",
                "relay_domains", "mysql:/etc/postfix/relay.cf",
                "smtpd_recipient_restrictions", "check_recipient_access ldap:/etc/postfix/ldap-access.cf, permit"));
        MasterCf master = MasterCf.parse("master.cf", List.of("smtp inet n - - - - smtpd",
                "submission inet n - - - - smtpd",
                "  -o smtpd_sender_login_maps=unionmap:{sqlite:/etc/postfix/logins.cf,memcache:/etc/postfix/mc.cf}"));
        assertEquals(java.util.Set.of(Path.of("/etc/postfix/pgsql-aliases.cf"), Path.of("/etc/postfix/relay.cf"),
                Path.of("/etc/postfix/ldap-access.cf"), Path.of("/etc/postfix/logins.cf"), Path.of("/etc/postfix/mc.cf")),
                SecretFileNames.of(main, master));
    }
}
