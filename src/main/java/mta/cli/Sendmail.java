package mta.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.ConfigLoader;
import mta.config.Params;
import mta.mail.Address;
import mta.mail.DsnNotify;
import mta.queue.MaildropFile;
import mta.queue.QueueName;
import mta.queue.Queues;

/**
 * Sendmail - the sendmail(1) compatible mail posting command (with postdrop built in).
 *
 * <pre>
 * SYNOPSIS
 *     sendmail [options] [recipient ...]
 *     mailq      (same as sendmail -bp)
 *
 * DESCRIPTION
 *     Reads a message from standard input and leaves it in the maildrop queue, where the pickup
 *     service finds it; this works while the mail system is stopped (the message is delivered
 *     when it starts). A line with a single "." ends the message unless -i or -oi is given.
 *     While the mail system runs, bin/sendmail first hands a plain posting to the master's
 *     public/postdrop service (the master's PostdropServer), which runs {@link #parse},
 *     {@link #prepare} and {@link #post} here for the caller the socket names.
 *
 * OPTIONS
 *     -t          take recipients from To:, Cc: and Bcc: (Resent- headers win); Bcc: is removed
 *     -i, -oi     a line with a single "." is not the end of the message
 *     -f sender   the envelope sender (-f '' or -f '<>' for the null sender); also -r
 *     -F name     the sender's full name, used when the message has no From: header
 *     -bp         list the queue, as mailq
 *     -bi, -I     rebuild the alias database, as newaliases
 *     -q          attempt delivery of all queued mail (postqueue -f); -qRsite, -qIqueue_id for one
 *                 site or message; -q30m and the like are accepted and do nothing more
 *     -bm         read mail from standard input and post it (the default)
 *     -bs         stand-alone SMTP server mode: SMTP commands on standard input, replies on
 *                 standard output (Postfix's smtpd -S; here the class SmtpdStdio in a child
 *                 process). The client is localhost[127.0.0.1]; mail goes to maildrop/ as in -bm.
 *                 Relay and other access restrictions apply only when run as mail_owner
 *     -C dir      the configuration directory (as -c and MAIL_CONFIG)
 *     -N dsn      delivery status notifications for every recipient (RFC 3461 NOTIFY): "never",
 *                 or a comma list of "failure", "delay", "success". Without -N the sender hears of
 *                 failures and (after delay_warning_time) of delays
 *     -R return   how much of the message a notice returns (RFC 3461 RET): "hdrs" the headers,
 *                 "full" the whole message (within bounce_size_limit)
 *     -V envid    the envelope ID quoted in notices as Original-Envelope-Id (RFC 3461 ENVID)
 *     -B, -v, -o*, -h, -L, -m, -U, -X and other historical options are accepted and ignored;
 *     -qS and -bt are refused
 *
 * EXIT STATUS
 *     0 posted; 64 (EX_USAGE) bad options (a bad -N, -R or -V value included) or no recipients;
 *     65 (EX_DATAERR) bad input;
 *     75 (EX_TEMPFAIL) the maildrop queue cannot be written.
 * </pre>
 */
public final class Sendmail {
    static final int EX_OK = 0;
    static final int EX_USAGE = 64;
    static final int EX_DATAERR = 65;
    static final int EX_TEMPFAIL = 75;
    /** The stand-alone SMTP server's main class; named, not imported (cli does not use smtpd). */
    static final String SMTPD_STDIO = "mta.smtpd.SmtpdStdio";

    private Sendmail() {}

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return run(args, in, out, err, Poster.ofProcess());
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
     * message is printed), else -1. {@code mode} is "m" (post), "p", "i", "s", "q", "qR" or "qI".
     */
    public record Request(int exit, String mode, String dashC, boolean extract, boolean dotEnds, String sender,
                          String fullName, List<String> rcpts, String queueTarget, Dsn dsn) {
        static Request failed(int exit) {
            return new Request(exit, null, null, false, true, null, null, List.of(), null, null);
        }

        /** A plain posting (-bm, the default) whose options parsed. */
        public boolean posting() {
            return exit < 0 && mode.equals("m");
        }
    }

    /** A posting ready to read its message: the checks passed, the sender defaulted. */
    public record Posting(int exit, Queues queues, Config config, Poster poster, String sender, String fullName,
                          List<String> rcpts, boolean extract, boolean dotEnds, Dsn dsn) {}

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Poster poster) {
        Request r = parse(args, err);
        if (r.exit() >= 0) return r.exit();
        Config config = loadConfig(ConfigLoader.directory(r.dashC()), err);
        if (config == null) return EX_TEMPFAIL;
        Queues queues = new Queues(config.path(Params.QUEUE_DIRECTORY));
        String dir = ConfigLoader.directory(r.dashC()).toString();
        switch (r.mode()) {
            case "q" -> {
                return Postqueue.run(new String[] {"-c", dir, "-f"}, out, err);
            }
            case "qR" -> {
                return Postqueue.run(new String[] {"-c", dir, "-s", r.queueTarget()}, out, err);
            }
            case "qI" -> {
                return Postqueue.run(new String[] {"-c", dir, "-i", r.queueTarget()}, out, err);
            }
            case "i" -> {
                return Newaliases.run(new String[] {"-c", dir}, out, err);
            }
            case "s" -> {
                return standAloneSmtp(dir, err);
            }
            default -> { }
        }
        if (r.mode().equals("p")) {
            if (!r.rcpts().isEmpty()) {
                err.println("sendmail: fatal: display queue mode requires no recipient");
                return EX_USAGE;
            }
            // An ordinary user cannot read the queue: ask the master's showq service.
            java.nio.file.Path deferred = queues.dir(QueueName.DEFERRED);
            if (java.nio.file.Files.isDirectory(deferred) && !java.nio.file.Files.isReadable(deferred)) {
                return Postqueue.showqClient(queues, out, err);
            }
            return Postqueue.list(queues, out, err, false);
        }
        Posting p = prepare(r, config, poster, err);
        if (p.exit() >= 0) return p.exit();
        return post(p, in, err);
    }

    /** Loads the configuration of {@code dir}; null after printing the fatal error (exit EX_TEMPFAIL). */
    public static Config loadConfig(java.nio.file.Path dir, PrintStream err) {
        try {
            return ConfigLoader.load(dir).config();
        } catch (ConfigException e) {
            err.println("sendmail: fatal: " + e.getMessage());
            return null;
        }
    }

    /** The checks of a posting before its message is read: recipients given; the default sender. */
    public static Posting prepare(Request r, Config config, Poster poster, PrintStream err) {
        Queues queues = new Queues(config.path(Params.QUEUE_DIRECTORY));
        if (r.rcpts().isEmpty() && !r.extract()) {
            err.println("sendmail: fatal: " + poster.login() + ": Recipient addresses must be specified on the command line"
                    + " or via the -t option");
            return new Posting(EX_USAGE, null, null, null, null, null, null, false, true, null);
        }
        String sender = r.sender() == null ? poster.login() : r.sender();
        if (sender.equals("<>")) sender = "";
        String fullName = r.fullName() == null ? "" : r.fullName();
        return new Posting(-1, queues, config, poster, sender, fullName, r.rcpts(), r.extract(), r.dotEnds(), r.dsn());
    }

    /** Parses the command line; prints what is wrong and sets {@link Request#exit} when it cannot. */
    public static Request parse(String[] args, PrintStream err) {
        boolean extract = false;
        boolean dotEnds = true;
        String sender = null;
        String fullName = null;
        String dashC = null;
        String mode = "m";
        List<String> rcpts = new ArrayList<>();
        String queueTarget = null;
        String dsnNotify = null;
        String dsnRet = null;
        String dsnEnvid = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                rcpts.addAll(Arrays.asList(args).subList(i + 1, args.length));
                break;
            }
            if (!a.startsWith("-") || a.length() == 1) {
                rcpts.add(a);
                continue;
            }
            char opt = a.charAt(1);
            String rest = a.substring(2);
            switch (opt) {
                case 't' -> extract = true;
                case 'i' -> dotEnds = false;
                case 'o' -> {
                    if (rest.equals("i")) dotEnds = false;
                    else if (rest.startsWith("A") && rest.length() == 1 && i + 1 < args.length) i++;
                    // other -o options are ignored
                }
                case 'f', 'r', 'F', 'C', 'N', 'R', 'V', 'B', 'X', 'L', 'h' -> {
                    String value = rest;
                    if (value.isEmpty()) {
                        if (i + 1 >= args.length) {
                            err.println("sendmail: fatal: option requires an argument -- '" + opt + "'");
                            return Request.failed(EX_USAGE);
                        }
                        value = args[++i];
                    }
                    switch (opt) {
                        case 'f', 'r' -> sender = value;
                        case 'F' -> fullName = value;
                        case 'C' -> dashC = value;
                        case 'N' -> {
                            dsnNotify = DsnNotify.normalize(value);
                            if (dsnNotify == null) return failed(err, "bad -N option value: " + value);
                        }
                        case 'R' -> {
                            dsnRet = value.toUpperCase(java.util.Locale.ROOT);
                            if (!dsnRet.equals("HDRS") && !dsnRet.equals("FULL")) {
                                return failed(err, "bad -R option value: " + value);
                            }
                        }
                        case 'V' -> {
                            if (!validEnvid(value)) return failed(err, "bad -V option value: " + value);
                            dsnEnvid = value;
                        }
                        default -> { }
                    }
                }
                case 'b' -> {
                    if (rest.equals("m") || rest.equals("p") || rest.equals("i") || rest.equals("s")) {
                        mode = rest;
                    } else {
                        err.println("sendmail: fatal: unsupported: -b" + rest);
                        return Request.failed(EX_USAGE);
                    }
                }
                case 'q' -> {
                    // -q: flush the queue; -qRsite / -qIid: one site, one message; -q30m: accepted, no-op
                    if (rest.isEmpty()) mode = "q";
                    else if (rest.startsWith("R") || rest.startsWith("I")) {
                        mode = "q" + rest.charAt(0);
                        queueTarget = rest.length() > 1 ? rest.substring(1) : (i + 1 < args.length ? args[++i] : "");
                    } else if (rest.startsWith("S")) {
                        err.println("sendmail: fatal: -qS is not implemented");
                        return Request.failed(EX_USAGE);
                    }
                }
                case 'I' -> mode = "i";
                case 'v', 'n', 'm', 'U', 'G', 'A' -> { }
                default -> {
                    err.println("sendmail: invalid option -- '" + opt + "'");
                    err.println("sendmail: fatal: usage: sendmail [options]");
                    return Request.failed(EX_USAGE);
                }
            }
        }
        return new Request(-1, mode, dashC, extract, dotEnds, sender, fullName, rcpts, queueTarget,
                new Dsn(dsnNotify, dsnRet, dsnEnvid));
    }

    /** The DSN request of -N, -R and -V (RFC 3461 NOTIFY, RET, ENVID); null fields were not given. */
    public record Dsn(String notifyEach, String ret, String envid) {}

    private static Request failed(PrintStream err, String message) {
        err.println("sendmail: fatal: " + message);
        return Request.failed(EX_USAGE);
    }

    /** An ENVID (RFC 3461): 1 to 100 printable US-ASCII characters, no spaces. */
    static boolean validEnvid(String v) {
        if (v.isEmpty() || v.length() > 100) return false;
        return v.chars().allMatch(c -> c > 32 && c < 127);
    }

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
                for (String one : r.split(",")) {
                    if (!one.isBlank()) m.recipient(Address.parse(one.strip()).toString(), dsn.notifyEach());
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
