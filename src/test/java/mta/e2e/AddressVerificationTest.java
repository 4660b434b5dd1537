package mta.e2e;

import static mta.e2e.WalkingSkeletonTest.inboxSize;
import static mta.e2e.WalkingSkeletonTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mta.lookup.Table;
import mta.lookup.Tables;
import mta.master.Master;
import mta.queue.QueueName;
import mta.testing.Maildirs;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AddressVerificationTest - reject_unverified_recipient on a backup MX, end to end.
 *
 * <p>The primary MX is this system's own smtpd (it refuses unknown local users with 550 5.1.1),
 * GreenMail is the server of a second domain, and a third domain's server is down. The backup
 * relays for all three with {@code reject_unverified_recipient} and
 * {@code unverified_recipient_reject_code = 550}, asking once per RCPT
 * ({@code address_verify_poll_count = 1}): the first RCPT of an address gets 450 while the probe
 * runs, later ones the probe's verdict. Probes go through the backup's queue and SMTP client but
 * never deliver (GreenMail's inbox, the primary's mailbox) and never bounce (the backup's queue
 * and log); the cache (an MVStore file) survives a restart.
 */
class AddressVerificationTest {
    @TempDir
    Path tmp;

    private GreenMail green;
    private int greenPort;
    private int downPort;
    private TestSite primary;
    private TestSite backup;

    static final String PRIMARY_MASTER_CF = String.join("\n",
            "SMTPD inet n - n - - smtpd",
            "pickup unix n - n 60 1 pickup",
            "qmgr unix n - n 300 1 qmgr",
            "smtp unix - - n - - smtp",
            "local unix - n n - - local", "");

    /** Postfix's stock services, verify among them. */
    static final String BACKUP_MASTER_CF = String.join("\n",
            "SMTPD inet n - n - - smtpd",
            "pickup unix n - n 60 1 pickup",
            "qmgr unix n - n 300 1 qmgr",
            "bounce unix - - n - 0 bounce",
            "verify unix - - n - 1 verify",
            "smtp unix - - n - - smtp",
            "relay unix - - n - - smtp",
            "local unix - n n - - local", "");

    @BeforeEach
    void sites() throws IOException {
        greenPort = TestSite.freePort();
        downPort = TestSite.freePort();
        green = new GreenMail(new ServerSetup(greenPort, "127.0.0.1", "smtp"));
        green.start();
        primary = new TestSite(tmp.resolve("primary"))
                .param("myhostname", "mx.primary.test")
                .param("mydestination", "$myhostname, primary.test")
                .masterCf(PRIMARY_MASTER_CF).write();
        Path transport = tmp.resolve("transport");
        Files.writeString(transport, String.join("\n",
                "primary.test smtp:[127.0.0.1]:" + primary.smtpdPort,
                "green.test smtp:[127.0.0.1]:" + greenPort,
                "down.test smtp:[127.0.0.1]:" + downPort, ""));
        backup = new TestSite(tmp.resolve("backup"))
                .param("myhostname", "backup.example.test")
                .param("mydestination", "$myhostname")
                .param("relay_domains", "primary.test, green.test, down.test")
                .param("transport_maps", "texthash:" + transport)
                .param("smtpd_recipient_restrictions",
                        "reject_unverified_recipient, check_recipient_access inline:{ blocked@down.test=REJECT }")
                .param("unverified_recipient_reject_code", "550")
                .param("address_verify_poll_count", "1")
                .param("virtual_alias_maps", "inline:{ sales@primary.test=alice@primary.test }")
                .masterCf(BACKUP_MASTER_CF).write();
    }

    @AfterEach
    void stopGreenMail() {
        green.stop();
    }

    /** One RCPT from a client outside mynetworks (127.0.0.2); returns the reply. */
    private String rcpt(String address) throws IOException {
        try (Transcript t = Transcript.connectFrom("127.0.0.2", backup.smtpdPort)) {
            t.expect("220 ");
            t.send("EHLO client.example").expect("250 ");
            t.send("MAIL FROM:<sender@client.example>").expect("250 2.1.0 Ok");
            String reply = t.send("RCPT TO:<" + address + ">").reply();
            t.send("QUIT").expect("221 ");
            return reply;
        }
    }

    /** Asks again (a new session each time, as a client that retries) until the reply starts with {@code code}. */
    private String rcptUntil(String address, String code) throws Exception {
        String[] last = {null};
        waitFor(() -> {
            try {
                last[0] = rcpt(address);
                return last[0].startsWith(code);
            } catch (IOException e) {
                return false;
            }
        }, "RCPT TO:<" + address + "> answered " + code + " (last: " + last[0] + ")");
        return last[0];
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    @Test
    void aRefusedAddressGets450ThenTheProbesVerdict550() throws Exception {
        try (Master p = Master.start(primary.config, Master.Options.defaults());
             Master b = Master.start(backup.config, Master.Options.defaults())) {
            assertEquals("450 4.1.1 <nosuchuser@primary.test>: Recipient address rejected: unverified address: "
                    + "Address verification in progress", rcpt("nosuchuser@primary.test"));
            String refused = rcptUntil("nosuchuser@primary.test", "550");
            assertEquals("550 5.1.1 <nosuchuser@primary.test>: Recipient address rejected: undeliverable address: "
                    + "host 127.0.0.1[127.0.0.1] said: 550 5.1.1 <nosuchuser@primary.test>: Recipient address "
                    + "rejected: User unknown in local recipient table (in reply to RCPT TO command)", refused);

            String log = read(backup.maillog);
            assertTrue(log.matches("(?s).*postfix/smtp\\[\\d+\\]: [0-9A-F]+: to=<nosuchuser@primary\\.test>, "
                    + "relay=127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:" + primary.smtpdPort + ", delay=[0-9.]+, "
                    + "delays=[0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+, dsn=5\\.1\\.1, status=undeliverable \\(host "
                    + "127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\] said: 550 5\\.1\\.1 .*"), log);
            assertTrue(log.contains("from=<double-bounce@backup.example.test>, size="), log);
            assertTrue(log.contains("NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 450 4.1.1 <nosuchuser@primary.test>: "
                    + "Recipient address rejected: unverified address: Address verification in progress;"), log);
            // the probe never bounced and is gone; the primary saw no DATA and queued nothing
            waitFor(() -> WalkingSkeletonTest.queueEmpty(b), "the backup's queue empties");
            assertFalse(read(backup.maillog).contains("non-delivery notification"), read(backup.maillog));
            assertTrue(p.queues().list(QueueName.INCOMING).isEmpty() && p.queues().list(QueueName.DEFERRED).isEmpty());
            // the client ends the session (cached meanwhile) without DATA: MAIL, RCPT, RSET, QUIT
            waitFor(() -> read(primary.maillog).contains("disconnect from"), "the backup's client leaves");
            String primaryLog = read(primary.maillog);
            assertTrue(primaryLog.matches("(?s).*disconnect from \\S+ ehlo=1 mail=1 rcpt=0/1 rset=1 quit=1 commands=4/5.*"),
                    primaryLog);
            assertFalse(primaryLog.contains(" data="), primaryLog);
        }
    }

    @Test
    void aDeliverableAddressGets250AndOnlyRealMailIsDelivered() throws Exception {
        try (Master p = Master.start(primary.config, Master.Options.defaults());
             Master b = Master.start(backup.config, Master.Options.defaults())) {
            String first = rcpt("alice@primary.test");
            assertTrue(first.equals("250 2.1.5 Ok") || first.startsWith("450 4.1.1 <alice@primary.test>: Recipient "
                    + "address rejected: unverified address: Address verification in progress"), first);
            rcptUntil("alice@primary.test", "250");
            rcptUntil("x@green.test", "250");
            // a probe goes through cleanup's virtual aliases: the result is kept under the address asked about
            rcptUntil("sales@primary.test", "250");
            waitFor(() -> WalkingSkeletonTest.queueEmpty(b), "the probes are gone");
            assertTrue(read(backup.maillog).contains("to=<alice@primary.test>, orig_to=<sales@primary.test>, relay="),
                    read(backup.maillog));
            String log = read(backup.maillog);
            assertTrue(log.matches("(?s).*: to=<alice@primary\\.test>, relay=127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:"
                    + primary.smtpdPort + ", .*dsn=2\\.1\\.5, status=deliverable \\(250 2\\.1\\.5 Ok\\).*"), log);
            assertTrue(log.contains("to=<x@green.test>, relay=127.0.0.1[127.0.0.1]:" + greenPort), log);
            // a probe is never a message: GreenMail got none, the primary delivered none
            assertEquals(0, inboxSize(green, "x@green.test"));
            assertEquals(0, Maildirs.messages(primary.maildir("root")).size());

            // now real mail: accepted at once from the cache, relayed and delivered once
            try (Transcript t = Transcript.connectFrom("127.0.0.2", backup.smtpdPort)) {
                t.expect("220 ");
                t.send("EHLO client.example").expect("250 ");
                t.send("MAIL FROM:<sender@client.example>").expect("250 2.1.0 Ok");
                t.send("RCPT TO:<alice@primary.test>").expect("250 2.1.5 Ok");
                t.send("RCPT TO:<x@green.test>").expect("250 2.1.5 Ok");
                t.send("DATA").expect("354 ");
                t.send("Subject: real mail").send("").send("hello");
                t.send(".").expect("250 2.0.0 Ok: queued as ");
                t.send("QUIT").expect("221 ");
            }
            waitFor(() -> Maildirs.messages(primary.maildir("root")).size() == 1 && inboxSize(green, "x@green.test") == 1,
                    "the real message delivered");
            waitFor(() -> WalkingSkeletonTest.queueEmpty(b) && WalkingSkeletonTest.queueEmpty(p), "queues empty");
            assertEquals(1, Maildirs.messages(primary.maildir("root")).size());
            assertEquals(1, inboxSize(green, "x@green.test"));
        }
    }

    @Test
    void aPrimaryThatIsDownGivesATemporaryAnswerAndNothingIsCachedAsUndeliverable() throws Exception {
        try (Master b = Master.start(backup.config, Master.Options.defaults())) {
            rcpt("someone@down.test");
            waitFor(() -> read(backup.maillog).contains("to=<someone@down.test>, relay=none"), "the probe tried");
            String reply = rcpt("someone@down.test");
            assertEquals("450 4.1.1 <someone@down.test>: Recipient address rejected: unverified address: "
                    + "connect to 127.0.0.1[127.0.0.1]:" + downPort + ": Connection refused", reply);
            // defer_if_permit: a later restriction that rejects wins over the tempfail
            rcpt("blocked@down.test");
            waitFor(() -> read(backup.maillog).contains("to=<blocked@down.test>, relay=none"), "the probe tried");
            assertEquals("554 5.7.1 <blocked@down.test>: Recipient address rejected: Access denied",
                    rcpt("blocked@down.test"));
            String log = read(backup.maillog);
            assertTrue(log.matches("(?s).*to=<someone@down\\.test>, relay=none, .*dsn=4\\.4\\.1, "
                    + "status=undeliverable \\(connect to .*"), log);
            waitFor(() -> WalkingSkeletonTest.queueEmpty(b), "the probes are gone, not deferred");
            assertFalse(read(backup.maillog).contains("status=deferred"), read(backup.maillog));
        }
        try (Table cache = Tables.open("btree:" + backup.root.resolve("data").resolve("verify_cache"))) {
            String entry = cache.get("someone@down.test");
            assertTrue(entry != null && entry.startsWith("1:"), "cached as a temporary failure: " + entry);
        }
    }

    @Test
    void theCacheSurvivesARestart() throws Exception {
        try (Master p = Master.start(primary.config, Master.Options.defaults())) {
            try (Master b = Master.start(backup.config, Master.Options.defaults())) {
                rcpt("nosuchuser@primary.test");
                rcptUntil("nosuchuser@primary.test", "550");
                rcptUntil("alice@primary.test", "250");
                waitFor(() -> WalkingSkeletonTest.queueEmpty(b), "the probes are gone");
            }
            assertTrue(Files.exists(backup.root.resolve("data").resolve("verify_cache.db")));
            int probesBefore = count(read(backup.maillog), "from=<double-bounce@backup\\.example\\.test>");
            try (Master b = Master.start(backup.config, Master.Options.defaults())) {
                assertTrue(rcpt("nosuchuser@primary.test").startsWith("550 5.1.1 <nosuchuser@primary.test>: "
                        + "Recipient address rejected: undeliverable address: host 127.0.0.1[127.0.0.1] said: 550"));
                assertEquals("250 2.1.5 Ok", rcpt("alice@primary.test"));
            }
            assertEquals(probesBefore, count(read(backup.maillog), "from=<double-bounce@backup\\.example\\.test>"),
                    "no new probe after the restart");
        }
    }

    @Test
    void theServiceRunsWhileMasterCfHasIt() throws Exception {
        backup.masterCf(BACKUP_MASTER_CF.replace("verify unix - - n - 1 verify\n", "")).write();
        try (Master b = Master.start(backup.config, Master.Options.defaults())) {
            assertEquals("450 4.1.1 <someone@down.test>: Recipient address rejected: address verification problem",
                    rcpt("someone@down.test"));
            assertTrue(read(backup.maillog).contains("warning: verify service failure"), read(backup.maillog));
            backup.masterCf(BACKUP_MASTER_CF).write();
            b.reload();
            assertTrue(rcpt("someone@down.test").endsWith("unverified address: Address verification in progress"));
        }
    }
}
