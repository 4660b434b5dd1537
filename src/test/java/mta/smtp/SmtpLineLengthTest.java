package mta.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import mta.config.Config;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;
import mta.deliver.DeliveryStatus.Outcome;
import mta.dns.Resolver;
import mta.testing.PostfixSmtpSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpLineLengthTest - what the SMTP client puts on the wire: lines longer than
 * smtp_line_length_limit broken as Postfix 3.7 breaks them (checked byte for byte, and by
 * Postfix's smtp-sink as a real peer), and never a bare CR or LF, whatever the queue file holds.
 */
class SmtpLineLengthTest {
    @TempDir
    Path queue;

    private final List<String> log = new CopyOnWriteArrayList<>();

    private SmtpAgent agent(String... pairs) {
        Map<String, String> m = new HashMap<>(Map.of("myhostname", "client.test", "smtp_connection_cache_on_demand", "no"));
        for (int i = 0; i < pairs.length; i += 2) m.put(pairs[i], pairs[i + 1]);
        Resolver noDns = new Resolver() {
            @Override
            public List<mta.dns.MxHost> mx(String domain) {
                throw new AssertionError("no DNS for [host]:port next-hops");
            }

            @Override
            public List<java.net.InetAddress> addresses(String host) {
                throw new AssertionError("no DNS for [host]:port next-hops");
            }

            @Override
            public List<String> names(java.net.InetAddress address) {
                throw new AssertionError("no DNS for [host]:port next-hops");
            }
        };
        return new SmtpAgent(Config.of(m), noDns, 25, log::add);
    }

    private static String repeat(String unit, int times) {
        return unit.repeat(times);
    }

    /** The content lines of a session: from after the DATA command's CRLF to before the final CRLF.CRLF. */
    private static List<String> dataLines(byte[] session) {
        String all = new String(session, StandardCharsets.ISO_8859_1);
        int start = all.indexOf("DATA\r\n") + 6;
        int end = all.indexOf("\r\n.\r\n", start);
        return Arrays.asList(all.substring(start, end).split("\r\n", -1));
    }

    @Test
    void longLinesAreBrokenWithCrLfSpaceAsPostfixBreaksThem() throws Exception {
        String header = "X-Long: " + repeat("h0000 ", 300);               // 1808 bytes
        String body = repeat("0123", 700);                                 // 2800 bytes
        String dotted = "." + repeat("x", 1000) + "." + repeat("y", 1000); // 2002 bytes, starts with a dot
        String exact = repeat("e", 998);
        String oneMore = repeat("f", 999);
        List<String> lines = List.of("Subject: long", header, "", body, "short", dotted, exact, oneMore);
        try (RawSmtpSink sink = RawSmtpSink.start()) {
            DeliveryRequest req = TestMessages.request(queue, sink.nexthop(), "alice@client.test",
                    List.of("bob@server.test"), lines);
            List<DeliveryStatus> st = agent().deliver(req);
            assertEquals(Outcome.SENT, st.get(0).outcome(), st.get(0).reason());

            List<String> wire = dataLines(sink.sessions(1).get(0));
            List<String> expected = new ArrayList<>();
            expected.add("Subject: long");
            expected.add(header.substring(0, 998));
            expected.add(" " + header.substring(998));
            expected.add("");
            expected.add(body.substring(0, 998));
            expected.add(" " + body.substring(998, 998 + 997));
            expected.add(" " + body.substring(998 + 997));
            expected.add("short");
            expected.add("." + dotted.substring(0, 998)); // dot-stuffed: 999 bytes on the wire
            expected.add(" " + dotted.substring(998, 998 + 997));
            expected.add(" " + dotted.substring(998 + 997));
            expected.add(exact);
            expected.add(oneMore.substring(0, 998));
            expected.add(" f");
            assertEquals(expected, wire);
            assertEquals(1, log.stream().filter(l -> l.equals(req.queueId()
                    + ": breaking line > 998 bytes with <CR><LF>SPACE")).count(), log.toString());
        }
    }

    @Test
    void theLimitIsAParameterAndZeroTurnsItOff() throws Exception {
        String body = repeat("z", 50);
        try (RawSmtpSink sink = RawSmtpSink.start()) {
            agent("smtp_line_length_limit", "20").deliver(TestMessages.request(queue, sink.nexthop(),
                    "alice@client.test", List.of("bob@server.test"), List.of("Subject: s", "", body)));
            agent("smtp_line_length_limit", "0").deliver(TestMessages.request(queue, sink.nexthop(),
                    "alice@client.test", List.of("bob@server.test"), List.of("Subject: s", "", repeat("w", 3000))));
            assertEquals(List.of("Subject: s", "", repeat("z", 20), " " + repeat("z", 19), " " + repeat("z", 11)),
                    dataLines(sink.sessions(1).get(0)));
            assertEquals(List.of("Subject: s", "", repeat("w", 3000)), dataLines(sink.sessions(2).get(1)));
        }
    }

    @Test
    void postfixSmtpSinkReceivesNoLineLongerThan998Bytes() throws Exception {
        String header = "X-Long: " + repeat("abcdefghi ", 250);
        String body = repeat("0123456789", 500);
        try (PostfixSmtpSink sink = PostfixSmtpSink.start(queue)) {
            DeliveryRequest req = TestMessages.request(queue, sink.nexthop(), "alice@client.test",
                    List.of("bob@server.test"), List.of("Subject: long", header, "", body, "end"));
            assertEquals(Outcome.SENT, agent().deliver(req).get(0).outcome());
            String dump = waitForDump(sink);
            String content = dump.substring(dump.indexOf("Subject: long"));
            for (String line : content.split("\n")) assertTrue(line.length() <= 998, "a line of " + line.length());
            // Undoing the breaks gives the message back.
            assertEquals("Subject: long\n" + header + "\n\n" + body + "\nend", content.replace("\n ", "").stripTrailing());
        }
    }

    static String waitForDump(PostfixSmtpSink sink) throws Exception {
        long end = System.nanoTime() + 20_000_000_000L;
        while (sink.dumps().isEmpty()) {
            if (System.nanoTime() > end) throw new AssertionError("smtp-sink wrote no dump");
            Thread.sleep(20);
        }
        return sink.dumps().get(0);
    }

    @Test
    void noBareCrOrLfLeavesTheClientWhateverTheQueueFileHolds() throws Exception {
        List<String> lines = List.of("Subject: stray\rcarriage", "X-Stray: a\nb", "",
                "before", "\r.\r", ".\n.", "x\n.\r\nMAIL FROM:<evil@example>", "\n", "\r",
                repeat("c", 997) + "\r\n" + repeat("d", 10), "after");
        try (RawSmtpSink sink = RawSmtpSink.start()) {
            DeliveryRequest req = TestMessages.request(queue, sink.nexthop(), "alice@client.test",
                    List.of("bob@server.test"), lines);
            assertEquals(Outcome.SENT, agent().deliver(req).get(0).outcome());
            byte[] raw = sink.sessions(1).get(0);
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == '\r') assertTrue(i + 1 < raw.length && raw[i + 1] == '\n', "bare CR at byte " + i);
                if (raw[i] == '\n') assertTrue(i > 0 && raw[i - 1] == '\r', "bare LF at byte " + i);
            }
            List<String> wire = dataLines(raw);
            assertEquals(List.of("Subject: stray carriage", "X-Stray: a b", "", "before", " . ", ".. .",
                    "x .  MAIL FROM:<evil@example>", " ", " ", repeat("c", 997) + " ", "  " + repeat("d", 10), "after"), wire);
            String session = new String(raw, StandardCharsets.ISO_8859_1);
            assertEquals(session.indexOf("\r\n.\r\n"), session.lastIndexOf("\r\n.\r\n"), "one end of data only");
            assertFalse(session.contains("\r\nMAIL FROM:<evil"), "no command smuggled into the session");
        }
    }

    @Test
    void aLineEndInAnAddressDoesNotSplitTheCommand() throws Exception {
        try (RawSmtpSink sink = RawSmtpSink.start()) {
            DeliveryRequest req = TestMessages.request(queue, sink.nexthop(), "alice@client.test",
                    List.of("bob@server.test>\r\nRSET\r\nRCPT TO:<other@server.test"), List.of("Subject: s", "", "x"));
            agent().deliver(req);
            String session = new String(sink.sessions(1).get(0), StandardCharsets.ISO_8859_1);
            assertTrue(session.contains("RCPT TO:<bob@server.test>  RSET  RCPT TO:<other@server.test>\r\n"), session);
            assertFalse(session.contains("\r\nRSET\r\n"), session);
        }
    }
}
