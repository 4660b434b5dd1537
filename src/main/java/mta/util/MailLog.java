package mta.util;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MailLog - writes the mail log in syslog's line format, as Postfix's postlogd does.
 *
 * <p>Writes {@code maillog_file} when it is set, one line per event:
 * {@code Nov 25 17:40:01 host postfix/smtpd[1234]: 4F1A2B3C4D5: client=localhost[127.0.0.1]}.
 * When no file is set, lines go to slf4j under the logger named by the tag, so they still reach
 * standard error. The kinds follow Postfix's {@code msg.c}: info, warning, fatal, panic.
 */
public final class MailLog implements AutoCloseable {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT);

    private final OutputStream out;
    private final String host;
    private final String syslogName;
    private final long pid = ProcessHandle.current().pid();
    private final ReentrantLock lock = new ReentrantLock();
    private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream(8192);
    private boolean flushing;
    private volatile String[] stampCache;

    private MailLog(OutputStream out, String host, String syslogName) {
        this.out = out;
        this.host = host;
        this.syslogName = syslogName;
    }

    /**
     * Opens the log.
     *
     * @param file        the {@code maillog_file}, or null for slf4j
     * @param myhostname  the host name; its first label appears in each line
     * @param syslogName  {@code syslog_name}, normally "postfix"
     */
    public static MailLog open(Path file, String myhostname, String syslogName) throws IOException {
        OutputStream out = null;
        if (file != null) {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
        }
        String label = myhostname;
        int dot = label.indexOf('.');
        if (dot > 0) label = label.substring(0, dot);
        return new MailLog(out, label, syslogName);
    }

    /** A log that writes to slf4j only; for commands that have no configuration yet. */
    public static MailLog stderr(String syslogName) {
        return new MailLog(null, "localhost", syslogName);
    }

    /** The channel for one service, tagged {@code syslog_name/service}. */
    public Channel channel(String service) {
        return new Channel(syslogName + "/" + service);
    }

    /** A channel with its own syslog_name (a master.cf -o syslog_name=... override). */
    public Channel channel(String syslogName, String service) {
        return new Channel(syslogName + "/" + service);
    }

    void write(String tag, String text) {
        if (out == null) {
            LoggerFactory.getLogger(tag).info(text);
            return;
        }
        String line = stamp() + " " + host + " " + tag + "[" + pid + "]: " + text + "\n";
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

    /** The syslog time stamp, formatted once per second. */
    private String stamp() {
        long second = System.currentTimeMillis() / 1000;
        String[] c = stampCache;
        if (c != null && Long.parseLong(c[0]) == second) return c[1];
        String text = LocalDateTime.now().format(STAMP);
        stampCache = new String[] {Long.toString(second), text};
        return text;
    }

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
        private final Logger diag;

        Channel(String tag) {
            this.tag = tag;
            this.diag = LoggerFactory.getLogger(tag);
        }

        public String tag() {
            return tag;
        }

        public void info(String text) {
            write(tag, text);
        }

        public void warn(String text) {
            write(tag, "warning: " + text);
        }

        public void error(String text) {
            write(tag, "error: " + text);
        }

        /** A configuration or environment problem that stops the service. */
        public void fatal(String text) {
            write(tag, "fatal: " + text);
        }

        /** A broken invariant: logged, then thrown. */
        public IllegalStateException panic(String text) {
            write(tag, "panic: " + text);
            return new IllegalStateException(text);
        }

        /** Diagnostics for developers (slf4j), never part of the mail log. */
        public Logger diagnostics() {
            return diag;
        }
    }
}
