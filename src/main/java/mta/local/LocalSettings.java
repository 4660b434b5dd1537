package mta.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import mta.cleanup.CleanupService;
import mta.config.Config;
import mta.config.Params;
import mta.util.MailLog;

/**
 * LocalSettings - the main.cf parameters of local delivery, read once when the agent starts.
 *
 * <p>Reads the configuration; writes nothing. {@code forward_path} and {@code luser_relay} are
 * kept unexpanded: their {@code $user}, {@code $home}, ... are filled in per recipient. {@code log}
 * takes the warnings local(8) writes to the mail log; {@code transports} the mailbox_transport and
 * fallback_transport settings.
 */
record LocalSettings(
        LocalAliases aliases, Path passwd, CleanupService cleanup,
        String homeMailbox, Path spool, boolean spoolIsMaildir, String mailboxCommand, long mailboxSizeLimit,
        String myhostname, String myorigin, Set<String> localDomains,
        String recipientDelimiter, boolean ownerRequestSpecial, boolean expandOwnerAlias,
        List<String> forwardPath, String luserRelay, String forwardFilter, String commandFilter,
        Set<String> allowCommands, Set<String> allowFiles, Set<String> deliveredHeader,
        List<String> shell, Duration commandTimeLimit, Path queueDirectory, String defaultPrivs, int hopcountLimit,
        MailLog.Channel log, LocalTransports transports) {

    static LocalSettings from(Config c, CleanupService cleanup, Path passwdFile, MailLog.Channel log) {
        String spoolText = c.str(Params.MAIL_SPOOL_DIRECTORY).strip();
        Set<String> domains = new HashSet<>();
        for (String d : c.list(Params.MYDESTINATION)) domains.add(d.toLowerCase(Locale.ROOT));
        String shellText = c.str(Params.LOCAL_COMMAND_SHELL).strip();
        List<String> shell = shellText.isEmpty() ? List.of("/bin/sh", "-c") : List.of(shellText.split("\\s+"));
        return new LocalSettings(
                new LocalAliases(c.list(Params.ALIAS_MAPS)), passwdFile, cleanup,
                c.str(Params.HOME_MAILBOX).strip(), Path.of(spoolText).normalize(), spoolText.endsWith("/"),
                c.rawValue(Params.MAILBOX_COMMAND.name()).strip(), c.size(Params.MAILBOX_SIZE_LIMIT),
                c.str(Params.MYHOSTNAME), c.str(Params.MYORIGIN), domains,
                c.str(Params.RECIPIENT_DELIMITER), c.bool(Params.OWNER_REQUEST_SPECIAL), c.bool(Params.EXPAND_OWNER_ALIAS),
                Config.splitList(c.rawValue(Params.FORWARD_PATH.name())), c.rawValue(Params.LUSER_RELAY.name()).strip(),
                c.str(Params.FORWARD_EXPANSION_FILTER), c.str(Params.COMMAND_EXPANSION_FILTER),
                lowerSet(c.list(Params.ALLOW_MAIL_TO_COMMANDS)), lowerSet(c.list(Params.ALLOW_MAIL_TO_FILES)),
                lowerSet(c.list(Params.PREPEND_DELIVERED_HEADER)),
                shell, c.time(Params.COMMAND_TIME_LIMIT), c.path(Params.QUEUE_DIRECTORY),
                c.str(Params.DEFAULT_PRIVS).strip(), c.integer(Params.HOPCOUNT_LIMIT), log, LocalTransports.from(c));
    }

    private static Set<String> lowerSet(List<String> words) {
        Set<String> out = new HashSet<>();
        for (String w : words) out.add(w.toLowerCase(Locale.ROOT));
        return out;
    }
}
