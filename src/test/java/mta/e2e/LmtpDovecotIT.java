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
 * Dovecot down the mail is deferred, never bounced.
 */
class LmtpDovecotIT {
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
                List.of(new TestDovecotLda.User("bob@lmtp.test", uid, gid), new TestDovecotLda.User("carol@lmtp.test", uid, gid),
                        new TestDovecotLda.User("erin@inet.test", uid, gid)));
        site.param("virtual_mailbox_domains", "lmtp.test")
                .param("virtual_mailbox_maps", "inline:{ bob@lmtp.test=x, carol@lmtp.test=x, nosuch@lmtp.test=x }")
                .param("virtual_transport", "lmtp:unix:private/dovecot-lmtp")
                .param("relay_domains", "inet.test")
                .param("transport_maps", "inline:{ inet.test=lmtp:inet:127.0.0.1:" + dovecot.port + " }")
                .masterCf(String.join("\n",
                        "SMTPD inet n - n - - smtpd",
                        "pickup unix n - n 60 1 pickup",
                        "qmgr unix n - n 300 1 qmgr",
                        "smtp unix - - n - - smtp",
                        "local unix - n n - - local",
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
                waitFor(() -> count(dovecot.inbox("bob@lmtp.test")) == 1, "delivery to bob's Maildir");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + read(site.maillog) + "\n" + dovecot.log(), e);
            }
            waitFor(() -> count(dovecot.inbox("erin@inet.test")) == 1, "delivery to erin's Maildir over inet");
            String bob = Files.readString(only(dovecot.inbox("bob@lmtp.test")));
            assertTrue(bob.contains("Return-Path: <carol@lmtp.test>") && bob.contains("Subject: through dovecot lmtp")
                    && bob.contains("Hello Bob and Erin."), bob);

            // the bounce for nosuch reaches the sender, carol, over LMTP too
            waitFor(() -> count(dovecot.inbox("carol@lmtp.test")) == 1, "the bounce in carol's Maildir");
            String bounce = Files.readString(only(dovecot.inbox("carol@lmtp.test")));
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
                List.of(new TestDovecotLda.User("bob@lmtp.test", uid, gid), new TestDovecotLda.User("carol@lmtp.test", uid, gid),
                        new TestDovecotLda.User("erin@inet.test", uid, gid)));
    }

    static Path only(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.toList();
            assertEquals(1, files.size(), files.toString());
            return files.get(0);
        }
    }
}
