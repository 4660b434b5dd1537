package mta.e2e;

import static mta.e2e.WalkingSkeletonTest.read;
import static mta.e2e.WalkingSkeletonTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mta.master.Master;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MailLogTest - the mail log is Postfix's: pflogsumm counts a mixed day's traffic right, and
 * {@code egrep '(reject|warning|error|fatal|panic):'} finds every problem. Runs on a stock
 * Postfix master.cf, every entry of which runs or has its work done in-process.
 */
class MailLogTest {
    @TempDir
    Path tmp;

    @Test
    void pflogsummCountsTheTraffic() throws Exception {
        String stock = new String(MailLogTest.class.getResourceAsStream("/master/stock-master.cf").readAllBytes(),
                StandardCharsets.UTF_8);
        TestSite site = new TestSite(tmp).masterCf(stock).param("relayhost", "[127.0.0.1]:" + TestSite.freePort())
                .param("minimal_backoff_time", "300s").param("maximal_backoff_time", "300s")
                .param("local_recipient_maps", "").write(); // nosuch@ must reach the bounce path
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            Transcript.mail(site.smtpdPort, "root@example.test", "root@example.test", "Subject: traffic", "", "body");      // delivered
            Transcript.mail(site.smtpdPort, "root@example.test", "alice@example.test", "Subject: traffic", "", "body");     // delivered via alias
            Transcript.mail(site.smtpdPort, "root@example.test", "bob@remote.example", "Subject: traffic", "", "body");     // deferred (relay down)
            Transcript.mail(site.smtpdPort, "root@example.test", "nosuch@example.test", "Subject: traffic", "", "body");    // bounced, notice delivered
            try (Transcript t = Transcript.connectFrom("127.0.0.2", site.smtpdPort)) {
                t.expect("220 ");
                t.send("HELO outside").expect("250 ");
                t.send("MAIL FROM:<x@outside.example>").expect("250 ");
                t.send("RCPT TO:<victim@remote.example>").expect("554 ");    // rejected
                t.send("QUIT").expect("221 ");
            }
            waitFor(() -> count(read(site.maillog), "status=sent") == 3 && read(site.maillog).contains("status=deferred"),
                    "three deliveries and one deferral");
        }
        String log = read(site.maillog);
        assertTrue(log.matches("(?s).*postfix/smtp\\[\\d+\\]: [0-9A-F]+: to=<bob@remote.example>.*status=deferred.*"), log);

        List<String> problems = log.lines().filter(l -> Pattern.compile("(reject|warning|error|fatal|panic):").matcher(l).find()).toList();
        assertTrue(problems.stream().anyMatch(l -> l.contains("NOQUEUE: reject: RCPT from unknown[127.0.0.2]")), log);
        // The stock pipe services (maildrop, uucp, ...), verify and lmtp run: the log names no master.cf entry.
        assertEquals(List.of(), problems.stream().filter(l -> l.contains("warning: master.cf: line"))
                .map(l -> l.replaceFirst(".*: service (\\S+): .*", "$1")).toList(), log);

        Path pflogsumm = Path.of("/usr/sbin/pflogsumm");
        if (!Files.isExecutable(pflogsumm)) {
            Assumptions.assumeTrue(System.getenv("CI") == null, "pflogsumm is installed by .ci/run");
            Assumptions.abort("pflogsumm not installed (apt-get install pflogsumm)");
        }
        Process p = new ProcessBuilder(pflogsumm.toString(), site.maillog.toString()).redirectErrorStream(true).start();
        String report = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        Map<String, Integer> totals = grandTotals(report);
        assertEquals(4, totals.get("received"), report);    // the bounce notice is not "received"
        assertEquals(3, totals.get("delivered"), report);
        assertEquals(1, totals.get("deferred"), report);
        assertEquals(1, totals.get("bounced"), report);
        assertEquals(1, totals.get("rejected"), report);
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }

    /** The "Grand Totals" numbers of a pflogsumm report. */
    static Map<String, Integer> grandTotals(String report) {
        Map<String, Integer> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\s+(\\d+)\\s+(received|delivered|forwarded|deferred|bounced|rejected)\\b").matcher(report);
        while (m.find()) out.putIfAbsent(m.group(2), Integer.parseInt(m.group(1)));
        return out;
    }
}
