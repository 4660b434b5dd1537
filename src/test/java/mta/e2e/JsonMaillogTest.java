package mta.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mta.master.Master;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JsonMaillogTest - {@code maillog_format = json}: every line of the mail log is one JSON object
 * (parsed by Python's json module, line by line), and the same mail, sent to a site with the
 * default Postfix format, logs the same events under its queue ID: the JSON log has, for the
 * queue ID in the {@code 250} reply, the same Postfix texts in {@code message}, and the delivery
 * line's fields ({@code to}, {@code relay}, {@code dsn}, {@code status}) split out.
 */
class JsonMaillogTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path tmp;

    /** The texts after "QID: " of the lines about one queue ID, in order, with the variable parts cut. */
    private static List<String> shapes(List<String> texts, String qid) {
        List<String> out = new ArrayList<>();
        for (String t : texts) {
            if (!t.startsWith(qid + ": ")) continue;
            String rest = t.substring(qid.length() + 2);
            int eq = rest.indexOf('=');
            out.add(eq > 0 ? rest.substring(0, eq) : rest);
        }
        return out;
    }

    private static String send(TestSite site) throws Exception {
        String reply;
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            reply = Transcript.mail(site.smtpdPort, "sender@example.test", "alice@example.test",
                    "Message-ID: <same@example.test>", "Subject: json", "", "x");
            WalkingSkeletonTest.waitFor(() -> WalkingSkeletonTest.read(site.maillog).contains(": removed"), "delivery");
        }
        return reply.substring(reply.lastIndexOf(' ') + 1).strip();
    }

    @Test
    void jsonLinesCarryTheSameEventsAsThePostfixFormat() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "needs python3");
        TestSite plain = new TestSite(tmp.resolve("plain")).write();
        TestSite json = new TestSite(tmp.resolve("json")).param("maillog_format", "json").write();
        String plainId = send(plain);
        String jsonId = send(json);

        List<String> plainTexts = new ArrayList<>();
        for (String line : Files.readAllLines(plain.maillog)) {
            assertFalse(line.startsWith("{"), line);
            plainTexts.add(line.substring(line.indexOf("]: ") + 3));
        }

        // Python parses each line on its own and prints queue_id, status, to, relay and message.
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", String.join("\n",
                "import json, sys",
                "for line in open(sys.argv[1], encoding='utf-8'):",
                "    o = json.loads(line)",
                "    assert isinstance(o, dict) and o['program'].startswith('postfix/') and o['time'], line",
                "    print('\\t'.join(str(o.get(k, '')) for k in ('queue_id', 'status', 'to', 'relay', 'dsn', 'message')))"),
                json.maillog.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out + "\n" + WalkingSkeletonTest.read(json.maillog));

        List<String> jsonTexts = new ArrayList<>();
        boolean sawDelivery = false;
        for (String row : out.split("\n")) {
            String[] f = row.split("\t", -1);
            assertEquals(6, f.length, row);
            jsonTexts.add(f[5]);
            if (!f[0].isEmpty()) assertTrue(f[5].startsWith(f[0] + ": "), "queue_id is the message's: " + row);
            if (f[0].equals(jsonId) && f[1].equals("sent")) {
                sawDelivery = true;
                assertEquals("alice@example.test", f[2], row);
                assertEquals("local", f[3], row);
                assertEquals("2.0.0", f[4], row);
            }
        }
        assertTrue(sawDelivery, out);
        List<String> expected = shapes(plainTexts, plainId);
        assertTrue(expected.containsAll(List.of("client", "message-id", "from", "to", "removed")), expected.toString());
        assertEquals(expected, shapes(jsonTexts, jsonId));
    }
}
