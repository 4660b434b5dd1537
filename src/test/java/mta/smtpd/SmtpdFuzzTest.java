package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Pattern;
import mta.mail.Address;
import mta.master.Master;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpdFuzzTest - seeded random input for the address parser, the ESMTP parameter parser and a live session.
 *
 * <p>Properties: {@link Address#parsePath} and {@link SmtpdParams} never throw, whatever the text;
 * a session answers every line with one well-formed reply ({@code NNN text}) and stays open. The
 * seeds are fixed, so a failure is repeatable; the failing input is in the message.
 */
class SmtpdFuzzTest {
    private static final Pattern REPLY = Pattern.compile("(?s)(\\d{3}-[^\\n]*\\n)*\\d{3} .*");
    private static final String ALPHABET = "<>@:;\"\\ .,+=%!-_abcXYZ019\t\u00e9\u7528()[]#\u0000\u007f";

    @TempDir
    static Path tmp;
    static TestSite site;
    static Master m;

    @BeforeAll
    static void start() throws Exception {
        site = new TestSite(tmp)
                .param("smtpd_hard_error_limit", "1000000")
                .param("smtpd_soft_error_limit", "1000000")
                .param("smtpd_error_sleep_time", "0")
                .param("relay_domains", "remote.example")
                .write();
        m = Master.start(site.config, Master.Options.defaults());
    }

    @AfterAll
    static void stop() {
        if (m != null) m.close();
    }

    private static String randomText(Random r, int max) {
        int n = r.nextInt(max + 1);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(r.nextInt(4) == 0 ? (char) (r.nextInt(0x3000)) : ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    @Test
    void parsePathNeverThrows() {
        Random r = new Random(5321);
        String[] seeds = {"<a@b>", "<>", "<@r1,@r2:u@d>", "<\"q u\"@d>", "a@b SIZE=1", "<a@b> NOTIFY=NEVER"};
        for (int i = 0; i < 20_000; i++) {
            String s = r.nextBoolean() ? randomText(r, 40) : mutate(r, seeds[r.nextInt(seeds.length)]);
            assertDoesNotThrow(() -> Address.parsePath(s), () -> "parsePath(" + escape(s) + ")");
        }
    }

    @Test
    void parameterParsersNeverThrow() {
        Random r = new Random(3461);
        SmtpdSettings settings = SmtpdSettings.from(new mta.config.Config(java.util.Map.of(
                "myhostname", "mx.example.test", "mydomain", "example.test", "mynetworks", "127.0.0.1/32")));
        String[] seeds = {"SIZE=100", "BODY=8BITMIME", "RET=FULL", "ENVID=a+2Bb", "SMTPUTF8",
                "NOTIFY=SUCCESS,DELAY", "ORCPT=rfc822;a+40b", "NOTIFY=NEVER"};
        for (int i = 0; i < 20_000; i++) {
            String p = r.nextBoolean() ? randomText(r, 30) : mutate(r, seeds[r.nextInt(seeds.length)]);
            assertDoesNotThrow(() -> SmtpdParams.mail(p, new SmtpdState.Transaction(), settings), () -> "mail " + escape(p));
            assertDoesNotThrow(() -> SmtpdParams.rcpt(p, new SmtpdParams.RcptDsn[1]), () -> "rcpt " + escape(p));
        }
    }

    @Test
    void sessionAnswersEveryLine() throws Exception {
        Random r = new Random(2920);
        String[] commands = {"HELO x", "EHLO client.example", "MAIL FROM:<a@client.example>",
                "RCPT TO:<bob@remote.example>", "RSET", "NOOP", "VRFY root", "HELP", "ETRN x",
                "MAIL FROM:<a@b> SIZE=10 BODY=7BIT RET=HDRS", "RCPT TO:<c@remote.example> NOTIFY=FAILURE",
                "VRFY a\rb", "MAIL FROM:<a@b> X=\r\u0000"};
        int lines = 0;
        for (int session = 0; session < 8; session++) {
            try (Transcript t = Transcript.connect(site.smtpdPort)) {
                t.expect("220 ");
                for (int i = 0; i < 400; i++) {
                    byte[] line = switch (r.nextInt(3)) {
                        case 0 -> randomBytes(r);
                        case 1 -> mutate(r, commands[r.nextInt(commands.length)]).getBytes(StandardCharsets.UTF_8);
                        default -> commands[r.nextInt(commands.length)].getBytes(StandardCharsets.UTF_8);
                    };
                    line = sanitize(line);
                    if (startsWithVerb(line, "DATA") || startsWithVerb(line, "BDAT") || startsWithVerb(line, "QUIT")) continue;
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    out.write(line);
                    out.write('\r');
                    out.write('\n');
                    t.sendBytes(out.toByteArray());
                    String reply = t.reply();
                    if (!REPLY.matcher(reply).matches()) {
                        fail("bad reply to " + escape(new String(line, StandardCharsets.ISO_8859_1)) + ": " + reply);
                    }
                    assertTrue(!reply.startsWith("421"), "the session ended: " + reply);
                    lines++;
                }
                t.send("QUIT").expect("221 ");
            }
        }
        assertTrue(lines > 2500, "enough cases: " + lines);
        new SmtpdTestSupport(site, m).awaitNoTemporaries();
    }

    /** No LF (it ends the line early); leading space is fine. */
    private static byte[] sanitize(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte x : b) if (x != '\n') out.write(x);
        return out.toByteArray();
    }

    private static boolean startsWithVerb(byte[] line, String verb) {
        String s = new String(line, StandardCharsets.ISO_8859_1).strip();
        return s.regionMatches(true, 0, verb, 0, verb.length());
    }

    private static byte[] randomBytes(Random r) {
        byte[] b = new byte[r.nextInt(r.nextInt(10) == 0 ? 3000 : 80)];
        r.nextBytes(b);
        return b;
    }

    private static String mutate(Random r, String s) {
        StringBuilder sb = new StringBuilder(s);
        int edits = 1 + r.nextInt(4);
        for (int i = 0; i < edits; i++) {
            int pos = sb.isEmpty() ? 0 : r.nextInt(sb.length());
            char c = r.nextInt(3) == 0 ? (char) r.nextInt(0x800) : ALPHABET.charAt(r.nextInt(ALPHABET.length()));
            switch (r.nextInt(3)) {
                case 0 -> sb.insert(pos, c);
                case 1 -> { if (!sb.isEmpty()) sb.deleteCharAt(pos); }
                default -> { if (!sb.isEmpty()) sb.setCharAt(pos, c); }
            }
        }
        return sb.toString();
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c >= 32 && c < 127) sb.append(c);
            else sb.append(String.format("\\u%04x", (int) c));
        }
        return sb.toString();
    }
}
