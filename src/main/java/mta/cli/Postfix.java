package mta.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.ConfigLoader;
import mta.config.MaillogFile;
import mta.config.Params;
import mta.install.PostfixInstall;
import mta.lookup.Tables;
import mta.queue.MasterPid;
import mta.queue.Queues;
import mta.queue.TriggerClient;
import mta.util.MailLog;
import mta.util.PosixAccounts;
import mta.util.ProcessState;
import mta.util.Usage;

/**
 * Postfix - the {@code postfix} control command: start, stop and ask about the mail system.
 *
 * <pre>
 * SYNOPSIS
 *     postfix [-c config_dir] command
 *
 * COMMANDS
 *     start    check the configuration, compile alias_database tables that are missing or
 *              older than their source (as newaliases), tidy the queue (as postsuper: stale
 *              temporary files removed), start the master in the background,
 *              and wait until it listens; exit 1 with the reason when it cannot start (bad
 *              configuration, port in use, already running). Run as root, the master runs as
 *              mail_owner beside the master package's PrivilegedMaster, which keeps root's rights for
 *              local and virtual delivery, both started by the root parent script
 *              bin/.privileged-parent (docs/privilege-separation.md); when mail_owner does
 *              not exist or cannot reach the installation, a warning says so and everything
 *              runs as root
 *     stop     stop the master and wait for it to exit (SIGTERM, then a grace period)
 *     abort    stop the master at once (SIGKILL); queued mail stays safe on disk
 *     reload   re-read main.cf and master.cf without stopping (SIGHUP)
 *     status   exit 0 when the mail system is running, 1 when it is not; one line per process
 *              (the master; as root also the privileged parent and delivery processes), 1 when one is down
 *     start-fg as start, but in the foreground (as container images run it): the standard
 *              output and error are this command's, so maillog_file = /dev/stdout logs there;
 *              SIGTERM stops it; the exit status is 0 after a stop, 1 when it could not start
 *     check    everything start would refuse, with the same messages (every problem, not only
 *              the first), unused and misspelled parameters, the queue directories and the alias
 *              tables; exit 1 on an error, 0 otherwise (warnings are printed)
 *     flush    attempt delivery of every queued message now
 *     set-permissions
 *              (root) give the queue, data_directory and maillog_file to mail_owner with
 *              Postfix's modes (see QueuePermissions)
 *     install [--root DIR]
 *              (root) make this mail system the machine's mailer: the program in
 *              /usr/lib/mta, /etc/postfix, the queue, the postfix and postdrop accounts,
 *              sendmail/mailq/newaliases links (the old files kept as .orig), the service
 *              files; under DIR instead of / with --root (see PostfixInstall, docs/install.md)
 *     uninstall [--root DIR]
 *              (root) undo what install did, restoring the .orig files
 *
 * ENVIRONMENT
 *     MAIL_CONFIG   the configuration directory, when -c is not given
 *
 * FILES
 *     $queue_directory/pid/master.pid   the master's process ID, locked while it runs
 *     $queue_directory/pid/master.log   the master's standard error (start-up failures)
 * </pre>
 * Messages are written to standard error as {@code postfix/postfix-script: ...}.
 */
public final class Postfix {
    private static final String TAG = "postfix/postfix-script: ";
    private static final long START_TIMEOUT_MS = 60_000;
    private static final long STOP_TIMEOUT_MS = 30_000;

    /**
     * Lets the foreign function calls of mta.util.NativeIo run without a warning: local delivery
     * takes a user's file-system identity per thread, pickup opens maildrop files without
     * following links or blocking (docs/privilege-separation.md).
     */
    private static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    /**
     * The JVM's compilers work in C-heap arenas that peak at about 7 MiB while the start-up cache's
     * methods are compiled; the JVM frees them 5 s later, but the C library keeps the freed pages
     * (they are scattered, so its own trimming at the top of the heap finds nothing). Every 10 s
     * the JVM asks it to give them back (malloc_trim): the tree at rest is 61 MiB instead of 67
     * from 10-12 s after the start. Every 1 s cost 15% more CPU per message under load (pages
     * given back and taken again); every 10 s is within the noise (bench/README.md, "Memory at rest").
     */
    private static final String TRIM_NATIVE_HEAP = "-XX:TrimNativeHeapInterval=10000";

    /**
     * The master's JVM options: the serial collector with a heap that starts at 16 MiB (smaller
     * makes the young generation so small that it collects every few messages) and grows with
     * load, and the quick compiler only (C1): the mail path is system calls and short Java code,
     * C2 was still compiling (4,800 methods in the first 5,000 messages) and the master
     * then used more CPU per message than with C1 alone (bench/README.md, "Where a message goes").
     * With its start-up cache ({@link #masterCache}): measured on a quiet machine (bench/README.md,
     * "Memory at rest"), the whole tree at rest (root parent, wake-up reader, master) is 61 MiB with
     * it once the C heap is trimmed ({@link #TRIM_NATIVE_HEAP}; 67 before, and 62 without the cache
     * untrimmed), and the first 220 comes after 0.9-1.0 s with it and 1.2-1.5 s without;
     * -Xms8m or -Xms4m save 1-3 MiB more and collect the young generation more often under load.
     * {@code MTA_MASTER_OPTS} with {@code -XX:AOTMode=off} starts it without the cache.
     */
    private static final List<String> DEFAULT_MASTER_OPTS =
            List.of("-XX:+UseSerialGC", "-Xms16m", "-Xmx1g", "-XX:MaxHeapFreeRatio=30", "-XX:MinHeapFreeRatio=10",
                    "-XX:TieredStopAtLevel=1", TRIM_NATIVE_HEAP);

    /**
     * TLS servers refuse renegotiation that a client starts (a CPU lever for an attacker), as
     * Postfix does; the JDK reads this property once, when its first server handshake runs, so it
     * is set on the command line (and again by mta.tls.TlsServerContext, for embedded use).
     */
    private static final String REFUSE_RENEGOTIATION = "-Djdk.tls.rejectClientInitiatedRenegotiation=true";

    /**
     * JVM options for the privileged process: it only runs local and virtual deliveries, so the
     * quick compiler alone (C1) does; no C2 saves it about 3 MiB at rest (bench/README.md, memory).
     * {@code MTA_PRIVILEGED_OPTS} replaces them, as {@code MTA_MASTER_OPTS} does the master's.
     */
    private static final List<String> PRIVILEGED_OPTS =
            List.of("-XX:+UseSerialGC", "-Xms4m", "-Xmx256m", "-XX:MaxHeapFreeRatio=30", "-XX:MinHeapFreeRatio=10",
                    "-XX:ReservedCodeCacheSize=16m", "-XX:-UsePerfData", "-Xss512k", "-XX:TieredStopAtLevel=1",
                    TRIM_NATIVE_HEAP);

    private Postfix() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The commands, for --help and for usage errors. */
    static final Usage USAGE = new Usage("postfix", "postfix [-c config_dir] [-Dv] command", 1,
            "Commands:",
            "  start            check the configuration, then start the mail system in the background",
            "  start-fg         the same in the foreground (containers): logs on standard output, stops on SIGTERM",
            "  stop             stop it, letting running deliveries finish",
            "  abort            stop it at once (queued mail stays safe)",
            "  reload           re-read main.cf and master.cf without stopping",
            "  status           exit 0 when every process runs, 1 when one does not",
            "  check            everything start would refuse (every problem), the queue and the alias tables",
            "  flush            deliver queued mail now",
            "  set-permissions  give the queue to mail_owner with Postfix's modes (root)",
            "  install [--root DIR]    make this the machine's mail system (root)",
            "  uninstall [--root DIR]  undo install (root)",
            "Options: -c config_dir (else $MAIL_CONFIG, else /etc/postfix); -D and -v are accepted.");

    /** What postfix install asks of the commands: newaliases, and set-permissions' owners and modes. */
    private static final PostfixInstall.Commands INSTALL_COMMANDS = new PostfixInstall.Commands() {
        @Override
        public int rebuildAliases(Path configDir, PrintStream out, PrintStream err) {
            return Newaliases.rebuild(configDir, null, out, err);
        }

        @Override
        public boolean setPermissions(Config config, Path configDir, Queues queues) throws IOException {
            Optional<MailOwner> owner = MailOwner.of(config, configDir);
            if (owner.isEmpty()) return false;
            owner.get().prepare(queues);
            return true;
        }
    };

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (Usage.asksForHelp(args) || (args.length == 1 && args[0].equals("-h"))) return USAGE.help(out);
        String dashC = null;
        String command = null;
        for (String a : args) {
            if (a.equals("install") || a.equals("uninstall")) {
                List<String> rest = new ArrayList<>(List.of(args).subList(List.of(args).indexOf(a) + 1, args.length));
                return PostfixInstall.run(a, rest, out, err, INSTALL_COMMANDS);
            }
            if (!a.startsWith("-")) break;
        }
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-c") && i + 1 < args.length) dashC = args[++i];
            else if (a.equals("-v") || a.equals("-D")) continue;
            else if (a.equals("-c")) return USAGE.error(err, "option requires an argument -- 'c'");
            else if (a.startsWith("-")) return USAGE.error(err, "invalid option -- '" + a.substring(1) + "'");
            else if (command == null) command = a;
            else return USAGE.error(err);
        }
        if (command == null) return unknownCommand("", err);
        Path dir = ConfigLoader.directory(dashC);
        if (command.equals("check")) return PostfixCheck.run(dir, err);
        // start and start-fg leave the checking to the master's start-up check, which reports
        // every problem (the same list as postfix check), not only the first.
        boolean starting = command.equals("start") || command.equals("start-fg");
        Config config;
        Path queueDir;
        try {
            config = starting ? ConfigLoader.read(dir).config() : ConfigLoader.load(dir).config();
            queueDir = config.path(Params.QUEUE_DIRECTORY);
        } catch (ConfigException e) {
            err.println("postfix: fatal: " + e.getMessage());
            if (starting) MaillogFile.fatal(dir, "postfix-script", e.getMessage());
            return 1;
        }
        Path pidFile = MasterPid.file(queueDir);
        return switch (command) {
            case "start" -> start(dir, config, queueDir, pidFile, out, err);
            case "start-fg" -> startForeground(dir, config, queueDir, pidFile, out, err);
            case "stop" -> stop(pidFile, err);
            case "abort" -> abort(pidFile, err);
            case "reload" -> {
                QueueDirectoryCache.write(dir, config); // main.cf may have changed: for bin/sendmail's thin client
                yield reload(pidFile, err);
            }
            case "status" -> status(pidFile, err);
            case "flush" -> flush(queueDir, err);
            case "set-permissions" -> setPermissions(dir, config, queueDir, err);
            default -> unknownCommand(command, err);
        };
    }

    /** No command, or one that is not known: said as Postfix's postfix-script says it, then the list. */
    private static int unknownCommand(String command, PrintStream err) {
        err.println(TAG + "fatal: unknown command: '" + command + "'. Usage: postfix start (or stop, abort, reload,"
                + " status, check, flush, set-permissions, install, uninstall)");
        for (String l : USAGE.lines()) err.println(l);
        return 1;
    }

    /**
     * Postfix's line, then one line per process: the master, and under privilege separation the
     * root parent and the privileged delivery process ({@code pid/privileged.pid}: its pid, or
     * {@code idle} while none is needed). Exit 0 when every process runs or the privileged one is
     * idle (it starts on demand); 1 when the master does not, or the privileged process is down
     * (it died: local, virtual and pipe mail waits until the root parent has restarted it).
     */
    private static int status(Path pidFile, PrintStream err) {
        Optional<Long> pid = MasterPid.running(pidFile);
        if (pid.isEmpty()) {
            err.println(TAG + "the Postfix mail system is not running");
            return 1;
        }
        err.println(TAG + "the Postfix mail system is running: PID: " + pid.get());
        err.println(TAG + "master: running: PID: " + pid.get());
        Path privileged = pidFile.resolveSibling("privileged.pid");
        if (!Files.exists(privileged)) return 0; // one process: no privilege separation
        int rc = 0;
        Optional<ProcessHandle> parent = ProcessHandle.of(pid.get()).flatMap(ProcessHandle::parent);
        if (parent.isPresent() && parent.get().isAlive() && parent.get().pid() != 1) {
            err.println(TAG + "privileged parent: running: PID: " + parent.get().pid());
        } else {
            err.println(TAG + "warning: privileged parent: not running; the master stops without it");
            rc = 1;
        }
        String word = "";
        try {
            word = Files.readString(privileged, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            // being rewritten by a restart: reported as not running
        }
        if (word.equals("idle")) {
            // No request for max_idle (or none yet): the root parent starts it when the master needs it.
            err.println(TAG + "privileged delivery: idle (starts on demand)");
            return rc;
        }
        long delivery = -1;
        try {
            delivery = Long.parseLong(word);
        } catch (NumberFormatException e) {
            // reported as not running
        }
        long d = delivery;
        boolean alive = mta.util.ProcessState.running(d) && ProcessHandle.of(d)
                .filter(h -> parent.isPresent() && h.parent().map(ProcessHandle::pid).orElse(-1L) == parent.get().pid())
                .isPresent();
        if (alive) {
            err.println(TAG + "privileged delivery: running: PID: " + d);
        } else {
            err.println(TAG + "warning: privileged delivery: not running" + (d > 0 ? " (PID " + d + " is gone)" : "")
                    + "; local, virtual and pipe delivery wait until it is restarted");
            rc = 1;
        }
        return rc;
    }

    private static int start(Path dir, Config config, Path queueDir, Path pidFile, PrintStream out, PrintStream err) {
        if (MasterPid.running(pidFile).isPresent()) {
            err.println(TAG + "fatal: the Postfix mail system is already running");
            return 1;
        }
        try {
            Files.deleteIfExists(pidFile.resolveSibling("privileged.pid")); // left by a killed root parent
        } catch (IOException ignored) {
            // not ours to remove: the next root start rewrites it
        }
        if (!buildAliases(dir, config, err)) return 1;
        Path logFile = queueDir.resolve("pid").resolve("master.log");
        if (MaillogFile.isStdout(config)) {
            err.println(TAG + "warning: maillog_file = " + MaillogFile.STDOUT + " needs postfix start-fg; the mail log goes to "
                    + logFile);
        }
        Process p;
        try {
            List<String> command = detached(systemCommand(dir, config, queueDir, out, err));
            Files.deleteIfExists(logFile);
            err.println(TAG + "starting the Postfix mail system");
            p = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            err.println(TAG + "fatal: cannot start the master: " + e.getMessage());
            return 1;
        }
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            String log = readQuietly(logFile);
            if (log.contains("postfix/master: ready")) return 0;
            if (!p.isAlive()) {
                for (String line : log.split("\n")) if (line.startsWith("postfix/") && line.contains("fatal:")) err.println(line);
                if (!log.contains("fatal:")) err.println(TAG + "fatal: the master exited with status " + p.exitValue());
                return 1;
            }
            try {
                p.waitFor(20, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
        err.println(TAG + "fatal: the master did not start within " + START_TIMEOUT_MS / 1000 + "s; see " + logFile);
        p.destroy();
        return 1;
    }

    /**
     * Creates the queue, tidies it as Postfix's start runs postsuper (files put in their hashed
     * subdirectories, the temporary files of writers killed half-way removed), notes the queue
     * directory for bin/sendmail's thin client, and returns the command that runs the mail
     * system: the master, or, as root, the root parent script that runs the privileged delivery
     * process and the master as mail_owner; with SIGHUP at its default action ({@link #hangupRestored}).
     */
    private static List<String> systemCommand(Path dir, Config config, Path queueDir, PrintStream out, PrintStream err)
            throws IOException {
        Queues queues = new Queues(queueDir);
        queues.create();
        Postsuper.run(new String[] {"-c", dir.toString()}, java.io.InputStream.nullInputStream(), out, err);
        QueueDirectoryCache.write(dir, config);
        List<String> command = masterCommand(dir, null);
        return hangupRestored(PosixAccounts.ROOT ? privileged(dir, config, queues, command, err) : command);
    }

    /**
     * As a packaged install runs newaliases once: local delivery needs the compiled table. With a
     * configuration that has problems, nothing is built: the master's check reports them all.
     */
    private static boolean buildAliases(Path dir, Config config, PrintStream err) {
        if (!config.problems().isEmpty() || !aliasesNeedBuilding(config)) return true;
        return Newaliases.rebuild(dir, null, new PrintStream(OutputStream.nullOutputStream()), err) == 0;
    }

    /**
     * {@code postfix start-fg}: as start, but the mail system runs in the foreground, as container
     * images run it: its standard output and error are this command's (so {@code maillog_file =
     * /dev/stdout} logs there), SIGTERM or SIGINT to this command stops it gracefully, and this
     * command exits when it does: 0 after a stop (signal or {@code postfix stop}), 1 when it
     * could not start (the reason on standard error and in the mail log).
     */
    private static int startForeground(Path dir, Config config, Path queueDir, Path pidFile, PrintStream out,
                                       PrintStream err) {
        if (MasterPid.running(pidFile).isPresent()) {
            err.println(TAG + "fatal: the Postfix mail system is already running");
            return 1;
        }
        if (!buildAliases(dir, config, err)) return 1;
        Process p;
        try {
            p = new ProcessBuilder(systemCommand(dir, config, queueDir, out, err))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            err.println(TAG + "fatal: cannot start the master: " + e.getMessage());
            return 1;
        }
        Thread stopper = new Thread(() -> {
            if (!p.isAlive()) return;
            p.destroy(); // SIGTERM: the master stops gracefully
            int status = 1;
            try {
                if (p.waitFor(STOP_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS)) status = foregroundStatus(p.exitValue());
                else p.destroyForcibly();
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
            // A JVM ended by a signal would exit 143; a stop that went well is status 0.
            Runtime.getRuntime().halt(status);
        }, "start-fg-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        int rc;
        try {
            rc = p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopper);
        } catch (IllegalStateException shuttingDown) {
            // a signal is being handled: the hook waits for the master
        }
        return foregroundStatus(rc);
    }

    /** The master's exit status as start-fg reports it: ended by SIGTERM (143) is a stop, 0. */
    private static int foregroundStatus(int masterStatus) {
        return masterStatus == 143 ? 0 : masterStatus;
    }

    /** True when an alias_database file table has a source file but no .db, or an older one. */
    private static boolean aliasesNeedBuilding(Config config) {
        for (String spec : config.list(Params.ALIAS_DATABASE)) {
            String type = Tables.type(spec);
            if (type == null || !Tables.isFileType(type)) continue;
            Path source = Path.of(Tables.name(spec));
            Path db = Tables.databaseFile(spec);
            try {
                if (Files.isRegularFile(source)
                        && (!Files.exists(db) || Files.getLastModifiedTime(db).compareTo(Files.getLastModifiedTime(source)) < 0)) {
                    return true;
                }
            } catch (IOException e) {
                return true;
            }
        }
        return false;
    }

    /**
     * Started as root: when mail_owner can run the master, gives it the queue and returns the
     * command of the root parent, {@code bin/.privileged-parent PIDFILE DELIVERY... -- MASTER...},
     * which starts the privileged delivery process (the master package's PrivilegedMaster) and the
     * master as mail_owner at the same time; otherwise warns loudly and returns the master's
     * own command (everything then runs as root, as before privilege separation).
     */
    private static List<String> privileged(Path dir, Config config, Queues queues, List<String> masterCommand,
                                           PrintStream err) throws IOException {
        MailOwner.Verdict v = MailOwner.check(config, dir);
        if (v.owner() != null) v.owner().prepare(queues);
        MailOwner.slowUserFiles().ifPresent(w -> err.println(TAG + "warning: " + w));
        if (!v.usable()) {
            for (String line : MailOwner.warningLines(v.whyNot())) err.println(TAG + line);
            try (MailLog log = MailLog.open(config.path(Params.MAILLOG_FILE), config.str(Params.MYHOSTNAME),
                    config.str(Params.SYSLOG_NAME), config.str(Params.SYSLOG_FACILITY))) {
                for (String line : MailOwner.warningLines(v.whyNot())) log.channel("postfix-script").info(line);
            }
            return masterCommand;
        }
        Path socket = queues.root().resolve("private").resolve("local");
        Path wake = queues.root().resolve("pid").resolve("privileged.wake");
        List<String> cmd = new ArrayList<>();
        cmd.add(privilegedParent().toString());
        cmd.add(queues.root().resolve("pid").resolve("privileged.pid").toString());
        cmd.add(wake.toString());
        cmd.add(Integer.toString(v.owner().user.gid()));
        cmd.add(hasSpawnServices(dir) ? "boot" : "demand");
        cmd.addAll(javaCommand(options("MTA_PRIVILEGED_OPTS", PRIVILEGED_OPTS), "mta.master.PrivilegedMaster", dir));
        cmd.add("--serve");
        cmd.add("--");
        List<String> master = masterCommand(dir, socket);
        master.add("-w");
        master.add(wake.toString());
        cmd.addAll(v.owner().asMailOwner(master));
        return cmd;
    }

    /**
     * True when master.cf has spawn services, whose listeners the privileged delivery process
     * holds: it then starts with the master and never idles out; otherwise the root parent starts
     * it on demand (the master wakes it on its FIFO) and it exits after max_idle.
     */
    private static boolean hasSpawnServices(Path dir) {
        try {
            return mta.config.MasterCf.read(dir.resolve("master.cf")).services().stream()
                    .anyMatch(s -> s.command().equals("spawn"));
        } catch (ConfigException e) {
            return true; // the master's check reports it; start as before
        }
    }

    /**
     * The root parent, {@code bin/.privileged-parent} of this installation ({@code mta.home}, set
     * by the bin/ scripts; else beside the jar's {@code target/} or {@code lib/}): a shell script,
     * not a JVM, that starts the privileged delivery process and the master, restarts the former
     * when it dies and passes signals on (docs/privilege-separation.md).
     */
    static Path privilegedParent() throws IOException {
        String home = System.getProperty("mta.home");
        Path base;
        if (home != null) {
            base = Path.of(home);
        } else {
            try {
                Path jar = Path.of(Postfix.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                base = jar.getParent().getParent(); // target/mta.jar or target/classes
            } catch (java.net.URISyntaxException | RuntimeException e) {
                throw new IOException("cannot find the installation's bin/.privileged-parent: " + e.getMessage());
            }
        }
        Path script = base.resolve("bin").resolve(".privileged-parent").toAbsolutePath();
        if (!Files.isExecutable(script)) throw new IOException(script + " is missing or not executable");
        return script;
    }

    /** The JVM options in environment variable {@code name} (split at white space), else {@code defaults}. */
    private static List<String> options(String name, List<String> defaults) {
        String opts = System.getenv(name);
        return opts != null && !opts.isBlank() ? List.of(opts.trim().split("\\s+")) : defaults;
    }

    /** {@code java OPTS -cp CLASSPATH [-Dmta.home=HOME] MAIN -c DIR}: the same Java and class path as this command. */
    static List<String> javaCommand(List<String> opts, String main, Path dir) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add(NATIVE_ACCESS);
        cmd.addAll(opts);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        String home = System.getProperty("mta.home");
        if (home != null) cmd.add("-Dmta.home=" + home);
        cmd.add(main);
        cmd.add("-c");
        cmd.add(dir.toString());
        return cmd;
    }

    /**
     * The start-up cache of the master ({@code mta-master.aot} beside the jar, made by
     * bin/.build-aot from the master package's MasterTraining), when it is there and newer than the
     * jar, and the master's options do not say {@code -XX:AOTMode=off}: it takes about a third of
     * the CPU off the master's start (class loading and linking), which is on the way to the first
     * 220, for 4 MiB more at rest. The privileged delivery process does without it (it would cost it 6 MiB; bench/README.md).
     * The JVM itself refuses a cache of another JDK or jar; these flags keep that silent, and the
     * master then starts without it.
     */
    static List<String> masterCache() {
        String cp = System.getProperty("java.class.path", "");
        if (!cp.endsWith(".jar") || cp.contains(java.io.File.pathSeparator)) return List.of();
        Path jar = Path.of(cp).toAbsolutePath();
        Path cache = jar.resolveSibling(jar.getFileName().toString().replaceFirst("\\.jar$", "-master.aot"));
        try {
            if (Files.getLastModifiedTime(cache).compareTo(Files.getLastModifiedTime(jar)) <= 0) return List.of();
        } catch (IOException e) {
            return List.of(); // no cache
        }
        return List.of("-XX:AOTCache=" + cache, "-Xlog:aot=off,cds=off");
    }

    /**
     * The master's command line: the same Java and class path as this command; with {@code -l
     * socket} when local delivery is served by the privileged process, and {@code -s socket}
     * ({@code private/secrets} beside it) where that process serves root-only files such as TLS keys.
     */
    private static List<String> masterCommand(Path dir, Path localService) {
        List<String> jvm = new ArrayList<>(options("MTA_MASTER_OPTS", DEFAULT_MASTER_OPTS));
        jvm.add(REFUSE_RENEGOTIATION);
        if (!jvm.contains("-XX:AOTMode=off")) jvm.addAll(masterCache());
        List<String> cmd = javaCommand(jvm, "mta.master.Master", dir);
        if (localService != null) {
            cmd.add("-l");
            cmd.add(localService.toString());
            cmd.add("-s");
            cmd.add(localService.resolveSibling("secrets").toString());
        }
        return cmd;
    }

    /** The command in a session of its own (setsid), so that it outlives this command and its terminal. */
    private static List<String> detached(List<String> command) {
        if (!Files.isExecutable(Path.of("/usr/bin/setsid"))) return command;
        List<String> cmd = new ArrayList<>(command.size() + 1);
        cmd.add("/usr/bin/setsid");
        cmd.addAll(command);
        return cmd;
    }

    /**
     * The command with SIGHUP set back to its default action when this one was started with it
     * ignored ({@code nohup postfix start}, some job runners): ignored signals are inherited, the
     * master's JVM cannot catch an ignored SIGHUP, and {@code postfix reload} would then reach
     * nothing. Postfix's master sets its own SIGHUP handler whatever it inherited; here env(1)
     * ({@code --default-signal}, coreutils 8.31 and later) does it before the JVM starts.
     */
    private static List<String> hangupRestored(List<String> command) {
        if (!ProcessState.ignoresHangup() || !Files.isExecutable(Path.of("/usr/bin/env"))) return command;
        List<String> cmd = new ArrayList<>(command.size() + 2);
        cmd.add("/usr/bin/env");
        cmd.add("--default-signal=HUP");
        cmd.addAll(command);
        return cmd;
    }

    private static String readQuietly(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static int notRunning(PrintStream err) {
        err.println(TAG + "fatal: the Postfix mail system is not running");
        return 1;
    }

    /** SIGHUP to the master: it re-reads main.cf and master.cf. */
    private static int reload(Path pidFile, PrintStream err) {
        Optional<Long> pid = MasterPid.running(pidFile);
        if (pid.isEmpty()) return notRunning(err);
        err.println(TAG + "refreshing the Postfix mail system");
        try {
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid.get())).inheritIO().start();
            return kill.waitFor() == 0 ? 0 : 1;
        } catch (IOException e) {
            err.println(TAG + "fatal: cannot signal the master: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** SIGKILL to the master: no grace period. Queued mail is safe on disk; active mail is retried. */
    private static int abort(Path pidFile, PrintStream err) {
        Optional<Long> pid = MasterPid.running(pidFile);
        if (pid.isEmpty()) return notRunning(err);
        err.println(TAG + "aborting the Postfix mail system");
        ProcessHandle.of(pid.get()).ifPresent(ProcessHandle::destroyForcibly);
        return 0;
    }

    /**
     * Gives the queue tree, data_directory, maillog_file and pid/master.pid the owners and modes of
     * privilege separation (see MailOwner.prepare); root only.
     */
    private static int setPermissions(Path dir, Config config, Path queueDir, PrintStream err) {
        if (!PosixAccounts.ROOT) {
            err.println(TAG + "fatal: set-permissions: must be run by the super-user");
            return 1;
        }
        Optional<MailOwner> owner = MailOwner.of(config, dir);
        if (owner.isEmpty()) {
            err.println(TAG + "fatal: mail_owner account " + config.str(Params.MAIL_OWNER) + " does not exist");
            return 1;
        }
        try {
            owner.get().prepare(new Queues(queueDir));
            return 0;
        } catch (IOException e) {
            err.println(TAG + "fatal: set-permissions: " + e.getMessage());
            return 1;
        }
    }

    /** Asks the queue manager to try every deferred message now (as postqueue -f). */
    private static int flush(Path queueDir, PrintStream err) {
        if (TriggerClient.flushAll(new Queues(queueDir))) return 0;
        return notRunning(err);
    }

    private static int stop(Path pidFile, PrintStream err) {
        Optional<Long> pid = MasterPid.running(pidFile);
        if (pid.isEmpty()) {
            err.println(TAG + "fatal: the Postfix mail system is not running");
            return 1;
        }
        err.println(TAG + "stopping the Postfix mail system");
        Optional<ProcessHandle> ph = ProcessHandle.of(pid.get());
        if (ph.isEmpty()) return 0;
        ph.get().destroy();
        try {
            ph.get().onExit().get(STOP_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
            return 0;
        } catch (java.util.concurrent.TimeoutException e) {
            err.println(TAG + "warning: the master did not stop within " + STOP_TIMEOUT_MS / 1000 + "s; killing it");
            ph.get().destroyForcibly();
            return 1;
        } catch (Exception e) {
            return 1;
        }
    }
}
