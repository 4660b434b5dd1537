package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import mta.master.Master;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpdCommandSequenceTest - every command gets a reply, whatever came before it.
 *
 * <p>A small exploration of the protocol's state space: every sequence of three commands from a
 * set that reaches each state of a session (greeting, HELO/EHLO, MAIL, RCPT accepted or refused,
 * DATA, BDAT chunks, LAST, refused chunks, RSET...), each in a fresh session, then long random
 * walks over the same set. After each command the test waits for a well-formed reply; only a
 * {@code 421} or {@code 521} may end the session, and only by saying so. No exception may escape
 * a session, and none may be logged.
 */
class SmtpdCommandSequenceTest {
    private static final Pattern REPLY = Pattern.compile("([2-5]\\d\\d-[^\\n]*\\n)*[2-5]\\d\\d( [^\\n]*)?");

    @TempDir
    static Path tmp;
    static TestSite site;
    static Master m;
    static SmtpdTestSupport sup;
    static final List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    static Thread.UncaughtExceptionHandler saved;

    /** One step: what to send; the content that follows a 354. */
    private record Step(String name, String send) {}

    private static final String CONTENT = "Subject: seq\r\n\r\nbody\r\n.\r\n";

    private static final List<Step> STEPS = List.of(
            new Step("HELO", "HELO client.example\r\n"),
            new Step("EHLO", "EHLO client.example\r\n"),
            new Step("MAIL", "MAIL FROM:<a@client.example>\r\n"),
            new Step("RCPT", "RCPT TO:<bob@remote.example>\r\n"),
            new Step("RCPT-refused", "RCPT TO:<nobody@example.test>\r\n"),
            new Step("DATA", "DATA\r\n"),
            new Step("BDAT", "BDAT 5\r\nhello"),
            new Step("BDAT-LAST", "BDAT 6 LAST\r\nx: y\r\n"),
            new Step("BDAT-0", "BDAT 0\r\n"),
            new Step("RSET", "RSET\r\n"),
            new Step("NOOP", "NOOP\r\n"),
            new Step("VRFY", "VRFY <root@example.test>\r\n"),
            new Step("ETRN", "ETRN elsewhere.example\r\n"),
            new Step("AUTH", "AUTH PLAIN AGFAYg==\r\n"),
            new Step("STARTTLS", "STARTTLS\r\n"),
            new Step("junk", "XYZZY\r\n"),
            new Step("empty", "\r\n"));

    @BeforeAll
    static void start() throws Exception {
        saved = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
        site = new TestSite(tmp)
                .relayedMailWaits()
                .param("relay_domains", "remote.example")
                .param("smtpd_hard_error_limit", "1000")
                .param("smtpd_error_sleep_time", "0")
                .write();
        m = Master.start(site.config, Master.Options.defaults());
        sup = new SmtpdTestSupport(site, m);
    }

    @AfterAll
    static void stop() {
        if (m != null) m.close();
        Thread.setDefaultUncaughtExceptionHandler(saved);
    }

    /** Sends one step and reads its reply (and the reply to the content after a 354); false when the session ended. */
    private static boolean step(Transcript t, Step s, List<String> trail) throws IOException {
        trail.add(s.name());
        t.sendRaw(s.send());
        String reply = reply(t, trail);
        if (reply.startsWith("354")) {
            t.sendRaw(CONTENT);
            reply = reply(t, trail);
        }
        if (reply.startsWith("421") || reply.startsWith("521")) {
            t.expectClosed();
            return false;
        }
        return true;
    }

    private static String reply(Transcript t, List<String> trail) throws IOException {
        String reply;
        try {
            reply = t.reply();
        } catch (AssertionError | IOException e) {
            throw new AssertionError("no reply after " + trail + ": " + e.getMessage(), e);
        }
        if (!REPLY.matcher(reply).matches()) fail("malformed reply after " + trail + ": " + reply);
        return reply;
    }

    @Test
    void everySequenceOfThreeCommandsIsAnswered() throws Exception {
        int sessions = 0;
        for (Step a : STEPS) {
            for (Step b : STEPS) {
                for (Step c : STEPS) {
                    List<String> trail = new ArrayList<>();
                    try (Transcript t = Transcript.connect(site.smtpdPort)) {
                        t.expect("220 ");
                        boolean open = step(t, a, trail) && step(t, b, trail) && step(t, c, trail);
                        if (open) {
                            trail.add("QUIT");
                            t.send("QUIT").expect("221 ");
                        }
                    }
                    sessions++;
                }
            }
        }
        assertTrue(sessions == STEPS.size() * STEPS.size() * STEPS.size());
        checkNothingEscaped();
    }

    @Test
    void longRandomWalksAreAnswered() throws Exception {
        Random r = new Random(3030);
        for (int session = 0; session < 20; session++) {
            List<String> trail = new ArrayList<>();
            try (Transcript t = Transcript.connect(site.smtpdPort)) {
                t.expect("220 ");
                boolean open = true;
                for (int i = 0; i < 60 && open; i++) open = step(t, STEPS.get(r.nextInt(STEPS.size())), trail);
                if (open) t.send("QUIT").expect("221 ");
            }
        }
        checkNothingEscaped();
    }

    private static void checkNothingEscaped() throws InterruptedException {
        assertTrue(uncaught.isEmpty(), "exceptions escaped a session: " + uncaught);
        String log = sup.log();
        assertFalse(log.contains("Exception"), log);
        assertFalse(log.contains("internal error"), log);
        sup.awaitNoTemporaries();
    }
}
