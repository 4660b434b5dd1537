package mta.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.MasterCf;
import mta.config.Params;
import mta.lookup.Tables;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.tls.TlsConfigCheck;
import mta.util.PosixAccounts;
import mta.util.SecretFiles;

/**
 * PostfixCheck - {@code postfix check}: is the configuration usable and the queue in order?
 *
 * <p>Reads main.cf (already loaded by the caller), master.cf, the queue directory tree, the
 * alias tables and the TLS keys. Creates missing queue directories (as Postfix's check does), then
 * reports: master.cf errors and TLS keys that cannot be loaded where a service requires TLS (fatal,
 * with the message postfix start gives; see mta.tls.TlsConfigCheck), alias databases missing or older than their source, a mail log
 * directory that does not exist, and the queue's owners and modes. Run as root, those are
 * Postfix's ({@code not owned by postfix: /path}, see {@code QueuePermissions}), and a mail_owner
 * that does not exist or cannot reach the installation (then {@code postfix start} would run
 * everything as root) is reported; run as another user, queue directories that others may read
 * or write are. Prints
 * {@code postfix/postfix-script: warning: ...} lines; exits 1 on an error, 0 otherwise.
 */
final class PostfixCheck {
    private static final String TAG = "postfix/postfix-script: ";

    private PostfixCheck() {}

    static int run(Path configDir, Config config, PrintStream err) {
        List<String> warnings = new ArrayList<>();
        MasterCf masterCf;
        try {
            masterCf = MasterCf.read(configDir.resolve("master.cf"));
        } catch (ConfigException e) {
            err.println(TAG + "fatal: " + e.getMessage());
            return 1;
        }
        // TLS keys, read as this command's user (root reads root-only keys, as the privileged process would).
        for (TlsConfigCheck.Problem p : TlsConfigCheck.check(config, masterCf, SecretFiles.DIRECT)) {
            if (p.fatal()) {
                err.println(TAG + "fatal: " + p.text());
                return 1;
            }
            warnings.add(p.text());
        }
        Path queueDir = config.path(Params.QUEUE_DIRECTORY);
        Queues queues = new Queues(queueDir);
        MailOwner.Verdict owner = PosixAccounts.ROOT ? MailOwner.check(config, configDir) : null;
        try {
            boolean missing = !Files.isDirectory(queueDir) || Stream.concat(
                    Stream.of(QueueName.values()).map(queues::dir), Queues.OTHER_DIRS.stream().map(queueDir::resolve))
                    .anyMatch(d -> !Files.isDirectory(d));
            queues.create();
            // As Postfix's check creates missing directories with their proper owner and mode.
            if (missing && owner != null && owner.owner() != null) owner.owner().queuePermissions(queues).set();
        } catch (IOException e) {
            err.println(TAG + "fatal: cannot create the queue directories under " + queueDir + ": " + e.getMessage());
            return 1;
        }
        if (PosixAccounts.ROOT) MailOwner.slowUserFiles().ifPresent(warnings::add);
        if (owner != null && !owner.usable()) {
            warnings.add(owner.whyNot() + "; postfix start would run the whole mail system as root");
        }
        if (owner != null && owner.owner() != null) {
            try {
                warnings.addAll(owner.owner().queuePermissions(queues).check());
            } catch (IOException e) {
                warnings.add("cannot check the queue directory " + queueDir + ": " + e.getMessage());
            }
        } else {
            for (QueueName q : QueueName.values()) checkPrivate(queues.dir(q), warnings);
            checkPrivate(queueDir.resolve("pid"), warnings);
        }
        for (String spec : config.list(Params.ALIAS_DATABASE)) checkTable(spec, warnings);
        for (String spec : config.list(Params.ALIAS_MAPS)) {
            if (!config.list(Params.ALIAS_DATABASE).contains(spec)) checkTable(spec, warnings);
        }
        Path maillog = config.path(Params.MAILLOG_FILE);
        if (maillog != null && maillog.getParent() != null && !Files.isDirectory(maillog.getParent())) {
            warnings.add("maillog_file directory does not exist: " + maillog.getParent());
        }
        for (String w : warnings) err.println(TAG + "warning: " + w);
        return 0;
    }

    private static void checkPrivate(Path dir, List<String> warnings) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
            for (PosixFilePermission p : perms) {
                if (p.name().startsWith("GROUP_WRITE") || p.name().startsWith("OTHERS")) {
                    warnings.add("not owner-only: " + dir + " (mode " + java.nio.file.attribute.PosixFilePermissions.toString(perms) + ")");
                    return;
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            warnings.add("cannot check " + dir + ": " + e.getMessage());
        }
    }

    private static void checkTable(String spec, List<String> warnings) {
        String type = Tables.type(spec);
        if (type == null || !Tables.isFileType(type)) return;
        Path source = Path.of(Tables.name(spec));
        Path db = Tables.databaseFile(spec);
        try {
            if (!Files.exists(db)) {
                warnings.add("database " + db + " does not exist; run newaliases or postmap");
            } else if (Files.exists(source)
                    && Files.getLastModifiedTime(db).compareTo(Files.getLastModifiedTime(source)) < 0) {
                warnings.add("database " + db + " is older than source file " + source);
            }
        } catch (IOException e) {
            warnings.add("cannot check " + db + ": " + e.getMessage());
        }
    }
}
