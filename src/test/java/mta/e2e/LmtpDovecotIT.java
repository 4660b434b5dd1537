package mta.e2e;

import static mta.e2e.WalkingSkeletonTest.count;
import static mta.e2e.WalkingSkeletonTest.read;
import static mta.e2e.WalkingSkeletonTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import mta.master.Master;
import mta.testing.ServerProcess;
import mta.testing.TestDovecotLda;
import mta.testing.TestDovecotLmtp;
import mta.testing.TestSite;
import mta.testing.Transcript;
import mta.util.PosixAccounts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LmtpDovecotIT - mail from the SMTP server to a real Dovecot LMTP server ({@code dovecot-lmtpd},
 * passwd-file users, Maildirs), the way real configurations hand it over: {@code virtual_transport
 * = lmtp:unix:private/dovecot-lmtp} (the socket relative to the queue directory) and
 * {@code transport_maps} with {@code lmtp:inet:127.0.0.1:PORT}. Checks the Maildirs, Postfix's log
 * lines ({@code postfix/lmtp ... relay=mx.example.test[private/dovecot-lmtp] ... status=sent (250
 * 2.0.0 <u@d> ... Saved)}), that an unknown user bounces 5.1.1 while the other recipient of the
 * same message is saved (the bounce itself reaches the sender's Maildir over LMTP), and that with
 * Dovecot down the mail is deferred, never bounced. Local users go the same way with
 * {@code mailbox_transport = lmtp:unix:private/dovecot-lmtp}: after aliases (an alias's local name
 * is logged {@code to=<dave@...>, orig_to=<team@...>}), account or not, and
 * {@code reject_unverified_recipient} probes reach Dovecot's RCPT reply through local and lmtp.
 */
class LmtpDovecotIT {
    private static final List<String> USERS = List.of("bob@lmtp.test", "carol@lmtp.test", "erin@inet.test",
            "dave@example.test");
    private static Path base;
    private static TestSite site;
    private static TestDovecotLmtp dovecot;

    @BeforeAll
    static void start() throws Exception {
        TestDovecotLmtp.require();
        base = ServerProcess.directory("mta-lmtp-it-");
        int uid = PosixAccounts.ROOT ? 65534 : (Integer) Files.getAttribute(base, "unix:uid");
        int gid = PosixAccounts.ROOT ? 65534 : (Integer) Files.getAttribute(base, "unix:gid");
        site = new TestSite(base.resolve("site"));
        Files.createDirectories(site.queue.resolve("private"));
        dovecot = TestDovecotLmtp.start(Files.createDirectories(base.resolve("dovecot")),
                site.queue.resolve("private/dovecot-lmtp"),
                USERS.stream().map(u -> new TestDovecotLda.User(u, uid, gid)).toList());
        site.param("virtual_mailbox_domains", "lmtp.test")
                .param("virtual_mailbox_maps", "inline:{ bob@lmtp.test=x, carol@lmtp.test=x, nosuch@lmtp.test=x }")
                .param("virtual_transport", "lmtp:unix:private/dovecot-lmtp")
                .param("relay_domains", "inet.test")
                .param("transport_maps", "inline:{ inet.test=lmtp:inet:127.0.0.1:" + dovecot.port + " }")
                // local users: their mailboxes are Dovecot's, account or not
                .param("mailbox_transport", "lmtp:unix:private/dovecot-lmtp")
                .param("local_recipient_maps", "")
                .aliases("postmaster: root\nalice: root\nteam: dave, erin@inet.test\n")
                // clients outside mynetworks (127.0.0.2) get their recipients verified
                .param("smtpd_recipient_restrictions", "permit_mynetworks, reject_unverified_recipient")
                .param("unverified_recipient_reject_code", "550")
                .param("address_verify_poll_count", "1")
                .masterCf(String.join("\n",
                        "SMTPD inet n - n - - smtpd",
                        "pickup unix n - n 60 1 pickup",
                        "qmgr unix n - n 300 1 qmgr",
                        "smtp unix - - n - - smtp",
                        "local unix - n n - - local",
                        "verify unix - - n - 1 verify",
                        "lmtp unix - - n - - lmtp", ""))
                .write();
    }

    @AfterAll
    static void stop() {
        if (dovecot != null) dovecot.stop();
        ServerProcess.delete(base);
    }

    @Test
    void virtualTransportAndTransportMapsDeliverOverLmtp() throws Exception {
        long bobBefore = count(dovecot.inbox("bob@lmtp.test"));
        long erinBefore = count(dovecot.inbox("erin@inet.test"));
        long carolBefore = count(dovecot.inbox("carol@lmtp.test"));
        try (Master m = Master.start(site.config, Master.Options.defaults());
             Transcript t = Transcript.connect(site.smtpdPort)) {
            t.expect("220 ");
            t.send("EHLO client.example").expect("250 ");
            t.send("MAIL FROM:<carol@lmtp.test>").expect("250 ");
            t.send("RCPT TO:<bob@lmtp.test>").expect("250 ");
            t.send("RCPT TO:<nosuch@lmtp.test>").expect("250 ");
            t.send("RCPT TO:<erin@inet.test>").expect("250 ");
            t.send("DATA").expect("354 ");
            t.send("Subject: through dovecot lmtp");
            t.send("");
            t.send("Hello Bob and Erin.");
            t.send(".").expect("250 ");
            t.send("QUIT").expect("221 ");

            try {
                waitFor(() -> count(dovecot.inbox("bob@lmtp.test")) == bobBefore + 1, "delivery to bob's Maildir");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + read(site.maillog) + "\n" + dovecot.log(), e);
            }
            waitFor(() -> count(dovecot.inbox("erin@inet.test")) == erinBefore + 1, "delivery to erin's Maildir over inet");
            String bob = Files.readString(newest(dovecot.inbox("bob@lmtp.test")));
            assertTrue(bob.contains("Return-Path: <carol@lmtp.test>") && bob.contains("Subject: through dovecot lmtp")
                    && bob.contains("Hello Bob and Erin."), bob);

            // the bounce for nosuch reaches the sender, carol, over LMTP too
            waitFor(() -> count(dovecot.inbox("carol@lmtp.test")) == carolBefore + 1, "the bounce in carol's Maildir");
            String bounce = Files.readString(newest(dovecot.inbox("carol@lmtp.test")));
            assertTrue(bounce.contains("Final-Recipient: rfc822; nosuch@lmtp.test") && bounce.contains("Status: 5.1.1"),
                    bounce);

            String log = read(site.maillog);
            assertTrue(log.matches("(?s).*postfix/lmtp\\[\\d+\\]: \\w+: to=<bob@lmtp\\.test>, "
                    + "relay=mx\\.example\\.test\\[private/dovecot-lmtp\\], delay=[\\d.]+, delays=[\\d./]+, dsn=2\\.0\\.0, "
                    + "status=sent \\(250 2\\.0\\.0 <bob@lmtp\\.test> \\S+ Saved\\).*"), log);
            assertTrue(log.matches("(?s).*postfix/lmtp\\[\\d+\\]: \\w+: to=<erin@inet\\.test>, relay=127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:"
                    + dovecot.port + ", .*dsn=2\\.0\\.0, status=sent \\(250 2\\.0\\.0 <erin@inet\\.test> .*"), log);
            assertTrue(log.matches("(?s).*postfix/lmtp\\[\\d+\\]: \\w+: to=<nosuch@lmtp\\.test>, relay=mx\\.example\\.test"
                    + "\\[private/dovecot-lmtp\\], .*dsn=5\\.1\\.1, status=bounced \\(host mx\\.example\\.test\\[private/dovecot-lmtp\\]"
                    + " said: 550 5\\.1\\.1 <nosuch@lmtp\\.test> .*\\(in reply to RCPT TO command\\)\\).*"), log);

            // Dovecot down: deferred (4.4.1), never bounced
            dovecot.stop();
            try {
                Transcript.mail(site.smtpdPort, "carol@lmtp.test", "bob@lmtp.test", "Subject: later", "", "x");
                waitFor(() -> read(site.maillog).matches("(?s).*postfix/lmtp\\[\\d+\\]: \\w+: to=<bob@lmtp\\.test>, "
                        + "relay=none, .*dsn=4\\.4\\.1, status=deferred \\(connect to private/dovecot-lmtp: .*"), "the deferral");
                assertFalse(read(site.maillog).contains("status=bounced (connect"), read(site.maillog));
            } finally {
                restartDovecot();
            }
        }
    }

    private static void restartDovecot() throws Exception {
        int uid = PosixAccounts.ROOT ? 65534 : (Integer) Files.getAttribute(base, "unix:uid");
        int gid = PosixAccounts.ROOT ? 65534 : (Integer) Files.getAttribute(base, "unix:gid");
        dovecot = TestDovecotLmtp.start(base.resolve("dovecot"), site.queue.resolve("private/dovecot-lmtp"),
                USERS.stream().map(u -> new TestDovecotLda.User(u, uid, gid)).toList(), dovecot.port);
    }

    @Test
    void mailboxTransportHandsLocalMailboxesToDovecotAfterAliases() throws Exception {
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            long dave = count(dovecot.inbox("dave@example.test"));
            long erin = count(dovecot.inbox("erin@inet.test"));
            Transcript.mail(site.smtpdPort, "carol@lmtp.test", "dave@example.test", "Subject: to dave", "", "x");
            try {
                waitFor(() -> count(dovecot.inbox("dave@example.test")) == dave + 1, "delivery to dave's Maildir");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + read(site.maillog) + "\n" + dovecot.log(), e);
            }
            waitFor(() -> read(site.maillog).contains("to=<dave@example.test>, relay=mx.example.test[private/dovecot-lmtp]"),
                    "the lmtp line");
            String log = read(site.maillog);
            // local hands the mailbox over; the lmtp agent logs it, local does not log it again
            assertTrue(log.matches("(?s).*postfix/lmtp\\[\\d+\\]: \\w+: to=<dave@example\\.test>, "
                    + "relay=mx\\.example\\.test\\[private/dovecot-lmtp\\], delay=[\\d.]+, delays=[\\d./]+, dsn=2\\.0\\.0, "
                    + "status=sent \\(250 2\\.0\\.0 <dave@example\\.test> \\S+ Saved\\).*"), log);
            assertFalse(log.contains("postfix/local") && log.matches("(?s).*postfix/local\\[\\d+\\]: \\w+: to=<dave@example\\.test>.*"),
                    log);

            // an alias: its local name goes to Dovecot (orig_to= the alias), its remote one is forwarded
            Transcript.mail(site.smtpdPort, "carol@lmtp.test", "team@example.test", "Subject: to the team", "", "x");
            waitFor(() -> count(dovecot.inbox("dave@example.test")) == dave + 2, "the alias's copy for dave");
            waitFor(() -> count(dovecot.inbox("erin@inet.test")) == erin + 1, "the alias's copy for erin");
            assertTrue(read(site.maillog).matches("(?s).*postfix/lmtp\\[\\d+\\]: \\w+: to=<dave@example\\.test>, "
                    + "orig_to=<team@example\\.test>, relay=mx\\.example\\.test\\[private/dovecot-lmtp\\], .*status=sent.*"),
                    read(site.maillog));

            // address verification through the same hand-over: Dovecot answers RCPT, nothing is delivered
            assertTrue(rcptUntil("dave@example.test", "250").startsWith("250 2.1.5"));
            String refused = rcptUntil("nosuch@example.test", "550");
            assertTrue(refused.contains("5.1.1") && refused.contains("User doesn't exist"), refused);
            assertEquals(dave + 2, count(dovecot.inbox("dave@example.test")), "a probe delivers nothing");

            // Dovecot down: local's mail is deferred by the hand-over, never bounced, and local
            // itself is not suspended (the next message is tried too); all arrive once Dovecot is back
            dovecot.stop();
            try {
                Transcript.mail(site.smtpdPort, "carol@lmtp.test", "dave@example.test", "Subject: down 1", "", "x");
                Transcript.mail(site.smtpdPort, "carol@lmtp.test", "dave@example.test", "Subject: down 2", "", "x");
                waitFor(() -> read(site.maillog).lines().filter(l -> l.matches(".*postfix/lmtp\\[\\d+\\]: \\w+: "
                        + "to=<dave@example\\.test>, relay=none, .*dsn=4\\.4\\.1, status=deferred \\(connect to "
                        + "private/dovecot-lmtp: .*")).map(l -> l.replaceFirst(".*: (\\w+): to=.*", "$1")).distinct().count() == 2,
                        "both messages deferred by lmtp");
                String down = read(site.maillog);
                assertFalse(down.lines().anyMatch(l -> l.contains("to=<dave@example.test>")
                        && (l.contains("temporarily suspended") || l.contains("status=bounced"))), down);
            } finally {
                restartDovecot();
            }
            waitFor(() -> count(dovecot.inbox("dave@example.test")) == dave + 4, "both delivered once Dovecot is back");
        }
    }

    /** One RCPT from 127.0.0.2 (outside mynetworks), in new sessions until the reply starts with {@code code}. */
    private static String rcptUntil(String address, String code) throws Exception {
        String[] last = {null};
        waitFor(() -> {
            try (Transcript t = Transcript.connectFrom("127.0.0.2", site.smtpdPort)) {
                t.expect("220 ");
                t.send("EHLO client.example").expect("250 ");
                t.send("MAIL FROM:<sender@client.example>").expect("250 ");
                last[0] = t.send("RCPT TO:<" + address + ">").reply();
                t.send("QUIT").expect("221 ");
                return last[0].startsWith(code);
            } catch (java.io.IOException e) {
                return false;
            }
        }, "RCPT TO:<" + address + "> answered " + code + " (last: " + last[0] + ")");
        return last[0];
    }

    /** The file Dovecot saved last (its Maildir names start with the time). */
    static Path newest(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.max(java.util.Comparator.comparing((Path p) -> {
                try {
                    return Files.getLastModifiedTime(p);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).thenComparing(Path::toString)).orElseThrow();
        }
    }
}
