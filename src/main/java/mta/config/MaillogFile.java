package mta.config;

import java.io.IOException;
import java.nio.file.Path;
import mta.util.MailLog;

/**
 * MaillogFile - the rules for {@code maillog_file}: it must start with one of
 * {@code maillog_file_prefixes}, and {@code /dev/stdout} is meant for {@code postfix start-fg}.
 *
 * <p>Reads the two parameters and opens the log ({@link #open}). The prefix list is a safety net
 * against a typo that would have the mail system write its log over some other file (Postfix 3.4
 * and later refuse such a value the same way). {@link #fatal} puts a fatal start-up error into
 * the mail log as well as on standard error, so an administrator who reads only the log sees
 * why mail stopped.
 */
public final class MaillogFile {
    private MaillogFile() {}

    /** The standard output, for container images that run {@code postfix start-fg}. */
    public static final String STDOUT = "/dev/stdout";

    /**
     * Throws ConfigException when {@code maillog_file} is set and matches none of the prefixes, or
     * when {@code maillog_format} is neither {@code postfix} nor {@code json}.
     */
    public static void check(Config c) {
        String format = c.str(Params.MAILLOG_FORMAT).strip();
        if (!format.equals("postfix") && !format.equals("json")) {
            throw new ConfigException("maillog_format value '" + format + "' is not postfix or json");
        }
        String file = c.str(Params.MAILLOG_FILE).strip();
        if (file.isEmpty()) return;
        for (String prefix : c.list(Params.MAILLOG_FILE_PREFIXES)) {
            if (file.startsWith(prefix)) return;
        }
        throw new ConfigException("maillog_file value '" + file + "' does not match any prefix in maillog_file_prefixes");
    }

    /** True when the log goes to the standard output. */
    public static boolean isStdout(Config c) {
        return c.str(Params.MAILLOG_FILE).strip().equals(STDOUT);
    }

    /**
     * The mail log of this configuration: {@code maillog_file} when it is set and allowed by
     * {@code maillog_file_prefixes} (a refused one is reported by the start-up check), else the
     * diagnostics stream.
     */
    public static MailLog open(Config c) throws IOException {
        Path file = null;
        try {
            check(c);
            file = c.path(Params.MAILLOG_FILE);
        } catch (ConfigException e) {
            // reported by the start-up check; log to the diagnostics stream meanwhile
        }
        String host;
        try {
            host = c.str(Params.MYHOSTNAME);
        } catch (ConfigException e) {
            host = "localhost";
        }
        return MailLog.open(file, host, c.get(Params.SYSLOG_NAME.name()), c.get(Params.SYSLOG_FACILITY.name()))
                .json(c.str(Params.MAILLOG_FORMAT).strip().equals("json"));
    }

    /**
     * Writes a fatal error ({@code postfix/PROGRAM: fatal: ...}, one line per line of
     * {@code message}) to the mail log of the configuration in {@code configDir}, as far as main.cf
     * can be read; otherwise does nothing (the message has gone to standard error anyway).
     */
    public static void fatal(Path configDir, String program, String message) {
        Config config;
        try {
            config = ConfigLoader.read(configDir).config();
        } catch (ConfigException e) {
            return;
        }
        try (MailLog log = open(config)) {
            for (String line : message.split("\n")) log.channel(program).fatal(line);
        } catch (IOException | RuntimeException e) {
            // standard error has the message
        }
    }
}
