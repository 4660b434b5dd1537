package mta.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mta.config.Config;
import mta.config.ConfigLoader;
import mta.config.Params;
import mta.postdrop.Postdrop;
import mta.postdrop.Poster;
import mta.postdrop.SendmailOptions;
import mta.postdrop.SendmailRequest;
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
 *     master's PostdropServer), which runs the same posting core (mta.postdrop: SendmailOptions,
 *     Postdrop) for the caller the socket names.
 *
 * OPTIONS (postdrop.SendmailOptions reads them; options end at the first recipient or at "--")
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

    /** The command under one of its names: sendmail, mailq or newaliases. */
    static int run(String prog, String[] args, InputStream in, PrintStream out, PrintStream err, Poster poster) {
        SendmailRequest r = SendmailOptions.parse(prog, args, err);
        if (r.exit() >= 0) return r.exit();
        if (r.mode().equals("help")) return SendmailOptions.usage(prog).help(out);
        Path dir = configDirectory(r.dashC());
        Config config = Postdrop.loadConfig(prog, dir, err);
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
        Postdrop.Posting p = Postdrop.prepare(r, config, poster, err);
        if (p.exit() >= 0) return p.exit();
        return Postdrop.post(p, in, err);
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
}
