package mta.e2e;

import static mta.e2e.WalkingSkeletonTest.read;
import static mta.e2e.WalkingSkeletonTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mta.cli.CliAccess;
import mta.master.Master;
import mta.smtp.ScriptedSmtpServer;
import mta.testing.PostfixSmtpSink;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smtputf8RelayTest - SMTPUTF8 (RFC 6531) and BODY=8BITMIME (RFC 6152) from the SMTP server
 * through the queue to the next hop, as Postfix 3.7 passes them on: SMTPUTF8 on MAIL FROM when the
 * message asked for it and the next hop offers it; 5.6.7 when the next hop (Postfix's smtp-sink,
 * which never offers SMTPUTF8) cannot take a message with UTF-8 in its envelope or headers; an
 * all-ASCII message goes out without it; sendmail's UTF-8 mail is detected
 * (smtputf8_autodetect_classes = sendmail, verify), smtpd's is not.
 */
class Smtputf8RelayTest {
    @TempDir
    Path tmp;

    private static final Pattern QUEUED = Pattern.compile("queued as ([0-9A-Za-z]+)");

    /** Sends one message to the site's smtpd; returns its queue ID. */
    private static String submit(TestSite site, String mailFrom, String rcpt, String... content) throws Exception {
        try (Transcript t = Transcript.connect(site.smtpdPort)) {
            t.expect("220 ");
            t.send("EHLO client.example.test").expect("250 ");
            t.send(mailFrom).expect("250 ");
            t.send("RCPT TO:<" + rcpt + ">").expect("250 ");
            t.send("DATA").expect("354 ");
            for (String line : content) t.send(line);
            String reply = t.send(".").expect("250 ");
            t.send("QUIT");
            Matcher m = QUEUED.matcher(reply);
            assertTrue(m.find(), reply);
            return m.group(1);
        }
    }

    @Test
    void smtputf8AndEightBitMimeArePassedOnToANextHopThatOffersThem() throws Exception {
        try (ScriptedSmtpServer mx = ScriptedSmtpServer.start()) {
            mx.ehlo("250-scripted.test\n250-PIPELINING\n250-8BITMIME\n250-SMTPUTF8\n250 SIZE 10240000");
            TestSite site = new TestSite(tmp).param("relayhost", mx.nexthop()).write();
            try (Master m = Master.start(site.config, Master.Options.defaults())) {
                String utf8 = submit(site, "MAIL FROM:<alice@example.test> SMTPUTF8 BODY=8BITMIME", "bøb@remote.example",
                        "Subject: café", "", "crème brûlée");
                String ascii = submit(site, "MAIL FROM:<alice@example.test> BODY=8BITMIME", "bob@remote.example",
                        "Subject: plain", "", "naïve body");
                String seven = submit(site, "MAIL FROM:<alice@example.test> BODY=7BIT", "bob@remote.example",
                        "Subject: seven", "", "x");
                waitFor(() -> read(site.maillog).contains(seven + ": removed"), "all three delivered");
                waitFor(() -> read(site.maillog).contains(utf8 + ": removed"), "all three delivered");
            }
            // the three go out in parallel: in any order, each with its own parameters
            List<String> mails = mx.commands().stream().filter(c -> c.startsWith("MAIL FROM"))
                    .map(c -> c.replaceAll("SIZE=\\d+", "SIZE=n")).sorted().toList();
            assertEquals(List.of("MAIL FROM:<alice@example.test> SIZE=n",
                    "MAIL FROM:<alice@example.test> SIZE=n BODY=8BITMIME",
                    "MAIL FROM:<alice@example.test> SIZE=n BODY=8BITMIME SMTPUTF8"), mails);
            assertTrue(mx.commands().contains("RCPT TO:<bøb@remote.example>"), mx.commands().toString());
        }
    }

    @Test
    void aNextHopWithoutSmtputf8GetsOnlyWhatItCanTake() throws Exception {
        try (PostfixSmtpSink sink = PostfixSmtpSink.start(tmp)) {
            TestSite site = new TestSite(tmp.resolve("site")).param("relayhost", sink.nexthop()).write();
            try (Master m = Master.start(site.config, Master.Options.defaults())) {
                String header = submit(site, "MAIL FROM:<alice@example.test> SMTPUTF8", "bob@remote.example",
                        "Subject: café", "", "body");
                String rcpt = submit(site, "MAIL FROM:<alice@example.test> SMTPUTF8", "bøb@remote.example",
                        "Subject: plain", "", "body");
                String ascii = submit(site, "MAIL FROM:<alice@example.test> SMTPUTF8 BODY=8BITMIME", "carol@remote.example",
                        "Subject: all ascii", "", "body");
                String undeclared = submit(site, "MAIL FROM:<alice@example.test>", "dave@remote.example",
                        "Subject: naïve header from a client that did not ask", "", "body");
                String relay = "relay=127.0.0.1\\[127.0.0.1\\]:\\d+, (conn_use=\\d+, )?delay=[0-9.]+, delays=[0-9./]+, ";
                for (String[] c : new String[][] {{header, "bob"}, {rcpt, "bøb"}}) {
                    String line = c[0] + ": to=<" + c[1] + "@remote.example>, " + relay + "dsn=5\\.6\\.7, status=bounced "
                            + "\\(SMTPUTF8 is required, but was not offered by host 127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]\\)";
                    waitFor(() -> Pattern.compile(line).matcher(read(site.maillog)).find(), "the 5.6.7 bounce: " + line);
                }
                for (String id : List.of(ascii, undeclared)) {
                    waitFor(() -> read(site.maillog).contains(id + ": removed"), "delivered: " + id);
                }
                String log = read(site.maillog);
                assertTrue(Pattern.compile(ascii + ": to=<carol@remote.example>, .*status=sent").matcher(log).find(), log);
                assertTrue(Pattern.compile(undeclared + ": to=<dave@remote.example>, .*status=sent").matcher(log).find(), log);
            }
            List<String> dumps = sink.dumps();
            assertEquals(2, dumps.size(), dumps.toString());
            String all = String.join("\n", dumps);
            assertTrue(all.contains("X-Mail-Args: <alice@example.test> BODY=8BITMIME\n"), all);
            assertFalse(all.contains("SMTPUTF8"), all);
        }
    }

    @Test
    void sendmailMailWithUtf8HeadersIsDetectedAsNeedingSmtputf8() throws Exception {
        try (PostfixSmtpSink sink = PostfixSmtpSink.start(tmp);
             ScriptedSmtpServer utf8Mx = ScriptedSmtpServer.start()) {
            utf8Mx.ehlo("250-scripted.test\n250-PIPELINING\n250 SMTPUTF8");
            TestSite site = new TestSite(tmp.resolve("site")).param("relayhost", sink.nexthop())
                    .param("transport_maps", "inline:{utf8.example=smtp:" + utf8Mx.nexthop() + "}").write();
            try (Master m = Master.start(site.config, Master.Options.defaults())) {
                sendmail(site, "Subject: résumé\n\nbody\n", "-f", "alice@example.test", "bob@remote.example");
                sendmail(site, "Subject: résumé\n\nbody\n", "-f", "alice@example.test", "carol@utf8.example");
                sendmail(site, "Subject: plain\n\nbody\n", "-f", "alice@example.test", "dave@remote.example");
                waitFor(() -> read(site.maillog).contains("to=<bob@remote.example>, ")
                        && read(site.maillog).contains("to=<dave@remote.example>, ")
                        && read(site.maillog).contains("to=<carol@utf8.example>, "), "three deliveries");
                String log = read(site.maillog);
                assertTrue(Pattern.compile("to=<bob@remote\\.example>, .*dsn=5\\.6\\.7, status=bounced \\(SMTPUTF8 is required")
                        .matcher(log).find(), log);
                assertTrue(Pattern.compile("to=<dave@remote\\.example>, .*status=sent").matcher(log).find(), log);
                assertTrue(Pattern.compile("to=<carol@utf8\\.example>, .*status=sent").matcher(log).find(), log);
            }
            assertTrue(utf8Mx.commands().stream().anyMatch(c -> c.matches("MAIL FROM:<alice@example.test> SMTPUTF8")),
                    utf8Mx.commands().toString());
        }
    }

    @Test
    void theQueueFileKeepsWhatTheMessageNeeds() throws Exception {
        TestSite site = new TestSite(tmp).relayedMailWaits().write();
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            String utf8 = submit(site, "MAIL FROM:<alice@example.test> SMTPUTF8 BODY=8BITMIME", "bob@remote.example",
                    "Subject: café", "", "x");
            String requested = submit(site, "MAIL FROM:<alice@example.test> SMTPUTF8", "bob@remote.example",
                    "Subject: ascii", "", "x");
            String declared = submit(site, "MAIL FROM:<alice@example.test>", "bob@remote.example",
                    "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit",
                    "", "naïve");
            String plain = submit(site, "MAIL FROM:<alice@example.test>", "bob@remote.example", "Subject: café", "", "x");
            assertEquals(java.util.Map.of("encoding", "8bit", "smtputf8", "requested,header"), attributes(m, utf8));
            assertEquals(java.util.Map.of("smtputf8", "requested"), attributes(m, requested));
            assertEquals(java.util.Map.of("encoding", "8bit"), attributes(m, declared));
            assertEquals(java.util.Map.of(), attributes(m, plain), "smtpd is not in smtputf8_autodetect_classes");
        }
    }

    /** The encoding and smtputf8 attributes of a message once it rests in deferred/. */
    private static java.util.Map<String, String> attributes(Master m, String id) throws Exception {
        Path f = m.queues().file(mta.queue.QueueName.DEFERRED, id);
        waitFor(() -> java.nio.file.Files.exists(f), id + " in deferred/");
        java.util.Map<String, String> out = new java.util.TreeMap<>(mta.queue.QueueFile.readEnvelope(f).attributes());
        out.keySet().retainAll(List.of("encoding", "smtputf8"));
        return out;
    }

    private static void sendmail(TestSite site, String stdin, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "-C";
        all[1] = site.config.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = CliAccess.sendmail(all, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
    }
}
