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
import mta.bounce.Bounce;
import mta.cleanup.Cleanup;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.ConfigLoader;
import mta.config.MasterCf;
import mta.config.Params;
import mta.deliver.DeliveryAgent;
import mta.dns.DnsjavaResolver;
import mta.dns.Resolver;
import mta.local.LocalAgent;
import mta.pickup.Pickup;
import mta.qmgr.Qmgr;
import mta.queue.Queues;
import mta.queue.Trigger;
import mta.smtp.SmtpAgent;
import mta.smtpd.SmtpdListener;
import mta.util.MailLog;
import mta.util.SafeFiles;

/**
 * Master - starts the mail system from main.cf and master.cf, and stops it.
 *
 * <p>Reads the configuration directory; creates the queue and {@code data_directory}; locks and
 * writes {@code $queue_directory/pid/master.pid}; wires the services of master.cf inside this JVM
 * (cleanup, qmgr, pickup, bounce, the delivery agents by transport name, one {@link SmtpdListener}
 * per {@code inet} smtpd entry) and the {@code public/pickup} and {@code public/qmgr} triggers.
 * A start-up failure (bad configuration, port in use, already running) throws {@link ConfigException}
 * with the reason; {@code main} prints it as {@code postfix/master: fatal: ...} and exits 1.
 */
public final class Master implements AutoCloseable {
    /** Test and benchmark hooks: another resolver, another default SMTP port. */
    public record Options(Resolver resolver, int smtpDefaultPort) {
        public static Options defaults() {
            return new Options(null, 25);
        }
    }

    private final Config config;
    private final MailLog mailLog;
    private final MailLog.Channel log;
    private final Queues queues;
    private final List<SmtpdListener> listeners = new ArrayList<>();
    private final List<TriggerServer> triggers = new ArrayList<>();
    private final FileChannel pidChannel;
    private final FileLock pidLock;
    private Qmgr qmgr;
    private Pickup pickup;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;

    private Master(Config config, MailLog mailLog, Queues queues, FileChannel pidChannel, FileLock pidLock) {
        this.config = config;
        this.mailLog = mailLog;
        this.log = mailLog.channel("master");
        this.queues = queues;
        this.pidChannel = pidChannel;
        this.pidLock = pidLock;
    }

    /** Starts everything configured in {@code configDir}; throws ConfigException when it cannot. */
    public static Master start(Path configDir, Options options) throws IOException {
        ConfigLoader.Loaded loaded = ConfigLoader.load(configDir);
        Config config = loaded.config();
        MailLog mailLog = MailLog.open(config.path(Params.MAILLOG_FILE), config.str(Params.MYHOSTNAME),
                config.str(Params.SYSLOG_NAME));
        MailLog.Channel log = mailLog.channel("master");
        for (String w : loaded.warnings()) log.warn(w);
        MasterCf masterCf = MasterCf.read(configDir.resolve("master.cf"));

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
        Master m = new Master(config, mailLog, queues, pidChannel, lock);
        try {
            m.wire(masterCf, options, configDir);
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    private void wire(MasterCf masterCf, Options options, Path configDir) throws IOException {
        Trigger[] qmgrRef = new Trigger[1];
        Trigger wakeQmgr = c -> {
            if (qmgrRef[0] != null) qmgrRef[0].trigger(c);
        };
        Cleanup cleanup = new Cleanup(config, queues, mailLog, wakeQmgr);
        Resolver resolver = options.resolver() != null ? options.resolver() : new DnsjavaResolver();

        Map<String, DeliveryAgent> agents = new LinkedHashMap<>();
        int pickupWakeup = 60;
        List<MasterCf.Service> inet = new ArrayList<>();
        for (MasterCf.Service s : masterCf.services()) {
            Config sc = config.with(s.overrides());
            switch (s.type() + "/" + s.command()) {
                case "unix/local" -> agents.put(s.name(), new LocalAgent(sc, cleanup));
                case "unix/smtp", "unix/lmtp" -> agents.put(s.name(), new SmtpAgent(sc, resolver, options.smtpDefaultPort()));
                case "unix/pickup", "fifo/pickup" -> pickupWakeup = s.wakeup();
                case "inet/smtpd" -> inet.add(s);
                default -> { }
            }
        }
        Bounce bounce = new Bounce(config, cleanup, mailLog);
        qmgr = new Qmgr(config, queues, mailLog, agents, bounce);
        qmgrRef[0] = qmgr;
        pickup = new Pickup(queues, cleanup, mailLog, pickupWakeup);

        int defaultMaxproc = config.integer(Params.DEFAULT_PROCESS_LIMIT);
        for (MasterCf.Service s : inet) {
            Config sc = config.with(s.overrides());
            List<InetSocketAddress> addrs = InetAddresses.resolve(s.name(), sc.list(Params.INET_INTERFACES),
                    sc.list(Params.INET_PROTOCOLS));
            int maxproc = s.maxproc() == null ? defaultMaxproc : s.maxproc() == 0 ? Integer.MAX_VALUE : s.maxproc();
            for (InetSocketAddress a : addrs) {
                try {
                    listeners.add(new SmtpdListener(sc, a, maxproc, mailLog, cleanup));
                } catch (IOException e) {
                    throw new ConfigException(e.getMessage());
                }
            }
        }
        triggers.add(new TriggerServer(queues.root().resolve("public").resolve("pickup"), pickup, log));
        triggers.add(new TriggerServer(queues.root().resolve("public").resolve("qmgr"), qmgr, log));

        qmgr.start();
        pickup.start();
        for (SmtpdListener l : listeners) l.start();

        byte[] pid = String.format("%10d\n", ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII);
        pidChannel.truncate(0);
        pidChannel.write(ByteBuffer.wrap(pid), 0);
        pidChannel.force(true);
        log.info("daemon started -- version " + version() + ", configuration " + configDir);
    }

    static String version() {
        String v = Master.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** The ports smtpd listens on, in master.cf order (tests connect to these). */
    public List<Integer> smtpdPorts() {
        return listeners.stream().map(SmtpdListener::port).toList();
    }

    public Queues queues() {
        return queues;
    }

    public Config config() {
        return config;
    }

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
        for (SmtpdListener l : listeners) l.stop(2000);
        for (TriggerServer t : triggers) {
            try {
                t.close();
            } catch (IOException ignored) {
                // the socket file is removed at the next start anyway
            }
        }
        if (pickup != null) pickup.stop();
        if (qmgr != null) qmgr.stop(5000);
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
     * {@code java mta.master.Master [-c config_dir]}: runs the mail system in the foreground until
     * SIGTERM. {@code bin/postfix start} runs this in the background.
     */
    public static void main(String[] args) {
        String dashC = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-c") && i + 1 < args.length) dashC = args[++i];
        }
        PrintStream err = System.err;
        Path dir = ConfigLoader.directory(dashC);
        Master m;
        try {
            m = start(dir, Options.defaults());
        } catch (ConfigException e) {
            err.println("postfix/master: fatal: " + e.getMessage());
            System.exit(1);
            return;
        } catch (IOException e) {
            err.println("postfix/master: fatal: " + e.getMessage());
            System.exit(1);
            return;
        }
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
}
