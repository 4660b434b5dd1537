package mta.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SyslogTest - the mail log's two forms, byte for byte: maillog_file lines with the date as
 * Postfix 3.7's postlogd writes it ("Dec 06"), and datagrams to the system logger as glibc's
 * syslog() sends them ("<22>Dec  6 ...", no host name), here to a private datagram socket
 * standing in for /dev/log (a perl receiver that writes each datagram on a line of its own).
 */
class SyslogTest {
    static final ZoneId ZONE = ZoneId.systemDefault();
    /** 6 December, 09:05:03: a one-digit day, where the two forms differ. */
    static final Clock DEC_6 = Clock.fixed(LocalDateTime.of(2026, 12, 6, 9, 5, 3).atZone(ZONE).toInstant(), ZONE);

    @TempDir
    Path tmp;
    Process receiver;

    @AfterEach
    void stop() {
        if (receiver != null) receiver.destroy();
    }

    /** A datagram socket at {@code socket}; each datagram received becomes one line of {@code out}. */
    private void receive(Path socket, Path out) throws Exception {
        String script = "socket(S, 1, 2, 0) or die \"socket: $!\"; bind(S, pack('S Z108', 1, $ARGV[0])) or die \"bind: $!\";"
                + " open(O, '>>', $ARGV[1]) or die; select(O); $| = 1;"
                + " while (defined recv(S, my $d, 65536, 0)) { print O \"$d\\n\"; }";
        receiver = new ProcessBuilder("perl", "-e", script, socket.toString(), out.toString())
                .redirectErrorStream(true).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(socket)) {
            assertTrue(receiver.isAlive() && System.nanoTime() < deadline, "the receiver is up");
            Thread.sleep(10);
        }
    }

    private static List<String> lines(Path file, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
            if (lines.size() >= n || System.nanoTime() > deadline) return lines;
            Thread.sleep(10);
        }
    }

    @Test
    void maillogFileLinesCarryPostlogdsDate() throws Exception {
        Path file = tmp.resolve("maillog");
        long pid = ProcessHandle.current().pid();
        try (MailLog log = MailLog.open(file, "mx.example.test", "postfix").withClock(DEC_6)) {
            log.channel("smtpd").info("connect from localhost[127.0.0.1]");
            log.channel("qmgr").warn("something");
        }
        assertEquals(List.of("Dec 06 09:05:03 mx postfix/smtpd[" + pid + "]: connect from localhost[127.0.0.1]",
                "Dec 06 09:05:03 mx postfix/qmgr[" + pid + "]: warning: something"), Files.readAllLines(file));
    }

    @Test
    void withoutMaillogFileDatagramsGoToTheSystemLoggerAsGlibcSendsThem() throws Exception {
        Path socket = tmp.resolve("log");
        Path got = tmp.resolve("got");
        receive(socket, got);
        long pid = ProcessHandle.current().pid();
        try (MailLog log = MailLog.syslog(socket, "postfix", "mail").withClock(DEC_6)) {
            log.channel("smtpd").info("connect from localhost[127.0.0.1]");
            log.channel("submission", "smtpd").warn("a warning");
            log.channel("qmgr").error("an error");
            log.channel("master").fatal("a fatal one\nin two lines");
        }
        assertEquals(List.of(
                "<22>Dec  6 09:05:03 postfix/smtpd[" + pid + "]: connect from localhost[127.0.0.1]",
                "<20>Dec  6 09:05:03 submission/smtpd[" + pid + "]: warning: a warning",
                "<19>Dec  6 09:05:03 postfix/qmgr[" + pid + "]: error: an error",
                "<18>Dec  6 09:05:03 postfix/master[" + pid + "]: fatal: a fatal one in two lines"), lines(got, 4));
        // syslog_facility and syslog_name choose the priority and the tag.
        try (MailLog log = MailLog.syslog(socket, "relay", "local3").withClock(DEC_6)) {
            log.channel("smtp").info("x");
        }
        assertEquals("<158>Dec  6 09:05:03 relay/smtp[" + pid + "]: x", lines(got, 5).get(4));
    }

    @Test
    void noSystemLoggerMeansStandardErrorAndABadFacilityIsRefused() throws Exception {
        try (MailLog log = MailLog.syslog(tmp.resolve("nobody-listens"), "postfix", "mail")) {
            log.channel("smtpd").info("goes to slf4j"); // no exception, nothing written anywhere else
        }
        assertEquals(List.of(), Files.list(tmp).toList());
        assertThrows(java.io.IOException.class, () -> MailLog.syslog(tmp.resolve("log"), "postfix", "nosuch"));
        assertEquals(2, SyslogSocket.facility("mail"));
        assertEquals(23, SyslogSocket.facility("LOCAL7"));
    }
}
