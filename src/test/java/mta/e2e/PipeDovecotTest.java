package mta.e2e;

import static mta.e2e.WalkingSkeletonTest.count;
import static mta.e2e.WalkingSkeletonTest.read;
import static mta.e2e.WalkingSkeletonTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import mta.master.Master;
import mta.testing.ServerProcess;
import mta.testing.TestDovecotLda;
import mta.testing.TestSite;
import mta.testing.Transcript;
import mta.util.PosixAccounts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PipeDovecotTest - mail over SMTP for a domain whose transport is a pipe service that runs the
 * real {@code dovecot-lda} ({@code flags=DRhu user=nobody argv=dovecot-lda -c CONF -f ${sender}
 * -d ${user}@${nexthop}}), with a private Dovecot and a passwd-file user database: each known user
 * gets the message in the Maildir, with Delivered-To:, one command per recipient
 * ({@code dovecot_destination_recipient_limit = 1}); an unknown user makes dovecot-lda exit 67 and
 * the recipient bounces 5.1.1; with Dovecot's auth service down it exits 75 and the mail is deferred.
 */
class PipeDovecotTest {
    private Path base;
    private TestDovecotLda dovecot;

    @AfterEach
    void tearDown() {
        if (dovecot != null) dovecot.stop();
        ServerProcess.delete(base);
    }

    @Test
    void dovecotLdaDeliversIntoTheMaildir() throws Exception {
        TestDovecotLda.require();
        base = ServerProcess.directory("mta-pipe-lda-");
        int uid = PosixAccounts.ROOT ? 65534 : (Integer) Files.getAttribute(base, "unix:uid");
        int gid = PosixAccounts.ROOT ? 65534 : (Integer) Files.getAttribute(base, "unix:gid");
        String user = PosixAccounts.ROOT ? "nobody" : System.getProperty("user.name");
        dovecot = TestDovecotLda.start(Files.createDirectories(base.resolve("dovecot")),
                List.of(new TestDovecotLda.User("bob@lda.test", uid, gid), new TestDovecotLda.User("carol@lda.test", uid, gid)));
        TestSite site = new TestSite(base.resolve("site"))
                .param("relay_domains", "lda.test")
                .param("transport_maps", "inline:{ lda.test=dovecot: }")
                .param("dovecot_destination_recipient_limit", "1")
                .masterCf(String.join("\n",
                        "SMTPD inet n - n - - smtpd",
                        "pickup unix n - n 60 1 pickup",
                        "qmgr unix n - n 300 1 qmgr",
                        "smtp unix - - n - - smtp",
                        "local unix - n n - - local",
                        "dovecot unix - n n - - pipe",
                        "  flags=DRhu user=" + user + " argv=" + TestDovecotLda.LDA + " -c " + dovecot.config
                                + " -f ${sender} -d ${user}@${nexthop}", ""))
                .write();
        try (Master m = Master.start(site.config, Master.Options.defaults());
             Transcript t = Transcript.connect(site.smtpdPort)) {
            t.expect("220 ");
            t.send("EHLO client.example").expect("250 ");
            t.send("MAIL FROM:<root@example.test>").expect("250 ");
            t.send("RCPT TO:<Bob@LDA.test>").expect("250 ");
            t.send("RCPT TO:<carol@lda.test>").expect("250 ");
            t.send("RCPT TO:<nosuch@lda.test>").expect("250 ");
            t.send("DATA").expect("354 ");
            t.send("Subject: through dovecot-lda");
            t.send("");
            t.send("Hello Bob and Carol.");
            t.send(".").expect("250 ");
            t.send("QUIT").expect("221 ");

            try {
                waitFor(() -> count(dovecot.inbox("bob@lda.test")) == 1, "delivery to bob's Maildir");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + read(site.maillog) + "\n" + dovecot.log(), e);
            }
            waitFor(() -> count(dovecot.inbox("carol@lda.test")) == 1, "delivery to carol's Maildir");
            String bob = Files.readString(only(dovecot.inbox("bob@lda.test")));
            // The header has the address as queued; flags h and u folded "-d ${user}@${nexthop}" to bob@lda.test.
            assertTrue(bob.startsWith("Return-Path: <root@example.test>\nDelivered-To: Bob@LDA.test\n"), bob);
            assertTrue(bob.contains("Subject: through dovecot-lda\n") && bob.contains("Hello Bob and Carol."), bob);
            if (PosixAccounts.ROOT) {
                assertEquals(65534, (Integer) Files.getAttribute(only(dovecot.inbox("bob@lda.test")), "unix:uid"),
                        "dovecot-lda ran as the service's user");
            }
            // dovecot_destination_recipient_limit = 1: three deliveries, each logged when it ends.
            waitFor(() -> read(site.maillog).contains("to=<nosuch@lda.test>") && read(site.maillog).contains("to=<Bob@LDA.test>")
                    && read(site.maillog).contains("to=<carol@lda.test>"), "each recipient's status");
            String log = read(site.maillog);
            assertTrue(log.matches("(?s).*postfix/pipe\\[\\d+\\]: \\w+: to=<Bob@LDA\\.test>, relay=dovecot, delay=[\\d.]+, "
                    + "delays=[\\d./]+, dsn=2\\.0\\.0, status=sent \\(delivered via dovecot service.*"), log);
            assertTrue(log.contains("to=<carol@lda.test>, relay=dovecot"), log);
            assertTrue(log.matches("(?s).*to=<nosuch@lda\\.test>, relay=dovecot, .*dsn=5\\.1\\.1, status=bounced \\(user unknown.*"),
                    log);
            // The bounce reaches the sender (root, delivered locally).
            waitFor(() -> count(site.maildir("root").resolve("new")) == 1, "the bounce to root");
            String bounce = Files.readString(only(site.maildir("root").resolve("new")));
            assertTrue(bounce.contains("Final-Recipient: rfc822; nosuch@lda.test") && bounce.contains("Status: 5.1.1"), bounce);
            assertTrue(bounce.contains("Action: failed") && !bounce.contains("Remote-MTA"), bounce);

            // Dovecot's auth service down: dovecot-lda exits 75 (EX_TEMPFAIL), the mail waits.
            dovecot.stop();
            Transcript.mail(site.smtpdPort, "root@example.test", "carol@lda.test", "Subject: later", "", "x");
            waitFor(() -> read(site.maillog).matches(
                    "(?s).*to=<carol@lda\\.test>, relay=dovecot, .*dsn=4\\.3\\.0, status=deferred \\(temporary failure.*"),
                    "the deferral");
            assertEquals(1, count(dovecot.inbox("carol@lda.test")));
        }
    }

    private static Path only(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.toList();
            assertEquals(1, files.size(), files.toString());
            return files.get(0);
        }
    }
}
