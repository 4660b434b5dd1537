package mta.util;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MailLog - writes the mail log in syslog's line format, as Postfix does: to {@code maillog_file}
 * when it is set (as its postlogd), else to the system logger through /dev/log (as its syslog()).
 *
 * <p>With {@code maillog_file} ({@code /dev/stdout}: the process's own standard output, for
 * {@code postfix start-fg}), one line per event, with the date as postlogd writes it, the day
 * in two digits: {@code Dec 06 17:40:01 host postfix/smtpd[1234]: 4F1A2B3C4D5: client=...}.
 * Without it, one RFC 3164 datagram per event to {@link SyslogSocket}, as glibc's syslog() sends
 * it: {@code <22>Dec  6 17:40:01 postfix/smtpd[1234]: text}, the day padded with a space, the
 * priority from {@code syslog_facility} and the kind of message (info, warning, error; fatal and
 * panic are critical), no host name (the logger adds its own), so that rsyslog or journald files
 * it as Postfix's. When no system logger listens (no /dev/log), or for commands that have no
 * configuration yet, lines go to slf4j under the logger named by the tag, so they still reach
 * standard error. The kinds follow Postfix's {@code msg.c}: info, warning, error, fatal, panic.
 * Lines are written in batches: under load many share one write. With {@code maillog_format = json}
 * ({@link #json}) each event is one JSON object ({@link JsonLogLine}): the whole line in a file, the
 * message part of a datagram.
 */
public final class MailLog implements AutoCloseable {
    /** postlogd's stamp (maillog_file): "Dec 06 17:40:01". */
    private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("MMM dd HH:mm:ss", Locale.ROOT);
    /** syslog()'s stamp (/dev/log): "Dec  6 17:40:01". */
    private static final DateTimeFormatter SYSLOG_STAMP = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT);

    private final OutputStream out;
    private final String host;
    private final String syslogName;
    /** The syslog facility number when {@link #out} goes to the system logger, else -1. */
    private final int facility;
    private final DateTimeFormatter stampFormat;
    private final Clock clock;
    private final long pid = ProcessHandle.current().pid();
    private final ReentrantLock lock = new ReentrantLock();
    private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream(8192);
    private boolean flushing;
    private volatile Stamp stampCache;
    /** maillog_format = json: one JSON object per line ({@link JsonLogLine}). */
    private volatile boolean json;

    private MailLog(OutputStream out, String host, String syslogName, int facility) {
        this(out, host, syslogName, facility, Clock.systemDefaultZone());
    }

    private MailLog(OutputStream out, String host, String syslogName, int facility, Clock clock) {
        this.out = out;
        this.host = host;
        this.syslogName = syslogName;
        this.facility = facility;
        this.stampFormat = facility >= 0 ? SYSLOG_STAMP : FILE_STAMP;
        this.clock = clock;
    }

    /** Writes JSON objects from now on instead of Postfix-format lines ({@code maillog_format = json}). */
    public MailLog json(boolean on) {
        this.json = on;
        return this;
    }

    /** The same log, its time stamps read from {@code clock} (tests). */
    MailLog withClock(Clock c) {
        return new MailLog(out, host, syslogName, facility, c);
    }

    /** As {@link #open(Path, String, String, String)} with the facility {@code mail}. */
    public static MailLog open(Path file, String myhostname, String syslogName) throws IOException {
        return open(file, myhostname, syslogName, "mail");
    }

    /**
     * Opens the log.
     *
     * @param file        the {@code maillog_file}, or null for the system logger
     * @param myhostname  the host name; its first label appears in each line of the file
     * @param syslogName  {@code syslog_name}, normally "postfix"
     * @param facility    {@code syslog_facility}, normally "mail"
     * @throws IOException when the file cannot be opened or the facility is unknown
     */
    public static MailLog open(Path file, String myhostname, String syslogName, String facility) throws IOException {
        if (file == null) return syslog(SyslogSocket.path(), syslogName, facility);
        OutputStream out;
        if (file.toString().equals("/dev/stdout")) {
            // The inherited standard output itself (postfix start-fg): reopening /dev/stdout by
            // name would fail for a master that runs as mail_owner when the output is root's file.
            out = new java.io.FilterOutputStream(new java.io.FileOutputStream(java.io.FileDescriptor.out)) {
                @Override
                public void close() throws IOException {
                    flush(); // standard output stays open for the rest of the process
                }
            };
        } else {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
        }
        String label = myhostname;
        int dot = label.indexOf('.');
        if (dot > 0) label = label.substring(0, dot);
        return new MailLog(out, label, syslogName, -1);
    }

    /**
     * A log to the system logger listening on {@code socket}; to slf4j, with a warning there, when
     * none listens.
     */
    public static MailLog syslog(Path socket, String syslogName, String facility) throws IOException {
        int f = SyslogSocket.facility(facility);
        if (f < 0) throw new IOException("unknown syslog_facility: " + facility);
        try {
            return new MailLog(SyslogSocket.open(socket), "", syslogName, f);
        } catch (IOException e) {
            LoggerFactory.getLogger(syslogName).warn("mail log: {}; logging to standard error", e.getMessage());
            return new MailLog(null, "localhost", syslogName, -1);
        }
    }

    /** A log that writes to slf4j only; for commands that have no configuration yet. */
    public static MailLog stderr(String syslogName) {
        return new MailLog(null, "localhost", syslogName, -1);
    }

    /** The channel for one service, tagged {@code syslog_name/service}. */
    public Channel channel(String service) {
        return new Channel(syslogName + "/" + service);
    }

    /** A channel with its own syslog_name (a master.cf -o syslog_name=... override). */
    public Channel channel(String syslogName, String service) {
        return new Channel(syslogName + "/" + service);
    }

    /**
     * A channel whose lines carry another process's pid: for a process without a mail log of its
     * own (the root parent script, bin/.privileged-parent), whose lines the privileged delivery
     * process writes for it.
     */
    public Channel channelOf(String service, long otherPid) {
        return new Channel(syslogName + "/" + service, otherPid);
    }

    void write(String tag, int severity, String text) {
        write(tag, pid, severity, text);
    }

    private void write(String tag, long pid, int severity, String text) {
        if (out == null) {
            LoggerFactory.getLogger(tag).info(text);
            return;
        }
        String line;
        if (json) {
            String object = JsonLogLine.format(clock.instant(), host, tag, pid, severity, text);
            line = facility < 0 ? object + "\n"
                    : "<" + (facility * 8 + severity) + ">" + stamp() + " " + tag + "[" + pid + "]: " + object + "\n";
        } else {
            line = facility < 0 ? stamp() + " " + host + " " + tag + "[" + pid + "]: " + text + "\n"
                    : "<" + (facility * 8 + severity) + ">" + stamp() + " " + tag + "[" + pid + "]: " + oneLine(text) + "\n";
        }
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        lock.lock();
        try {
            pending.write(bytes, 0, bytes.length);
            if (flushing) return; // the thread that is writing takes this line along
            flushing = true;
        } finally {
            lock.unlock();
        }
        flushPending(tag);
    }

    /**
     * Writes what has accumulated, in one write per round, until nothing is left. Lines that
     * arrive while a write is under way join the next round: under load many lines share one
     * system call, and an idle log is written at once.
     */
    private void flushPending(String tag) {
        while (true) {
            byte[] batch;
            lock.lock();
            try {
                if (pending.size() == 0) {
                    flushing = false;
                    return;
                }
                batch = pending.toByteArray();
                pending.reset();
            } finally {
                lock.unlock();
            }
            try {
                out.write(batch);
                out.flush();
            } catch (IOException e) {
                LoggerFactory.getLogger(tag).warn("cannot write mail log: {}", e.getMessage());
            }
        }
    }

    /** A datagram is one line: line ends inside the text become spaces. */
    private static String oneLine(String text) {
        return text.indexOf('\n') < 0 && text.indexOf('\r') < 0 ? text : text.replace('\n', ' ').replace('\r', ' ');
    }

    /** The time stamp, formatted once per second. */
    private String stamp() {
        long second = clock.millis() / 1000;
        Stamp c = stampCache;
        if (c != null && c.second() == second) return c.text();
        String text = LocalDateTime.now(clock).format(stampFormat);
        stampCache = new Stamp(second, text);
        return text;
    }

    /** A formatted time stamp and the second it names. */
    private record Stamp(long second, String text) {}

    @Override
    public void close() throws IOException {
        if (out == null) return;
        lock.lock();
        try {
            out.write(pending.toByteArray());
            pending.reset();
            out.close();
        } finally {
            lock.unlock();
        }
    }

    /** One service's view of the log: {@code info}, {@code warn}, {@code fatal}, {@code panic}. */
    public final class Channel {
        private final String tag;
        private final long channelPid;
        private final Logger diag;

        Channel(String tag) {
            this(tag, MailLog.this.pid);
        }

        Channel(String tag, long channelPid) {
            this.tag = tag;
            this.channelPid = channelPid;
            this.diag = LoggerFactory.getLogger(tag);
        }

        public String tag() {
            return tag;
        }

        public void info(String text) {
            write(tag, channelPid, SyslogSocket.INFO, text);
        }

        public void warn(String text) {
            write(tag, channelPid, SyslogSocket.WARNING, "warning: " + text);
        }

        public void error(String text) {
            write(tag, channelPid, SyslogSocket.ERR, "error: " + text);
        }

        /** A configuration or environment problem that stops the service. */
        public void fatal(String text) {
            write(tag, channelPid, SyslogSocket.CRIT, "fatal: " + text);
        }

        /** A broken invariant: logged, then thrown. */
        public IllegalStateException panic(String text) {
            write(tag, channelPid, SyslogSocket.CRIT, "panic: " + text);
            return new IllegalStateException(text);
        }

        /** Diagnostics for developers (slf4j), never part of the mail log. */
        public Logger diagnostics() {
            return diag;
        }
    }
}
