package mta.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mta.cli.CliAccess;
import mta.master.Master;
import mta.milter.FakeMilter;
import mta.testing.TestSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NonSmtpdMiltersTest - non_smtpd_milters: mail from sendmail, through pickup and cleanup, to a milter.
 *
 * <p>The milter (a {@link FakeMilter}) hears of a client {@code localhost} at 127.0.0.1,
 * {@code HELO localhost}, the sender and each recipient, then the headers, body and end of the
 * message, as Postfix's cleanup tells its non-SMTP milters; the header it adds is in the
 * delivered message. Mail from SMTP does not reach it.
 */
class NonSmtpdMiltersTest {
    @TempDir
    Path tmp;

    @Test
    void sendmailMailGoesThroughTheNonSmtpdMilters() throws Exception {
        try (FakeMilter milter = new FakeMilter()) {
            milter.script = (c, t) -> c == 'E'
                    ? List.of(FakeMilter.packet('h', "X-Non-Smtpd", "seen"), FakeMilter.packet('c'))
                    : List.of(FakeMilter.packet('c'));
            TestSite site = new TestSite(tmp).param("non_smtpd_milters", milter.name()).write();
            try (Master m = Master.start(site.config, Master.Options.defaults())) {
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                int rc = CliAccess.sendmail(new String[] {"-C", site.config.toString(), "-f", "alice@example.test", "root"},
                        new ByteArrayInputStream("Subject: from sendmail\n\nbody\n".getBytes(StandardCharsets.US_ASCII)),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
                assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
                Path fresh = site.maildir("root").resolve("new");
                long end = System.nanoTime() + 20_000_000_000L;
                String delivered = null;
                while (delivered == null && System.nanoTime() < end) {
                    if (Files.isDirectory(fresh)) {
                        try (var s = Files.list(fresh)) {
                            for (Path f : s.toList()) delivered = Files.readString(f);
                        }
                    }
                    if (delivered == null) Thread.sleep(50);
                }
                assertTrue(delivered != null && delivered.contains("\nX-Non-Smtpd: seen\n"), String.valueOf(delivered)
                        + "\n" + Files.readString(site.maillog));
                List<String> c = milter.commands();
                assertEquals(List.of("CONNECT localhost", "HELO localhost", "MAIL <alice@example.test>",
                        "RCPT <root@mx.example.test>", "DATA"), c.subList(0, 5), c.toString());
                assertTrue(c.contains("HEADER Subject:from sendmail") && c.contains("EOM"), c.toString());
            }
        }
    }
}
