package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import mta.master.Master;
import mta.milter.FakeMilter;
import mta.queue.QueueName;
import mta.testing.ServerProcess;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MilterActionsTest - every milter reply and change, from a scripted milter of our own, and milters that are down.
 *
 * <p>Two {@link FakeMilter}s in a row on the main port (the second sees what the first changed);
 * further ports whose only milter is down, one per {@code milter_default_action} (set as
 * {@code -o milter_default_action=} and in the per-milter {@code { ..., default_action=... }}
 * form), and one whose milter never answers within {@code milter_command_timeout}. Relayed mail
 * rests in deferred/, where the test reads back what was queued.
 */
class MilterActionsTest {
    static TestSite site;
    static Master m;
    static SmtpdTestSupport sup;
    static FakeMilter first;
    static FakeMilter second;
    static FakeMilter silent;
    /** On a UNIX-domain socket given relative to queue_directory: unix:private/fake-milter. */
    static FakeMilter local;
    static int dead;
    static int acceptPort, rejectPort, tempfailPort, quarantinePort, timeoutPort, unixPort;

    @BeforeAll
    static void start() throws Exception {
        first = new FakeMilter();
        second = new FakeMilter();
        silent = new FakeMilter();
        silent.script = (c, t) -> {
            if (c == 'R') {
                try {
                    Thread.sleep(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return List.of(FakeMilter.packet('c'));
        };
        dead = TestSite.freePort();
        acceptPort = TestSite.freePort();
        rejectPort = TestSite.freePort();
        tempfailPort = TestSite.freePort();
        quarantinePort = TestSite.freePort();
        timeoutPort = TestSite.freePort();
        unixPort = TestSite.freePort();
        String down = "inet:127.0.0.1:" + dead;
        site = new TestSite(Files.createTempDirectory("milter-actions"));
        site.relayedMailWaits()
                .param("smtpd_milters", first.name() + ", " + second.name())
                .smtpdServices("SMTPD inet n - n - - smtpd",
                        "127.0.0.1:" + acceptPort + " inet n - n - - smtpd -o smtpd_milters=" + down
                                + " -o milter_default_action=accept",
                        "127.0.0.1:" + rejectPort + " inet n - n - - smtpd -o smtpd_milters={" + down
                                + ",default_action=reject}",
                        "127.0.0.1:" + tempfailPort + " inet n - n - - smtpd -o smtpd_milters=" + down,
                        "127.0.0.1:" + quarantinePort + " inet n - n - - smtpd -o smtpd_milters={" + down
                                + ",default_action=quarantine}",
                        "127.0.0.1:" + timeoutPort + " inet n - n - - smtpd -o smtpd_milters=" + silent.name()
                                + " -o milter_command_timeout=1s",
                        "127.0.0.1:" + unixPort + " inet n - n - - smtpd -o smtpd_milters=unix:private/fake-milter")
                .write();
        m = Master.start(site.config, Master.Options.defaults());
        local = new FakeMilter(site.queue.resolve("private/fake-milter"));
        sup = new SmtpdTestSupport(site, m);
    }

    @AfterAll
    static void stop() throws IOException {
        if (m != null) m.close();
        for (FakeMilter f : new FakeMilter[] {first, second, silent, local}) if (f != null) f.close();
        if (site != null) ServerProcess.delete(site.root);
    }

    @BeforeEach
    void reset() {
        for (FakeMilter f : new FakeMilter[] {first, second}) {
            f.script = FakeMilter.CONTINUE;
            f.protocol = 0;
            f.events.clear();
        }
    }

    /** MAIL, RCPT for each recipient (their replies), DATA, the content; returns the replies. */
    private static List<String> send(int port, String from, List<String> rcpts, String... content) throws IOException {
        List<String> replies = new java.util.ArrayList<>();
        try (Transcript t = Transcript.connectFrom("127.0.0.1", port)) {
            replies.add(t.reply());
            String ehlo = t.send("EHLO client.example").reply();
            replies.add(ehlo);
            if (!ehlo.startsWith("250")) {
                t.send("QUIT").expect("221 ");
                return replies;
            }
            replies.add(t.send("MAIL FROM:<" + from + ">").reply());
            boolean any = false;
            for (String r : rcpts) {
                String reply = t.send("RCPT TO:<" + r + ">").reply();
                replies.add(reply);
                any |= reply.startsWith("250");
            }
            if (any && replies.get(2).startsWith("250")) {
                t.send("DATA").expect("354 ");
                for (String l : content) t.send(l);
                replies.add(t.send(".").reply());
            }
            t.send("QUIT").expect("221 ");
        }
        return replies;
    }

    private static String last(List<String> replies) {
        return replies.get(replies.size() - 1);
    }

    @Test
    void everyStageReachesEachMilterWithItsMacros() throws Exception {
        String reply = last(send(site.smtpdPort, "alice@example.test", List.of("bob@remote.example"),
                "Subject: stages", "", "body line"));
        String id = SmtpdTestSupport.queuedId(reply);
        sup.awaitDeferred(id);
        for (FakeMilter f : List.of(first, second)) {
            List<String> c = f.commands();
            assertEquals(List.of("CONNECT unknown", "HELO client.example", "MAIL <alice@example.test>",
                    "RCPT <bob@remote.example>", "DATA"), c.subList(0, 5), c.toString());
            assertTrue(c.contains("HEADER Subject:stages") && c.contains("EOH") && c.contains("BODY body line\r\n")
                    && c.contains("EOM"), c.toString());
        }
        List<String> ev = first.events;
        assertTrue(ev.contains("MACRO C j=mx.example.test {daemon_name}=mx.example.test {daemon_addr}=127.0.0.1"
                + " v=Postfix 3.7.11 _=unknown [127.0.0.1]"), ev.toString());
        assertTrue(ev.contains("MACRO M {mail_addr}=alice@example.test {mail_host}=example.test"), ev.toString());
        // the queue file, and with it the queue ID, exists from the first accepted recipient on
        assertTrue(ev.contains("MACRO R {rcpt_addr}=bob@remote.example {rcpt_host}=remote.example"), ev.toString());
        assertTrue(ev.contains("MACRO E i=" + id), ev.toString());
    }

    @Test
    void endOfMessageChangesReachTheQueueFileAndTheNextMilterSeesThem() throws Exception {
        first.script = (c, t) -> c != 'E' ? List.of(FakeMilter.packet('c')) : List.of(
                FakeMilter.packet('h', "X-First", "added"),
                FakeMilter.indexed('i', 0, "X-Top", "inserted at the top"),
                FakeMilter.indexed('m', 1, "Subject", "changed by the first milter"),
                FakeMilter.indexed('m', 1, "X-Remove-Me", ""),
                FakeMilter.packet('e', "<bounces@example.test>"),
                FakeMilter.packet('+', "<carol@remote.example>"),
                FakeMilter.packet('2', "<dave@remote.example>", "NOTIFY=NEVER"),
                FakeMilter.packet('-', "<bob@remote.example>"),
                FakeMilter.body("a new body\r\nsecond line\r\n"),
                FakeMilter.packet('c'));
        String reply = last(send(site.smtpdPort, "alice@example.test", List.of("bob@remote.example", "erin@remote.example"),
                "Subject: original", "X-Remove-Me: yes", "", "the old body"));
        SmtpdTestSupport.Queued q = sup.awaitDeferred(SmtpdTestSupport.queuedId(reply));
        assertEquals("bounces@example.test", q.envelope().sender());
        assertEquals(List.of("erin@remote.example", "carol@remote.example", "dave@remote.example"),
                q.envelope().recipients().stream().map(r -> r.address()).toList());
        assertEquals("X-Top: inserted at the top", q.lines().get(0));
        assertTrue(q.lines().contains("Subject: changed by the first milter"), q.lines().toString());
        assertTrue(q.lines().contains("X-First: added"), q.lines().toString());
        assertFalse(q.lines().stream().anyMatch(l -> l.startsWith("X-Remove-Me")), q.lines().toString());
        int blank = q.lines().indexOf("");
        assertEquals(List.of("a new body", "second line"), q.lines().subList(blank + 1, q.lines().size()));
        List<String> seen = second.commands();
        assertTrue(seen.contains("HEADER Subject:changed by the first milter") && seen.contains("HEADER X-First:added")
                && seen.contains("BODY a new body\r\nsecond line\r\n") && !seen.contains("HEADER X-Remove-Me:yes"),
                seen.toString());
    }

    @Test
    void aRecipientRefusedWithACustomCodeLeavesTheOthers() throws Exception {
        first.script = (c, t) -> List.of(t.equals("RCPT <bob@remote.example>")
                ? FakeMilter.packet('y', "550 5.7.1 No mail for bob") : FakeMilter.packet('c'));
        List<String> replies = send(site.smtpdPort, "alice@example.test", List.of("bob@remote.example", "erin@remote.example"),
                "Subject: custom", "", "x");
        assertEquals("550 5.7.1 No mail for bob", replies.get(3));
        SmtpdTestSupport.Queued q = sup.awaitDeferred(SmtpdTestSupport.queuedId(last(replies)));
        assertEquals(List.of("erin@remote.example"), q.envelope().recipients().stream().map(r -> r.address()).toList());
        sup.awaitLog("milter-reject: RCPT from unknown[127.0.0.1]: 550 5.7.1 No mail for bob; from=<alice@example.test>"
                + " to=<bob@remote.example> proto=ESMTP helo=<client.example>");
        assertFalse(second.commands().contains("RCPT <bob@remote.example>"), "the second milter never heard of bob");
    }

    @Test
    void rejectAndTempfailAtTheEndOfTheMessageQueueNothing() throws Exception {
        first.script = (c, t) -> List.of(FakeMilter.packet(c == 'E' ? 'r' : 'c'));
        String r = last(send(site.smtpdPort, "alice@example.test", List.of("bob@remote.example"), "Subject: rejected", "", "x"));
        assertEquals("550 5.7.1 Command rejected", r);
        first.script = (c, t) -> List.of(FakeMilter.packet(c == 'E' ? 't' : 'c'));
        r = last(send(site.smtpdPort, "alice@example.test", List.of("bob@remote.example"), "Subject: tempfailed", "", "x"));
        assertEquals("451 4.7.1 Service unavailable - try again later", r);
        sup.awaitLog(": milter-reject: END-OF-MESSAGE from unknown[127.0.0.1]: 5.7.1 Command rejected;"
                + " from=<alice@example.test> to=<bob@remote.example> proto=ESMTP helo=<client.example>");
        sup.awaitLog(": milter-reject: END-OF-MESSAGE from unknown[127.0.0.1]: 4.7.1 Service unavailable - try again"
                + " later; from=<alice@example.test>");
        assertEquals(0, sup.queueFilesContaining("Subject: rejected") + sup.queueFilesContaining("Subject: tempfailed"));
        sup.awaitNoTemporaries();
    }

    @Test
    void quarantinePutsTheMessageOnHoldAndDiscardKeepsNothing() throws Exception {
        first.script = (c, t) -> c == 'E' ? List.of(FakeMilter.packet('q', "suspicious"), FakeMilter.packet('c'))
                : List.of(FakeMilter.packet('c'));
        String id = SmtpdTestSupport.queuedId(last(send(site.smtpdPort, "alice@example.test",
                List.of("bob@remote.example"), "Subject: held", "", "x")));
        assertTrue(Files.exists(m.queues().file(QueueName.HOLD, id)), "in hold/");
        sup.awaitLog(id + ": milter-hold: END-OF-MESSAGE from unknown[127.0.0.1]: milter triggers HOLD action;"
                + " from=<alice@example.test> to=<bob@remote.example> proto=ESMTP helo=<client.example>");

        first.script = (c, t) -> List.of(FakeMilter.packet(c == 'E' ? 'd' : 'c'));
        String gone = SmtpdTestSupport.queuedId(last(send(site.smtpdPort, "alice@example.test",
                List.of("bob@remote.example"), "Subject: discarded", "", "x")));
        sup.awaitLog(gone + ": milter-discard: END-OF-MESSAGE from unknown[127.0.0.1]: milter triggers DISCARD action;");
        assertEquals(0, sup.queueFilesContaining("Subject: discarded"));
    }

    @Test
    void skipEndsTheBodyForOneMilterAndProgressKeepsTheWaitGoing() throws Exception {
        first.protocol = 0x400; // SMFIP_SKIP
        first.script = (c, t) -> switch (c) {
            case 'B' -> List.of(FakeMilter.packet('s'));
            case 'E' -> List.of(FakeMilter.packet('p'), FakeMilter.packet('p'), FakeMilter.packet('c'));
            default -> List.of(FakeMilter.packet('c'));
        };
        String line = "x".repeat(998);
        String[] content = new String[2 + 200];
        content[0] = "Subject: long";
        content[1] = "";
        for (int i = 2; i < content.length; i++) content[i] = line;
        String id = SmtpdTestSupport.queuedId(last(send(site.smtpdPort, "alice@example.test",
                List.of("bob@remote.example"), content)));
        sup.awaitDeferred(id);
        assertEquals(1, first.commands().stream().filter(e -> e.startsWith("BODY ")).count(), "skipped after one chunk");
        assertEquals(4, second.commands().stream().filter(e -> e.startsWith("BODY ")).count(), "200 KB in 64 KB chunks");
    }

    @Test
    void aMilterThatIsDownGivesItsDefaultAction() throws Exception {
        String id = SmtpdTestSupport.queuedId(last(send(acceptPort, "alice@example.test", List.of("bob@remote.example"),
                "Subject: accepted without the milter", "", "x")));
        sup.awaitDeferred(id);
        sup.awaitLog("warning: connect to Milter service inet:127.0.0.1:" + dead + ": Connection refused");

        // the greeting stays; the milter's default action answers the commands, as in Postfix
        List<String> rejected = send(rejectPort, "alice@example.test", List.of("bob@remote.example"), "x");
        assertTrue(rejected.get(0).startsWith("220 "), rejected.toString());
        assertEquals("550 5.5.0 Service unavailable", rejected.get(1));
        sup.awaitLog("NOQUEUE: milter-reject: CONNECT from unknown[127.0.0.1]: 550 5.5.0 Service unavailable; proto=SMTP");
        sup.awaitLog("NOQUEUE: milter-reject: EHLO from unknown[127.0.0.1]: 550 5.5.0 Service unavailable; proto=SMTP");

        List<String> tempfailed = send(tempfailPort, "alice@example.test", List.of("bob@remote.example"), "x");
        assertEquals("451 4.7.1 Service unavailable - try again later", tempfailed.get(1));

        String held = SmtpdTestSupport.queuedId(last(send(quarantinePort, "alice@example.test",
                List.of("bob@remote.example"), "Subject: quarantined", "", "x")));
        assertTrue(Files.exists(m.queues().file(QueueName.HOLD, held)), "in hold/");
    }

    @Test
    void aMilterThatDoesNotAnswerInTimeGivesTheDefaultAction() throws Exception {
        long t0 = System.nanoTime();
        List<String> replies = send(timeoutPort, "alice@example.test", List.of("bob@remote.example"), "x");
        assertEquals("451 4.7.1 Service unavailable - try again later", replies.get(3));
        assertTrue(System.nanoTime() - t0 < 4_000_000_000L, "milter_command_timeout = 1s");
        sup.awaitLog("warning: milter " + silent.name() + ": can't read SMFIC_RCPT reply packet header: Connection timed out");
    }

    @Test
    void aMilterOnAUnixSocketRelativeToTheQueueDirectory() throws Exception {
        local.script = (c, t) -> c == 'E' ? List.of(FakeMilter.packet('h', "X-Unix", "yes"), FakeMilter.packet('c'))
                : List.of(FakeMilter.packet('c'));
        String id = SmtpdTestSupport.queuedId(last(send(unixPort, "alice@example.test", List.of("bob@remote.example"),
                "Subject: over a unix socket", "", "x")));
        assertTrue(sup.awaitDeferred(id).lines().contains("X-Unix: yes"));
        assertTrue(local.commands().contains("HELO client.example"), local.commands().toString());
    }

    static long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }
}
