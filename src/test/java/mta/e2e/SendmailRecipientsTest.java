package mta.e2e;

import static mta.e2e.WalkingSkeletonTest.read;
import static mta.e2e.WalkingSkeletonTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import mta.cli.CliAccess;
import mta.master.Master;
import mta.testing.TestSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SendmailRecipientsTest - malformed sendmail recipient arguments, through the whole system, end
 * as they end with Postfix 3.7: "foo@" bounces with 5.1.3 (bad address syntax) instead of reaching
 * the local user foo; "alice root@localhost" is two recipients, both delivered.
 */
class SendmailRecipientsTest {
    @TempDir
    Path tmp;

    @Test
    void anEmptyDomainBouncesAndAWordListIsSeveralRecipients() throws Exception {
        TestSite site = new TestSite(tmp).smtpdServices("SMTPD inet n - n - - smtpd", "error unix - - n - - error").write();
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int rc = CliAccess.sendmail(new String[] {"-C", site.config.toString(), "-f", "root@example.test",
                "root@", "alice root@localhost", "<nosuch"},
                new ByteArrayInputStream("Subject: recipients\n\nbody\n".getBytes(StandardCharsets.US_ASCII)),
                new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
            try {
                waitFor(() -> read(site.maillog).split("status=bounced", -1).length >= 3
                        && read(site.maillog).split("status=sent \\(delivered to maildir\\)", -1).length >= 3,
                        "two bounces, two deliveries");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + ":\n" + read(site.maillog), e);
            }
            String log = read(site.maillog);
            assertTrue(log.matches("(?s).*postfix/error\\[\\d+\\]: [0-9A-F]+: to=<root@>, relay=none, delay=[^,]+,"
                    + " delays=[^,]+, dsn=5\\.1\\.3, status=bounced \\(bad address syntax\\).*"), log);
            assertTrue(log.contains("to=<root@localhost>, relay=local"), log);
            assertTrue(log.matches("(?s).*, orig_to=<alice>, relay=local.*"), log);
            // "<nosuch" is a local part that must be quoted, as Postfix quotes it.
            assertTrue(log.contains(": to=<\"<nosuch\"@mx.example.test>"), log);
        }
    }
}
