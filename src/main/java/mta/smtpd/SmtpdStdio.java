package mta.smtpd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import mta.cleanup.CleanupService;
import mta.cleanup.MaildropCleanup;
import mta.config.Cidr;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.ConfigLoader;
import mta.config.Params;
import mta.dns.SystemResolver;
import mta.rewrite.TrivialRewrite;
import mta.util.MailLog;
import mta.util.TimedInputStream;

/**
 * SmtpdStdio - stand-alone SMTP server: one session on standard input and output (smtpd -S, sendmail -bs).
 *
 * <p>{@code sendmail -bs} starts this class as a process of the user who posts. It reads main.cf
 * (from {@code -c config_dir}, else {@code MAIL_CONFIG} or the default), speaks SMTP on standard
 * input and output, and logs to {@code maillog_file} (else standard error) as {@code postfix/smtpd}.
 * The client is {@code localhost[127.0.0.1]}, as Postfix names a client that is not on a socket.
 * Accepted mail goes to {@code maildrop/} through {@link MaildropCleanup}, as postdrop would put
 * it; pickup then hands it to cleanup as local mail. Access restrictions are off (every
 * restriction list empty, unknown recipients accepted) unless the process runs as
 * {@code mail_owner}, as sendmail(1) says. {@code smtpd_timeout} applies to standard input too.
 *
 * <pre>
 * SYNOPSIS
 *     java mta.smtpd.SmtpdStdio [-c config_dir] [-S]
 * EXIT STATUS
 *     0 after the session; 75 when the configuration cannot be read
 * </pre>
 */
public final class SmtpdStdio implements SmtpdServer {
    private final SmtpdServices services;

    /** @throws ConfigException when the configuration is wrong */
    SmtpdStdio(Config config, MailLog mailLog, boolean restricted) {
        SmtpdSettings settings = SmtpdSettings.from(config);
        MailLog.Channel log = mailLog.channel(settings.syslogName, "smtpd");
        SmtpdCheck check = new SmtpdCheck(config, new TrivialRewrite(config), SystemResolver.system(), log, restricted);
        CleanupService cleanup = new MaildropCleanup(config, mailLog);
        this.services = new SmtpdServices(settings, log, check, SmtpdTls.OFF, cleanup, new Anvil(settings.rateTimeUnit),
                null, "smtpd", true, mta.milter.MilterSettings.none());
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** Runs one session; returns the exit status. */
    public static int run(String[] args, InputStream in, OutputStream out, PrintStream err) {
        String dashC = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-c") && i + 1 < args.length) dashC = args[++i];
            else if (!args[i].equals("-S")) {
                err.println("smtpd: fatal: usage: smtpd -S [-c config_dir]");
                return 64;
            }
        }
        SmtpdStdio server;
        try {
            Config config = ConfigLoader.load(ConfigLoader.directory(dashC)).config();
            String user = System.getProperty("user.name", "");
            MailLog mailLog = openLog(config);
            server = new SmtpdStdio(config, mailLog, user.equals(config.str(Params.MAIL_OWNER)));
        } catch (ConfigException | IOException e) {
            err.println("smtpd: fatal: " + e.getMessage());
            return 75;
        }
        server.session(in, out);
        return 0;
    }

    /** The mail log; never standard output, which carries the SMTP replies (maillog_file = /dev/stdout). */
    private static MailLog openLog(Config config) throws IOException {
        java.nio.file.Path file = config.path(Params.MAILLOG_FILE);
        if (file != null && file.toString().equals("/dev/stdout")) return MailLog.stderr(config.str(Params.SYSLOG_NAME));
        return MailLog.open(file, config.str(Params.MYHOSTNAME), config.str(Params.SYSLOG_NAME),
                config.str(Params.SYSLOG_FACILITY));
    }

    /** Runs the session until QUIT or the end of input. */
    void session(InputStream in, OutputStream out) {
        new SmtpdSession(SmtpdConnection.of(new TimedInputStream(in), out, localhost()), this).run();
    }

    private static InetAddress localhost() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always a valid address
        }
    }

    @Override
    public SmtpdServices services() {
        return services;
    }

    /** The local user: localhost[127.0.0.1], without DNS. */
    @Override
    public SmtpdState.Client identify(InetAddress address) {
        return new SmtpdState.Client(address, "localhost", SmtpdSettings.matches(services.settings().mynetworks, address));
    }
}
