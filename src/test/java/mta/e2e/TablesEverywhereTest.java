package mta.e2e;

import static mta.e2e.WalkingSkeletonTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import mta.master.Master;
import mta.testing.TestPostgres;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TablesEverywhereTest - one PostgreSQL database, reached through {@code proxy:pgsql:}, answers
 * every kind of table a site uses: relay_domains, transport_maps, an access table
 * (check_recipient_access), smtpd_sender_login_maps, sender_canonical_maps, alias_maps and
 * local_recipient_maps.
 */
class TablesEverywhereTest {
    @TempDir
    Path tmp;

    @Test
    void everyTableParameterTakesADatabaseTable() throws Exception {
        TestPostgres pg = TestPostgres.get();
        pg.createDatabase("site", "site", "Site-S3cret",
                "CREATE TABLE kv (map VARCHAR(40) NOT NULL, k VARCHAR(255) NOT NULL, v VARCHAR(255) NOT NULL)",
                "INSERT INTO kv VALUES ('relay', 'relay.example', 'OK'),"
                        + " ('transport', 'relay.example', 'discard:'),"
                        + " ('access', 'blocked@relay.example', 'REJECT this one is blocked'),"
                        + " ('login', 'owned@outside.example', 'alice'),"
                        + " ('canonical', 'old@outside.example', 'new@outside.example'),"
                        + " ('aliases', 'staff', 'alice')");
        String connect = "hosts = 127.0.0.1:" + pg.port + "\nuser = site\npassword = Site-S3cret\ndbname = site\n";
        for (String map : new String[] {"relay", "transport", "access", "login", "canonical", "aliases"}) {
            Files.writeString(tmp.resolve(map + ".cf"), connect
                    + "query = SELECT v FROM kv WHERE map = '" + map + "' AND k = '%s'\n");
        }
        String p = "proxy:pgsql:" + tmp + "/";
        TestSite site = new TestSite(tmp.resolve("site")).masterCf(RoutingTest.MASTER_CF)
                .param("relay_domains", p + "relay.cf")
                .param("transport_maps", p + "transport.cf")
                .param("smtpd_recipient_restrictions", "check_recipient_access " + p + "access.cf")
                .param("smtpd_sender_login_maps", p + "login.cf")
                .param("smtpd_sender_restrictions", "reject_sender_login_mismatch")
                .param("sender_canonical_maps", p + "canonical.cf")
                .param("alias_maps", "hash:" + tmp.resolve("site/etc/aliases") + ", " + p + "aliases.cf")
                .param("local_recipient_maps", "proxy:unix:passwd.byname $alias_maps")
                .write();
        try (Master m = Master.start(site.config, Master.Options.defaults());
             Transcript t = Transcript.connectFrom("127.0.0.2", site.smtpdPort)) {
            t.expect("220 ");
            t.send("HELO outside.example").expect("250 ");
            t.send("MAIL FROM:<owned@outside.example>").expect("250 2.1.0 Ok");
            t.send("RCPT TO:<someone@relay.example>").expect( // smtpd_delay_reject: sender checks at RCPT
                    "553 5.7.1 <owned@outside.example>: Sender address rejected: not logged in");
            t.send("RSET").expect("250 ");
            t.send("MAIL FROM:<old@outside.example>").expect("250 2.1.0 Ok");
            t.send("RCPT TO:<blocked@relay.example>").expect("554 5.7.1 <blocked@relay.example>: Recipient address rejected: this one is blocked");
            t.send("RCPT TO:<someone@relay.example>").expect("250 2.1.5 Ok");
            t.send("RCPT TO:<staff@example.test>").expect("250 2.1.5 Ok");
            t.send("RCPT TO:<nobody-here@example.test>").expect(
                    "550 5.1.1 <nobody-here@example.test>: Recipient address rejected: User unknown in local recipient table");
            t.send("RCPT TO:<someone@other.example>").expect("554 5.7.1 <someone@other.example>: Relay access denied");
            t.send("DATA").expect("354 ");
            t.send("Subject: everywhere");
            t.send("");
            t.send("hello");
            t.send(".").expect("250 2.0.0 Ok: queued as ");
            t.send("QUIT").expect("221 ");
            waitFor(() -> WalkingSkeletonTest.queueEmpty(m), "the queue empties");
        }
        String log = Files.readString(site.maillog);
        assertTrue(log.matches("(?s).*to=<someone@relay\\.example>, relay=none, .*status=sent \\(relay\\.example\\).*"), log);
        assertTrue(log.contains("from=<new@outside.example>"), "sender_canonical_maps rewrote the sender: " + log);
        Path alice = site.maildir("alice");
        Path root = site.maildir("root");
        int delivered = count(alice.resolve("new")) + count(root.resolve("new")) + (Files.isRegularFile(alice) ? 1 : 0)
                + (Files.isRegularFile(root) ? 1 : 0);
        assertEquals(1, delivered, "staff -> alice (-> root by the aliases file): " + log);
    }

    private static int count(Path dir) {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.count();
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
