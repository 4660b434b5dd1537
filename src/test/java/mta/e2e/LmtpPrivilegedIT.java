package mta.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mta.testing.ServerProcess;
import mta.testing.TestDovecotLda;
import mta.testing.TestDovecotLmtp;
import mta.testing.RootSite;
import mta.testing.TestSite;
import mta.testing.Transcript;
import mta.util.PosixAccounts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * LmtpPrivilegedIT - {@code mailbox_transport = lmtp:unix:private/dovecot-lmtp} with
 * {@code bin/postfix start} as root, the master running as mail_owner: local runs in the root
 * process, hands the mailbox back over private/local ({@code pass} lines), and the unprivileged
 * master makes the LMTP delivery to a real Dovecot. Needs root, setpriv and a {@code postfix}
 * account (.ci/run creates it).
 */
class LmtpPrivilegedIT {
    private Path base;
    private TestSite site;
    private TestDovecotLmtp dovecot;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(PosixAccounts.ROOT, "needs root");
        assumeTrue(PosixAccounts.user("postfix").isPresent(), "needs a postfix account");
        TestDovecotLmtp.require();
        base = RootSite.base("mta-lmtp-privsep-");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (site != null) postfix("stop");
        if (dovecot != null) dovecot.stop();
        ServerProcess.delete(base);
    }

    @Test
    void localHandsTheMailboxBackToTheUnprivilegedLmtpClient() throws Exception {
        site = new TestSite(base.resolve("site"))
                .param("mailbox_transport", "lmtp:unix:private/dovecot-lmtp")
                .param("local_recipient_maps", "")
                .masterCf(String.join("\n",
                        "SMTPD inet n - n - - smtpd",
                        "pickup unix n - n 60 1 pickup",
                        "qmgr unix n - n 300 1 qmgr",
                        "smtp unix - - n - - smtp",
                        "local unix - n n - - local",
                        "lmtp unix - - n - - lmtp", ""))
                .write();
        assertEquals(0, postfix("start"));
        dovecot = TestDovecotLmtp.start(Files.createDirectories(base.resolve("dovecot")),
                site.queue.resolve("private/dovecot-lmtp"), List.of(new TestDovecotLda.User("dave@example.test", 65534, 65534)));

        Transcript.mail(site.smtpdPort, "sender@example.test", "dave@example.test", "Subject: privsep lmtp", "", "body");
        try {
            WalkingSkeletonTest.waitFor(() -> WalkingSkeletonTest.count(dovecot.inbox("dave@example.test")) == 1,
                    "delivery to dave's Maildir");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + WalkingSkeletonTest.read(site.maillog) + "\n" + dovecot.log(), e);
        }
        WalkingSkeletonTest.waitFor(() -> WalkingSkeletonTest.read(site.maillog).contains("to=<dave@example.test>"),
                "the log line");
        String log = WalkingSkeletonTest.read(site.maillog);
        assertTrue(log.matches("(?s).*postfix/lmtp\\[\\d+\\]: \\w+: to=<dave@example\\.test>, relay=mx\\.example\\.test"
                + "\\[private/dovecot-lmtp\\], .*dsn=2\\.0\\.0, status=sent \\(250 2\\.0\\.0 <dave@example\\.test> .*"), log);
        assertTrue(!log.matches("(?s).*postfix/local\\[\\d+\\]: \\w+: to=<dave@example\\.test>.*"), log);
    }

    private int postfix(String command) throws Exception {
        RootSite.Result r = RootSite.postfix(site, command);
        if (r.code() != 0) System.err.println("postfix " + command + ": " + r.out());
        return r.code();
    }
}
