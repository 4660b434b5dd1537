package mta.e2e;

import static mta.e2e.WalkingSkeletonTest.read;
import static mta.e2e.WalkingSkeletonTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import mta.master.Master;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DebianPipeServicesTest - the pipe services of Debian's stock master.cf (maildrop, uucp, ifmail,
 * bsmtp, scalemail-backend, mailman) start with the rest instead of being ignored, and mail routed
 * to them waits in the queue as with Postfix when what they name is missing: an unknown
 * {@code user=} (vmail) defers with a fatal log line, a missing program (uux, the mailman script)
 * defers with the exec error as the command's output. Such a deferral does not suspend the
 * destination: the next message for it is tried as well.
 */
class DebianPipeServicesTest {
    /** The entries as Debian's /etc/postfix/master.cf has them. */
    static final String DEBIAN_PIPE_SERVICES = """
            maildrop  unix  -       n       n       -       -       pipe
              flags=DRXhu user=vmail argv=/usr/bin/maildrop -d ${recipient}
            uucp      unix  -       n       n       -       -       pipe
              flags=Fqhu user=uucp argv=uux -r -n -z -a$sender - $nexthop!rmail ($recipient)
            ifmail    unix  -       n       n       -       -       pipe
              flags=F user=ftn argv=/usr/lib/ifmail/ifmail -r $nexthop ($recipient)
            bsmtp     unix  -       n       n       -       -       pipe
              flags=Fq. user=bsmtp argv=/usr/lib/bsmtp/bsmtp -t$nexthop -f$sender $recipient
            scalemail-backend unix -       n       n       -       2       pipe
              flags=R user=scalemail argv=/usr/lib/scalemail/bin/scalemail-store ${nexthop} ${user} ${extension}
            mailman   unix  -       n       n       -       -       pipe
              flags=FRX user=list argv=/usr/lib/mailman/bin/postfix-to-mailman.py ${nexthop} ${user}
            """;

    @TempDir
    Path tmp;

    @Test
    void theStockPipeServicesStartAndMissingPartsDeferTheMail() throws Exception {
        TestSite site = new TestSite(tmp)
                .param("relay_domains", "md.test, uu.test, mm.test")
                .param("transport_maps", "inline:{ md.test=maildrop:, uu.test=uucp:gateway.example, mm.test=mailman: }")
                .param("minimal_backoff_time", "3600s")
                .param("maximal_backoff_time", "7200s")
                .masterCf(String.join("\n", "SMTPD inet n - n - - smtpd", "pickup unix n - n 60 1 pickup",
                        "qmgr unix n - n 300 1 qmgr", "smtp unix - - n - - smtp", "local unix - n n - - local", "")
                        + DEBIAN_PIPE_SERVICES)
                .write();
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            Transcript.mail(site.smtpdPort, "alice@example.test", "joe@md.test", "Subject: m", "", "x");
            Transcript.mail(site.smtpdPort, "alice@example.test", "joe@uu.test", "Subject: u", "", "x");
            Transcript.mail(site.smtpdPort, "alice@example.test", "announce@mm.test", "Subject: l", "", "x");
            waitFor(() -> read(site.maillog).contains("to=<joe@md.test>") && read(site.maillog).contains("to=<joe@uu.test>")
                    && read(site.maillog).contains("to=<announce@mm.test>"), "three delivery attempts");
            String log = read(site.maillog);
            assertFalse(log.contains("not part of this mail system"), log);
            assertTrue(log.contains("postfix/pipe[") && log.contains(
                    "]: fatal: service maildrop: user=vmail: unknown user name: vmail"), log);
            assertTrue(log.matches("(?s).*to=<joe@md\\.test>, relay=maildrop, .*dsn=4\\.3\\.5, "
                    + "status=deferred \\(mail system configuration error\\).*"), log);
            assertTrue(log.matches("(?s).*to=<joe@uu\\.test>, relay=uucp, .*dsn=4\\.3\\.0, status=deferred \\(temporary failure\\. "
                    + "Command output: pipe: fatal: pipe_command: execvp uux: No such file or directory\\).*"), log);
            assertTrue(log.matches("(?s).*to=<announce@mm\\.test>, relay=mailman, .*dsn=4\\.3\\.0, status=deferred \\(temporary "
                    + "failure\\. Command output: pipe: fatal: pipe_command: execvp /usr/lib/mailman/bin/postfix-to-mailman\\.py: "
                    + "No such file or directory\\).*"), log);
            waitFor(() -> WalkingSkeletonTest.mailq(site).contains("announce@mm.test"), "the mail waits in the queue");
            // A command's deferral is the recipient's, not the destination's: the next message is tried too.
            Transcript.mail(site.smtpdPort, "alice@example.test", "ann@uu.test", "Subject: u2", "", "x");
            waitFor(() -> read(site.maillog).contains("to=<ann@uu.test>"), "the second attempt");
            assertTrue(read(site.maillog).matches("(?s).*postfix/pipe\\[\\d+\\]: \\w+: to=<ann@uu\\.test>, relay=uucp, .*"
                    + "status=deferred \\(temporary failure\\. Command output: pipe: fatal: pipe_command: execvp uux.*"),
                    read(site.maillog));
        }
    }
}
