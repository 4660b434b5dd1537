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
import mta.config.ConfigLoader;
import mta.config.NotActedOn;
import mta.config.Params;
import mta.lookup.Tables;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.util.PosixAccounts;

/**
 * PostfixCheck - {@code postfix check}: would {@code postfix start} work, and is the queue in order?
 *
 * <p>First the start-up check, the very code that {@code postfix start} runs, in a child JVM
 * (the master's {@code --check} mode, since the master package is above this one):
 * everything start would refuse, each with the same message start would give (bad values,
 * {@code mynetworks} entries, ports, restriction lists, table types, services whose program this
 * system does not have), every problem rather than the first, and the warnings (unused and
 * misspelled parameters, as postconf gives them, and parameters that this system reads but does
 * not act on). Then, when main.cf could be read: creates missing queue directories (as Postfix's
 * check does) and reports alias databases missing or older than their source, a mail log
 * directory that does not exist, and the queue's owners and modes. Run as root, those are
 * Postfix's ({@code not owned by postfix: /path}, see {@code QueuePermissions}), and a mail_owner
 * that does not exist or cannot reach the installation (then {@code postfix start} would run
 * everything as root) is reported; run as another user, queue directories that others may read
 * or write are. Prints {@code postfix/postfix-script: fatal: ...} and {@code ... warning: ...}
 * lines; exits 1 on an error, 0 otherwise.
 */
final class PostfixCheck {
    private static final String TAG = "postfix/postfix-script: ";
    private static final List<String> CHECK_OPTS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx256m");

    private PostfixCheck() {}

    static int run(Path configDir, PrintStream err) {
        boolean fatal = startupCheck(configDir, err);
        Config config;
        try {
            config = ConfigLoader.read(configDir).config();
            for (String w : NotActedOn.warnings(config)) err.println(TAG + "warning: " + w);
            config.path(Params.QUEUE_DIRECTORY);
        } catch (ConfigException e) {
            return 1; // reported by the start-up check
        }
        return queueAndTables(configDir, config, err) && !fatal ? 0 : 1;
    }

    /** Runs the master's start-up check in a child JVM; prints its lines; true when one is fatal. */
    private static boolean startupCheck(Path configDir, PrintStream err) {
        List<String> command = Postfix.javaCommand(CHECK_OPTS, "mta.master.Master", configDir);
        command.add("--check");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int rc = p.waitFor();
            boolean fatal = rc != 0;
            for (String line : output.split("\n")) {
                if (line.startsWith("fatal: ") || line.startsWith("warning: ")) err.println(TAG + line);
            }
            if (fatal && !output.contains("fatal: ")) err.println(TAG + "fatal: the start-up check failed: " + output.strip());
            return fatal;
        } catch (IOException e) {
            err.println(TAG + "fatal: cannot run the start-up check: " + e.getMessage());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** The queue directories, their owners and modes, the alias tables, the mail log directory. */
    private static boolean queueAndTables(Path configDir, Config config, PrintStream err) {
        List<String> warnings = new ArrayList<>();
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
            return false;
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
        return true;
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
        Path db = Tables.dbFile(Tables.name(spec));
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
