package mta.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.ConfigLoader;
import mta.config.Params;
import mta.mail.AddressList;
import mta.queue.MaildropFile;
import mta.queue.QueueName;
import mta.queue.Queues;

/**
 * Sendmail - the sendmail(1) compatible mail posting command (with postdrop built in); also
 * mailq(1) and newaliases(1), which are this command with another default mode.
 *
 * <pre>
 * SYNOPSIS
 *     sendmail [options] [recipient ...]
 *     mailq [options]          (sendmail -bp)
 *     newaliases [options]     (sendmail -bi)
 *
 * DESCRIPTION
 *     Reads a message from standard input and leaves it in the maildrop queue, where the pickup
 *     service finds it; this works while the mail system is stopped (the message is delivered
 *     when it starts). A line with a single "." ends the message unless -i or -oi is given.
 *     Each recipient argument is an RFC 822 address list (mail.AddressList): "a b@example.com"
 *     is two recipients, "Joe &lt;joe@example.com&gt;" one. While the mail system runs,
 *     bin/sendmail first hands a plain posting to the master's public/postdrop service (the
 *     master's PostdropServer), which runs {@link #parse}, {@link #prepare} and {@link #post}
 *     here for the caller the socket names.
 *
 * OPTIONS (SendmailOptions reads them; options end at the first recipient or at "--")
 *     -t          take recipients from To:, Cc: and Bcc: (Resent- headers win); Bcc: is removed
 *     -i, -oi     a line with a single "." is not the end of the message
 *     -f sender   the envelope sender (-f '' or -f '&lt;&gt;' for the null sender); also -r
 *     -F name     the sender's full name, used when the message has no From: header
 *     -C dir      the configuration directory, or its main.cf (as MAIL_CONFIG)
 *     -bm         read mail from standard input and post it (sendmail's default)
 *     -bp         list the queue (mailq's default)
 *     -bi, -I     rebuild the alias database (newaliases' default); -oAfile rebuilds that file
 *     -bs         stand-alone SMTP server mode: SMTP commands on standard input, replies on
 *                 standard output (Postfix's smtpd -S; here the class SmtpdStdio in a child
 *                 process). The client is localhost[127.0.0.1]; mail goes to maildrop/ as in -bm.
 *                 Relay and other access restrictions apply only when run as mail_owner
 *     -bd, -bl    start the mail system (postfix start)
 *     -q          attempt delivery of all queued mail (postqueue -f); -qRsite, -qIqueue_id for one
 *                 site or message; -q30m and the like are accepted and do nothing more
 *     -N dsn      delivery status notifications for every recipient (RFC 3461 NOTIFY): "never",
 *                 or a comma list of "failure", "delay", "success". Without -N the sender hears of
 *                 failures and (after delay_warning_time) of delays
 *     -R return   how much of the message a notice returns (RFC 3461 RET): "hdrs" the headers,
 *                 "full" the whole message (within bounce_size_limit)
 *     -V envid    the envelope ID quoted in notices as Original-Envelope-Id (RFC 3461 ENVID)
 *     A bad -N, -R or -V value is ignored with a warning. -B 7BIT|8BITMIME, -c, -m, -v, -x, -G,
 *     -U, -e, -h, -o, -p, -A, -L, -O, -X are accepted and ignored; -n, -qS and -bt are refused.
 *     --help prints the options.
 *
 * EXIT STATUS
 *     0 posted; 75 (EX_TEMPFAIL) any error, bad usage included, as Postfix's sendmail.
 * </pre>
 */
public final class Sendmail {
    static final int EX_OK = 0;
    static final int EX_TEMPFAIL = SendmailOptions.EX_TEMPFAIL;
    /** The stand-alone SMTP server's main class; named, not imported (cli does not use smtpd). */
    static final String SMTPD_STDIO = "mta.smtpd.SmtpdStdio";

    private Sendmail() {}

    public static void main(String[] args) {
        // The set-gid postdrop launcher (docs/install.md) runs this class for mailq too; bin/sendmail
        // tells it the name it was called by.
        String prog = "mailq".equals(System.getenv("MTA_PROG")) ? "mailq" : "sendmail";
        System.exit(run(prog, args, System.in, System.out, System.err, Poster.ofProcess()));
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return run("sendmail", args, in, out, err, Poster.ofProcess());
    }

    /**
     * Who posts: the login name (the default envelope sender, and the name in error texts) and the
     * uid that the maildrop file records and pickup logs as {@code uid=N}.
     */
    public record Poster(String login, String uid) {
        /** This process: its user name and real uid. */
        public static Poster ofProcess() {
            return new Poster(System.getProperty("user.name", "root"), MaildropFile.uid());
        }
    }

    /**
     * A parsed command line: {@code exit} is the exit code when parsing already failed (the
     * message is printed), else -1. {@code mode} is "m" (post), "p", "i", "s", "d", "q", "qR",
     * "qI", "q-" (an interval: nothing to do) or "help" (--help).
     */
    public record Request(int exit, String mode, String dashC, boolean extract, boolean dotEnds, String sender,
                          String fullName, List<String> rcpts, String queueTarget, String aliasFile, Dsn dsn) {
        static Request failed(int exit) {
            return new Request(exit, null, null, false, true, null, null, List.of(), null, null, null);
        }

        /** A plain posting (-bm, the default) whose options parsed. */
        public boolean posting() {
            return exit < 0 && mode.equals("m");
        }

        /** The fields while the options are read. */
        static final class Builder {
            String mode;
            String dashC;
            boolean extract;
            boolean dotEnds = true;
            String sender;
            String fullName;
            final List<String> rcpts = new ArrayList<>();
            String queueTarget;
            String aliasFile;
            String dsnNotify;
            String dsnRet;
            String dsnEnvid;

            Builder(String mode) {
                this.mode = mode;
            }

            Request build() {
                return new Request(-1, mode, dashC, extract, dotEnds, sender, fullName, List.copyOf(rcpts),
                        queueTarget, aliasFile, new Dsn(dsnNotify, dsnRet, dsnEnvid));
            }
        }
    }

    /** A posting ready to read its message: the checks passed, the sender defaulted. */
    public record Posting(int exit, Queues queues, Config config, Poster poster, String sender, String fullName,
                          List<String> rcpts, boolean extract, boolean dotEnds, Dsn dsn) {}

    /** The command under one of its names: sendmail, mailq or newaliases. */
    static int run(String prog, String[] args, InputStream in, PrintStream out, PrintStream err, Poster poster) {
        Request r = SendmailOptions.parse(prog, args, err);
        if (r.exit() >= 0) return r.exit();
        if (r.mode().equals("help")) return SendmailOptions.usage(prog).help(out);
        Path dir = configDirectory(r.dashC());
        Config config = loadConfig(prog, dir, err);
        if (config == null) return EX_TEMPFAIL;
        Queues queues = new Queues(config.path(Params.QUEUE_DIRECTORY));
        String c = dir.toString();
        switch (r.mode()) {
            case "q" -> {
                return Postqueue.run(new String[] {"-c", c, "-f"}, out, err);
            }
            case "qR" -> {
                return Postqueue.run(new String[] {"-c", c, "-s", r.queueTarget()}, out, err);
            }
            case "qI" -> {
                return Postqueue.run(new String[] {"-c", c, "-i", r.queueTarget()}, out, err);
            }
            case "q-" -> {
                return EX_OK;
            }
            case "i" -> {
                return Newaliases.rebuild(dir, r.aliasFile(), out, err);
            }
            case "s" -> {
                return standAloneSmtp(c, err);
            }
            case "d" -> {
                return Postfix.run(new String[] {"-c", c, "start"}, out, err);
            }
            case "p" -> {
                // An ordinary user cannot read the queue: ask the master's showq service.
                Path deferred = queues.dir(QueueName.DEFERRED);
                if (Files.isDirectory(deferred) && !Files.isReadable(deferred)) {
                    return Postqueue.showqClient(queues, out, err);
                }
                return Postqueue.list(queues, out, err, false);
            }
            default -> { }
        }
        Posting p = prepare(r, config, poster, err);
        if (p.exit() >= 0) return p.exit();
        return post(p, in, err);
    }

    /** Parses sendmail's command line (PostdropServer's entry). */
    public static Request parse(String[] args, PrintStream err) {
        return SendmailOptions.parse("sendmail", args, err);
    }

    /**
     * The configuration directory: -C names it or its main.cf (as Postfix's -C takes either);
     * without -C, MAIL_CONFIG, else /etc/postfix.
     */
    static Path configDirectory(String dashC) {
        Path dir = ConfigLoader.directory(dashC);
        if (dashC != null && Files.isRegularFile(dir) && dir.getParent() != null) return dir.getParent();
        return dir;
    }

    /** Loads the configuration of {@code dir}; null after printing the fatal error (exit EX_TEMPFAIL). */
    public static Config loadConfig(Path dir, PrintStream err) {
        return loadConfig("sendmail", dir, err);
    }

    private static Config loadConfig(String prog, Path dir, PrintStream err) {
        try {
            return ConfigLoader.load(dir).config();
        } catch (ConfigException e) {
            err.println(prog + ": fatal: " + e.getMessage());
            return null;
        }
    }

    /** The checks of a posting before its message is read: recipients given; the default sender. */
    public static Posting prepare(Request r, Config config, Poster poster, PrintStream err) {
        Queues queues = new Queues(config.path(Params.QUEUE_DIRECTORY));
        if (r.rcpts().isEmpty() && !r.extract()) {
            err.println("sendmail: fatal: " + poster.login() + "(" + poster.uid() + "): Recipient addresses must be"
                    + " specified on the command line or via the -t option");
            return new Posting(EX_TEMPFAIL, null, null, null, null, null, null, false, true, null);
        }
        String sender = r.sender() == null ? poster.login() : r.sender();
        if (sender.equals("<>")) sender = "";
        String fullName = r.fullName() == null ? "" : r.fullName();
        return new Posting(-1, queues, config, poster, sender, fullName, r.rcpts(), r.extract(), r.dotEnds(), r.dsn());
    }

    /** The DSN request of -N, -R and -V (RFC 3461 NOTIFY, RET, ENVID); null fields were not given. */
    public record Dsn(String notifyEach, String ret, String envid) {}

    /**
     * -bs: runs the stand-alone SMTP server (Postfix's {@code smtpd -S}) as a child process that
     * inherits standard input, output and error, with the same java binary and class path.
     */
    private static int standAloneSmtp(String configDir, PrintStream err) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        String home = System.getProperty("mta.home");
        if (home != null) cmd.add("-Dmta.home=" + home);
        cmd.add(SMTPD_STDIO);
        cmd.add("-c");
        cmd.add(configDir);
        try {
            return new ProcessBuilder(cmd).inheritIO().start().waitFor();
        } catch (IOException e) {
            err.println("sendmail: fatal: cannot run the SMTP server: " + e.getMessage());
            return EX_TEMPFAIL;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EX_TEMPFAIL;
        }
    }

    /** postdrop: writes the message to maildrop/ (pickup sees it); the message is streamed, never held. */
    public static int post(Posting p, InputStream in, PrintStream err) {
        Queues queues = p.queues();
        Config config = p.config();
        Dsn dsn = p.dsn();
        MaildropFile m;
        try {
            m = MaildropFile.create(queues, config.bool(Params.ENABLE_LONG_QUEUE_IDS),
                    config.integer(Params.LINE_LENGTH_LIMIT), p.poster().uid());
        } catch (IOException e) {
            err.println("sendmail: fatal: cannot create a file in " + queues.dir(QueueName.MAILDROP) + ": " + e.getMessage());
            return EX_TEMPFAIL;
        }
        boolean pickupWoken;
        try (m) {
            m.fullName(p.fullName());
            if (p.extract()) m.attribute("extract_recipients", "yes");
            if (dsn.ret() != null) m.attribute("dsn_ret", dsn.ret());
            if (dsn.envid() != null) m.attribute("dsn_envid", dsn.envid());
            m.sender(p.sender());
            for (String r : p.rcpts()) {
                for (String one : AddressList.parse(r)) {
                    // An empty address (<>) is empty_address_recipient's, as Postfix's cleanup makes it.
                    m.recipient(one.isEmpty() ? config.str(Params.EMPTY_ADDRESS_RECIPIENT) : one, dsn.notifyEach());
                }
            }
            copyMessage(in, m, p.dotEnds());
            pickupWoken = m.commit();
        } catch (IOException e) {
            err.println("sendmail: fatal: cannot write the message: " + e.getMessage());
            return EX_TEMPFAIL;
        }
        if (!pickupWoken) {
            err.println("postdrop: warning: unable to look up public/pickup: No such file or directory");
        }
        return EX_OK;
    }

    /** Copies standard input line by line: LF or CRLF ends a line; "." alone ends the message unless -i. */
    private static void copyMessage(InputStream raw, MaildropFile w, boolean dotEnds) throws IOException {
        InputStream in = new BufferedInputStream(raw, 65536);
        byte[] line = new byte[1024];
        int len = 0;
        int c;
        boolean any = false;
        while ((c = in.read()) != -1) {
            any = true;
            if (c == '\n') {
                if (len > 0 && line[len - 1] == '\r') len--;
                if (dotEnds && len == 1 && line[0] == '.') return;
                w.line(line, 0, len);
                len = 0;
                any = false;
                continue;
            }
            if (len == line.length) line = Arrays.copyOf(line, line.length * 2);
            line[len++] = (byte) c;
        }
        if (any) {
            if (len > 0 && line[len - 1] == '\r') len--;
            if (!(dotEnds && len == 1 && line[0] == '.')) w.line(line, 0, len);
        }
    }
}
