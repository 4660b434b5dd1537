package mta.master;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import mta.bounce.Bounce;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.ConfigLoader;
import mta.config.MaillogFile;
import mta.config.MasterCf;
import mta.config.Params;
import mta.dns.Resolver;
import mta.flush.Flush;
import mta.dns.SystemResolver;
import mta.lookup.Tables;
import mta.pickup.Pickup;
import mta.qmgr.Qmgr;
import mta.queue.Queues;
import mta.smtpd.SmtpdListener;
import mta.tls.TlsConfigCheck;
import mta.util.MailLog;
import mta.util.ProcessState;
import mta.util.SafeFiles;
import mta.util.SecretClient;
import mta.util.SecretFiles;

/**
 * Master - starts the mail system from main.cf and master.cf, and stops it.
 *
 * <p>Reads the configuration directory; creates the queue and {@code data_directory}; locks and
 * writes {@code $queue_directory/pid/master.pid}; wires the services of master.cf inside this JVM
 * (cleanup, qmgr, pickup, bounce, the delivery agents by transport name, one {@link SmtpdListener}
 * per {@code inet} smtpd entry, the fast flush service {@link Flush}, the spawn entries' sockets
 * ({@link SpawnServices}) unless the privileged process runs them), the address verification
 * service when master.cf names it ({@link VerifySwitch}), the {@code public/pickup} and
 * {@code public/qmgr} triggers, and the {@code public/showq}, {@code public/postdrop} and
 * {@code public/flush} services ({@link ShowqServer}, {@link PostdropServer}, {@link FlushServer}).
 * A start-up failure (bad configuration, port in use, already running) throws {@link ConfigException}
 * with the reason; {@code main} prints it as {@code postfix/master: fatal: ...} and exits 1.
 */
public final class Master implements AutoCloseable {
    /**
     * Test and benchmark hooks: another resolver, another default SMTP port; {@code localService},
     * the socket of the privileged delivery process ({@link PrivilegedMaster}) when local and virtual
     * delivery run there, or null when they run in this JVM; and {@code secrets}, where TLS keys and
     * other root-only files are read: through that process ({@link SecretClient}) or directly.
     */
    public record Options(Resolver resolver, int smtpDefaultPort, Path localService, SecretFiles secrets) {
        public Options(Resolver resolver, int smtpDefaultPort) {
            this(resolver, smtpDefaultPort, null, SecretFiles.DIRECT);
        }

        public Options(Resolver resolver, int smtpDefaultPort, Path localService) {
            this(resolver, smtpDefaultPort, localService, SecretFiles.DIRECT);
        }

        public static Options defaults() {
            return new Options(null, 25);
        }
    }

    private final Path configDir;
    private final Options options;
    private final MailLog mailLog;
    private final MailLog.Channel log;
    private final Queues queues;
    private final FileChannel pidChannel;
    private final FileLock pidLock;
    private final ReentrantLock reloadLock = new ReentrantLock();
    private final CleanupServices cleanups = new CleanupServices();
    /** The address verification service, when master.cf has one (smtpd and qmgr hold this switch). */
    private final VerifySwitch verify = new VerifySwitch();
    /** smtpd listeners by bound address ("127.0.0.1:2525"). */
    private final Map<String, SmtpdListener> listeners = new LinkedHashMap<>();
    /** The postscreen entries and the pass entries' smtpd behind them; null before start-up got there. */
    private PostscreenServices postscreens;
    private final List<TriggerServer> triggers = new ArrayList<>();
    private ShowqServer showq;
    private PostdropServer postdrop;
    private Flush flush;
    private FlushServer flushServer;
    /** master.cf spawn entries; null when the privileged process runs them. */
    private SpawnServices spawn;
    private volatile Config config;
    private Resolver resolver;
    private Qmgr qmgr;
    private Pickup pickup;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Restarts a service loop that dies (pickup, the queue manager's scan, the public/ sockets). */
    private final Supervisor supervisor;
    private volatile boolean closed;
    /** Watches the privileged delivery process; null without privilege separation. */
    private PrivilegedWatch privilegedWatch;
    /** The HTTP listener of metrics_listen, and the value it was started with; null when off. */
    private MetricsServer metricsServer;
    private String metricsListen = "";
    private final java.util.function.Consumer<mta.metrics.TextFormat> processMetrics = this::writeProcessMetrics;
    private final List<java.util.function.Consumer<mta.metrics.TextFormat>> collectors = new ArrayList<>();

    private Master(Path configDir, Options options, Config config, MailLog mailLog, Queues queues,
                   FileChannel pidChannel, FileLock pidLock) {
        this.configDir = configDir;
        this.options = options;
        this.config = config;
        this.mailLog = mailLog;
        this.log = mailLog.channel("master");
        this.supervisor = new Supervisor(log);
        this.queues = queues;
        this.pidChannel = pidChannel;
        this.pidLock = pidLock;
    }

    /**
     * Starts everything configured in {@code configDir}; throws ConfigException when it cannot
     * ({@link StartupCheck.Failed} with every problem when the configuration is wrong; each is
     * also written to the mail log).
     */
    public static Master start(Path configDir, Options options) throws IOException {
        ConfigLoader.Loaded loaded = ConfigLoader.read(configDir);
        Config config = loaded.config();
        MasterCf masterCf = MasterCf.read(configDir.resolve("master.cf"));
        MailLog mailLog = MaillogFile.open(config);
        MailLog.Channel log = mailLog.channel("master");
        Resolver resolver = options.resolver() != null ? options.resolver() : SystemResolver.system();
        // Database tables read their .cf files (passwords, often root-only) where TLS keys come from.
        Tables.useSecretFiles(options.secrets());
        try {
            List<StartupCheck.Problem> problems = StartupCheck.run(loaded, masterCf, resolver, mailLog, options.secrets());
            for (StartupCheck.Problem p : problems) {
                if (p.fatal()) log.fatal(p.text());
                else log.warn(p.text());
            }
            StartupCheck.refuseIfFatal(problems);
        } catch (RuntimeException e) {
            mailLog.close();
            throw e;
        }

        Path queueDir = config.path(Params.QUEUE_DIRECTORY);
        if (queueDir == null) throw new ConfigException("queue_directory is not set");
        Queues queues = new Queues(queueDir);
        queues.create();
        Path data = config.path(Params.DATA_DIRECTORY);
        if (data != null) SafeFiles.ensureDirectory(data);

        Path pidFile = queueDir.resolve("pid").resolve("master.pid");
        FileChannel pidChannel = FileChannel.open(pidFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        FileLock lock = pidChannel.tryLock();
        if (lock == null) {
            pidChannel.close();
            throw new ConfigException("the mail system is already running (" + pidFile + " is locked)");
        }
        Master m = new Master(configDir, options, config, mailLog, queues, pidChannel, lock);
        m.resolver = resolver;
        try {
            m.startServices(masterCf);
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    private void startServices(MasterCf masterCf) throws IOException {
        cleanups.set(CleanupServices.build(config, masterCf, queues, mailLog, c -> qmgr.trigger(c), handoff));
        Bounce bounce = new Bounce(config, cleanups.forService(config), mailLog);
        flush = new Flush(config, queues, c -> qmgr.trigger(c), mailLog);
        verify.update(masterCf, config, cleanups.forService(config), mailLog);
        qmgr = new Qmgr(config, queues, mailLog, transports(masterCf), bounce, flush, verify);
        int pickupWakeup = 60;
        int flushWakeup = 1000;
        Config pickupConfig = config;
        for (MasterCf.Service s : masterCf.services()) {
            if (s.command().equals("pickup")) {
                pickupWakeup = s.wakeup();
                pickupConfig = Services.serviceConfig(config, s);
            }
            if (s.command().equals("flush") && s.wakeup() > 0) flushWakeup = s.wakeup();
        }
        pickup = new Pickup(queues, cleanups.forService(pickupConfig), mailLog, pickupWakeup);
        updateListeners(masterCf, true);
        postscreens = new PostscreenServices(new PostscreenServices.Wiring(mailLog, resolver, options.secrets(), flush,
                verify, cleanups));
        postscreens.update(masterCf, config, true, log);
        if (options.localService() == null) {
            spawn = new SpawnServices(queues, mailLog, null);
            spawn.update(masterCf, config, true);
        }
        triggers.add(new TriggerServer(queues.root().resolve("public").resolve("pickup"), pickup, log, supervisor));
        triggers.add(new TriggerServer(queues.root().resolve("public").resolve("qmgr"), qmgr, log, supervisor));
        showq = new ShowqServer(queues, mailLog.channel("showq"), supervisor);
        postdrop = new PostdropServer(queues, configDir, () -> config, mailLog.channel("postdrop"), supervisor);
        flushServer = new FlushServer(queues, flush, java.time.Duration.ofSeconds(flushWakeup), mailLog.channel("flush"),
                supervisor);

        qmgr.start(supervisor);
        pickup.start(supervisor);
        for (SmtpdListener l : listeners.values()) l.start();
        if (options.localService() != null) {
            privilegedWatch = new PrivilegedWatch(options.localService(),
                    queues.root().resolve("pid").resolve("privileged.pid"), log);
        }
        updateMetrics(true);
        postscreens.start();

        byte[] pid = String.format("%10d\n", ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII);
        pidChannel.truncate(0);
        pidChannel.write(ByteBuffer.wrap(pid), 0);
        pidChannel.force(true);
        log.info("daemon started -- version " + version() + ", configuration " + configDir);
    }

    /**
     * Opens, moves or closes the metrics listener to match {@code metrics_listen}. At start-up a
     * bad value or a bind failure is fatal; on reload it is logged and the old listener stays.
     */
    private void updateMetrics(boolean startup) {
        String wanted = config.str(Params.METRICS_LISTEN).strip();
        if (wanted.equals(metricsListen) && (metricsServer != null || wanted.isEmpty())) return;
        try {
            java.net.InetSocketAddress address = MetricsServer.address(wanted);
            MetricsServer started = address == null ? null
                    : MetricsServer.start(address, mta.metrics.MailMetrics.REGISTRY, this::healthProblems, this::healthNotes);
            if (metricsServer != null) metricsServer.close();
            metricsServer = started;
            metricsListen = wanted;
        } catch (ConfigException e) {
            if (startup) throw e;
            log.warn(e.getMessage() + "; the metrics listener is unchanged");
            return;
        }
        if (metricsServer != null && collectors.isEmpty()) {
            collectors.add(new QueueMetrics(queues));
            collectors.add(processMetrics);
            collectors.add(new mta.metrics.JvmMetrics());
            collectors.forEach(mta.metrics.MailMetrics.REGISTRY::collector);
        }
    }

    /** The port of the metrics listener (tests), or -1 when there is none. */
    public int metricsPort() {
        MetricsServer m = metricsServer;
        return m == null ? -1 : m.port();
    }

    /** What /healthz reports as down: empty when every service is up. */
    List<String> healthProblems() {
        List<String> down = new ArrayList<>();
        if (closed) down.add("master: stopping");
        PrivilegedWatch w = privilegedWatch;
        PrivilegedWatch.Probe privileged = w == null ? null : w.probeNow();
        if (privileged != null && privileged.state() == PrivilegedWatch.State.DOWN) {
            down.add("privileged process: down: " + privileged.why());
        }
        for (String loop : supervisor.restarting()) down.add(loop + ": terminated abnormally, waiting to restart");
        return down;
    }

    /** What a healthy /healthz adds: the privileged process idle (it starts on demand) or starting. */
    List<String> healthNotes() {
        PrivilegedWatch w = privilegedWatch;
        String note = w == null ? null : PrivilegedWatch.note(w.probeNow());
        return note == null ? List.of() : List.of(note);
    }

    /** {@code postfix_process_up{process="master|privileged"}}: 1 when the process serves (or is idle). */
    private void writeProcessMetrics(mta.metrics.TextFormat out) {
        List<String> label = List.of("process");
        out.header("postfix_process_up", "1 when the process serves (or, privileged, is idle or starting), 0 when it is down"
                + " (master, privileged).",
                mta.metrics.Family.Type.GAUGE);
        out.sample("postfix_process_up", label, List.of("master"), closed ? 0 : 1);
        PrivilegedWatch w = privilegedWatch;
        if (w != null) out.sample("postfix_process_up", label, List.of("privileged"), w.problem() == null ? 1 : 0);
    }

    private Map<String, Qmgr.Transport> transports(MasterCf masterCf) {
        return Services.transports(masterCf, config, cleanups, resolver, options.smtpDefaultPort(), mailLog,
                options.localService(), options.secrets());
    }

    /**
     * Opens, reconfigures and closes smtpd listeners to match master.cf. At start-up a bind failure
     * is fatal; on reload it is logged and the rest goes on.
     */
    private void updateListeners(MasterCf masterCf, boolean startup) {
        int defaultMaxproc = config.integer(Params.DEFAULT_PROCESS_LIMIT);
        Map<String, SmtpdListener> wanted = new LinkedHashMap<>();
        for (MasterCf.Service s : masterCf.services()) {
            if (!s.type().equals("inet") || !s.command().equals("smtpd")) continue;
            Config sc = Services.serviceConfig(config, s);
            List<InetSocketAddress> addrs = InetAddresses.resolve(s.name(), sc.list(Params.INET_INTERFACES),
                    sc.list(Params.INET_PROTOCOLS));
            int maxproc = s.maxproc() == null ? defaultMaxproc : s.maxproc() == 0 ? Integer.MAX_VALUE : s.maxproc();
            for (InetSocketAddress a : addrs) {
                String key = a.getAddress().getHostAddress() + ":" + a.getPort();
                SmtpdListener l = listeners.remove(key);
                if (l != null) {
                    try {
                        l.reconfigure(sc);
                    } catch (ConfigException e) {
                        log.warn(e.getMessage() + "; service " + s.name() + " keeps its previous settings");
                    }
                } else {
                    try {
                        l = new SmtpdListener(sc, s.name(), a, maxproc, mailLog, cleanups.forService(sc), resolver,
                                options.secrets(), flush, verify);
                        if (!startup) l.start();
                    } catch (IOException | ConfigException e) {
                        if (startup) throw e instanceof ConfigException ce ? ce : new ConfigException(e.getMessage());
                        log.warn("service " + s.name() + ": " + e.getMessage());
                        continue;
                    }
                }
                wanted.put(key, l);
            }
        }
        for (SmtpdListener gone : listeners.values()) gone.stop(2000);
        listeners.clear();
        listeners.putAll(wanted);
    }

    /**
     * postfix reload: re-reads main.cf and master.cf. Queued mail and open sessions are untouched;
     * new sessions and new deliveries use the new settings; listeners open and close to match
     * master.cf. A configuration that does not load is refused with a warning, and the old one stays.
     */
    public void reload() {
        reloadLock.lock();
        try {
            if (closed) return;
            ConfigLoader.Loaded loaded;
            MasterCf masterCf;
            try {
                loaded = ConfigLoader.read(configDir);
                masterCf = MasterCf.read(configDir.resolve("master.cf"));
                List<StartupCheck.Problem> problems = StartupCheck.run(loaded, masterCf, resolver, mailLog,
                        options.secrets());
                for (StartupCheck.Problem p : problems) if (!p.fatal()) log.warn(p.text());
                StartupCheck.refuseIfFatal(problems);
            } catch (ConfigException e) {
                for (String line : e.getMessage().split("\n")) {
                    log.warn("reload refused, configuration unchanged: " + line);
                }
                return;
            }
            config = loaded.config();
            cleanups.set(CleanupServices.build(config, masterCf, queues, mailLog, c -> qmgr.trigger(c), handoff));
            flush.reconfigure(config);
            verify.update(masterCf, config, cleanups.forService(config), mailLog);
            qmgr.reconfigure(config, transports(masterCf), new Bounce(config, cleanups.forService(config), mailLog));
            updateListeners(masterCf, false);
            postscreens.update(masterCf, config, false, log);
            if (spawn != null) spawn.update(masterCf, config, false);
            // spawn listeners must always be up: the privileged process serves them, so it must run.
            if (options.localService() != null && masterCf.services().stream().anyMatch(x -> x.command().equals("spawn"))) {
                mta.util.UnixConnect.wake();
            }
            updateMetrics(false);
            log.info("reload -- version " + version() + ", configuration " + configDir);
        } catch (RuntimeException e) {
            log.warn("reload failed: " + e.getMessage());
        } finally {
            reloadLock.unlock();
        }
    }

    static String version() {
        String v = Master.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** The ports smtpd listens on, in master.cf order (tests connect to these). */
    public List<Integer> smtpdPorts() {
        reloadLock.lock();
        try {
            return listeners.values().stream().map(SmtpdListener::port).toList();
        } finally {
            reloadLock.unlock();
        }
    }

    /** The ports postscreen listens on, in master.cf order (tests connect to these). */
    public List<Integer> postscreenPorts() {
        reloadLock.lock();
        try {
            return postscreens == null ? List.of() : postscreens.ports();
        } finally {
            reloadLock.unlock();
        }
    }

    public Queues queues() {
        return queues;
    }

    public Config config() {
        return config;
    }

    /** Cleanup's way to the queue manager of this process, whichever is running (none yet at start). */
    private final mta.queue.IncomingHandoff handoff = new mta.queue.IncomingHandoff() {
        @Override
        public boolean reserve(String id) {
            return current().reserve(id);
        }

        @Override
        public void release(String id) {
            current().release(id);
        }

        @Override
        public boolean handOff(String id, mta.queue.QueueFile.Envelope envelope) {
            return current().handOff(id, envelope);
        }

        private mta.queue.IncomingHandoff current() {
            Qmgr q = qmgr;
            return q != null ? q : mta.queue.IncomingHandoff.NONE;
        }
    };

    /** Wakes the queue manager with a request letter (as {@code postqueue -f} does through public/qmgr). */
    public void triggerQmgr(char request) {
        if (qmgr != null) qmgr.trigger(request);
    }

    /** Blocks until {@link #close()} has run. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Stops accepting mail, lets running sessions and deliveries finish briefly, releases the pid lock. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        supervisor.close();
        if (metricsServer != null) metricsServer.close();
        collectors.forEach(mta.metrics.MailMetrics.REGISTRY::remove);
        if (privilegedWatch != null) privilegedWatch.close();
        reloadLock.lock();
        try {
            for (SmtpdListener l : listeners.values()) l.stop(2000);
            if (postscreens != null) postscreens.close();
        } finally {
            reloadLock.unlock();
        }
        if (spawn != null) spawn.close();
        for (TriggerServer t : triggers) {
            try {
                t.close();
            } catch (IOException ignored) {
                // the socket file is removed at the next start anyway
            }
        }
        if (showq != null) {
            try {
                showq.close();
            } catch (IOException ignored) {
                // removed at the next start
            }
        }
        if (postdrop != null) {
            try {
                postdrop.close();
            } catch (IOException ignored) {
                // removed at the next start
            }
        }
        if (flushServer != null) {
            try {
                flushServer.close();
            } catch (IOException ignored) {
                // removed at the next start
            }
        }
        if (pickup != null) pickup.stop();
        if (qmgr != null) qmgr.stop(5000);
        queues.spares().clear(); // no delivered file is kept past the mail system's stop
        verify.close(); // after qmgr: the results of probes in flight are still recorded
        try {
            pidLock.release();
            pidChannel.close();
            java.nio.file.Files.deleteIfExists(queues.root().resolve("pid").resolve("master.pid"));
        } catch (IOException ignored) {
            // the lock dies with the process
        }
        try {
            mailLog.close();
        } catch (IOException ignored) {
            // nothing more to log to
        }
        stopped.countDown();
    }

    /**
     * {@code java mta.master.Master [-c config_dir] [-l socket] [-s socket] [-w fifo]}: runs the mail system in
     * the foreground until SIGTERM. {@code bin/postfix start} runs this in the background, directly
     * or, when started as root, as mail_owner under the root parent script
     * {@code bin/.privileged-parent}, with {@code -l}, the socket of the privileged delivery process
     * ({@link PrivilegedMaster}) that serves local and virtual delivery, and {@code -s}, the one that
     * serves root-only files (TLS keys), and {@code -w}, the root parent's wake FIFO: that process
     * runs on demand, so deliveries and reads of root-only files that find no socket write a byte
     * there and wait for it ({@link mta.util.UnixConnect}) instead of failing; so do those of the
     * first {@value #PRIVILEGED_START_MILLIS} ms, when it may be starting beside this one.
     */
    public static void main(String[] args) {
        String dashC = null;
        Path localService = null;
        SecretFiles secrets = SecretFiles.DIRECT;
        boolean checkOnly = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-c") && i + 1 < args.length) dashC = args[++i];
            else if (args[i].equals("-l") && i + 1 < args.length) localService = Path.of(args[++i]);
            else if (args[i].equals("-s") && i + 1 < args.length) secrets = new SecretClient(Path.of(args[++i]));
            else if (args[i].equals("-w") && i + 1 < args.length) mta.util.UnixConnect.wakeWith(Path.of(args[++i]));
            else if (args[i].equals("--check")) checkOnly = true;
        }
        PrintStream err = System.err;
        Path dir = ConfigLoader.directory(dashC);
        if (checkOnly) System.exit(check(dir, System.out));
        if (localService != null) mta.util.UnixConnect.waitForStartUntil(PRIVILEGED_START_MILLIS);
        Master m;
        try {
            m = start(dir, new Options(null, 25, localService, secrets));
        } catch (StartupCheck.Failed e) {
            for (String line : e.messages()) err.println("postfix/master: fatal: " + line);
            System.exit(1);
            return;
        } catch (ConfigException | IOException e) {
            err.println("postfix/master: fatal: " + e.getMessage());
            MaillogFile.fatal(dir, "master", e.getMessage());
            System.exit(1);
            return;
        } catch (RuntimeException e) {
            // A bug, not a configuration problem: say so plainly, never with a stack trace.
            err.println("postfix/master: panic: cannot start: " + e);
            System.exit(1);
            return;
        }
        Reload.onHangup(m::reload);
        if (ProcessState.ignoresHangup()) {
            m.log.warn("SIGHUP is ignored, as inherited from the process that started the master: "
                    + "postfix reload cannot reach it; start it with SIGHUP at its default action");
        }
        if (localService != null) stopWithParent(m);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            m.log.info("terminating on signal 15");
            m.close();
        }, "master-stop"));
        err.println("postfix/master: ready");
        err.flush();
        try {
            m.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How long after its start the master waits for the privileged process's sockets. */
    static final long PRIVILEGED_START_MILLIS = 60_000;

    /**
     * Under privilege separation the parent is the root parent script ({@code bin/.privileged-parent})
     * that restarts the privileged delivery process; if it is killed, nothing can restart that
     * process again, so the master says so and stops cleanly (queued mail stays queued).
     */
    private static void stopWithParent(Master m) {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
            m.log.fatal("the privileged parent process (pid " + parent.pid() + ") has exited: nothing can restart"
                    + " local, virtual and pipe delivery; stopping the mail system");
            m.close();
            Runtime.getRuntime().halt(1);
        }));
    }

    /**
     * {@code java mta.master.Master -c DIR --check}, run by {@code postfix check}: the start-up
     * check without starting anything, one {@code fatal: ...} or {@code warning: ...} line per
     * problem on {@code out}; exit status 1 when any is fatal.
     */
    static int check(Path dir, PrintStream out) {
        List<StartupCheck.Problem> problems;
        List<String> logged = new ArrayList<>();
        try {
            ConfigLoader.Loaded loaded = ConfigLoader.read(dir);
            MasterCf masterCf = MasterCf.read(dir.resolve("master.cf"));
            // What the services would log while being set up (TLS keys that cannot be read, ...).
            Path scratch = java.nio.file.Files.createTempFile("postfix-check", ".log");
            try {
                try (MailLog capture = MailLog.open(scratch, "localhost", "postfix")) {
                    problems = StartupCheck.run(loaded, masterCf, SystemResolver.system(), capture, SecretFiles.DIRECT);
                }
                for (String line : java.nio.file.Files.readAllLines(scratch, StandardCharsets.UTF_8)) {
                    int at = line.indexOf("]: ");
                    if (at > 0) logged.add(line.substring(at + 3));
                }
            } finally {
                java.nio.file.Files.deleteIfExists(scratch);
            }
        } catch (ConfigException e) {
            out.println("fatal: " + e.getMessage());
            return 1;
        } catch (IOException | RuntimeException e) {
            out.println("fatal: cannot check the configuration: " + e);
            return 1;
        }
        for (String line : logged) if (line.startsWith("warning: ")) out.println(line);
        StartupCheck.lines(problems).forEach(out::println);
        out.flush();
        return problems.stream().anyMatch(StartupCheck.Problem::fatal) ? 1 : 0;
    }
}
