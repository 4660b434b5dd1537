package mta.master;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.ConfigLoader;
import mta.config.MasterCf;
import mta.config.Params;
import mta.deliver.DeliveryAgent;
import mta.deliver.DeliveryPass;
import mta.deliver.DeliveryProtocol;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;
import mta.deliver.Recipient;
import mta.mail.Dsn;
import mta.queue.IncomingHandoff;
import mta.queue.QueueId;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.queue.Trigger;
import mta.queue.TriggerClient;
import mta.util.MailLog;
import mta.util.PosixAccounts;

/**
 * PrivilegedMaster - the part of the mail system that keeps root's rights when {@code postfix start}
 * runs as root: it serves local, virtual and pipe delivery on {@code $queue_directory/private/local},
 * and runs the master.cf spawn services ({@link SpawnServices}), beside the unprivileged master (as
 * {@code mail_owner}). It also reads, for the master, the root-only files the
 * configuration names (TLS keys and certificates), on {@code private/secrets} ({@link SecretService}).
 *
 * <p>{@code java mta.master.PrivilegedMaster -c config_dir --serve} is the privileged delivery
 * process. Its parent is the root parent, the shell script {@code bin/.privileged-parent}, which
 * starts the master (under {@code setpriv}, built by the postfix command) and this process: on
 * demand, when the master writes a byte to its wake FIFO, or at once beside the master when
 * master.cf has spawn services; it starts it again when it dies, and exits with the master's
 * status. It binds the sockets (owned by mail_owner, inside the mail_owner-only {@code private/}),
 * prints "ready" and serves until SIGTERM, until the root parent is gone, or until
 * {@code max_idle} has passed without a request while it serves no spawn service ({@link IdleExit}):
 * it then removes its socket names, serves what was already queued, waits for the running
 * requests and exits with {@link #IDLE_EXIT}, which the root parent does not restart until the
 * next wake-up (and which is not logged, as Postfix logs nothing for a max_idle exit). The script has no mail log of its own: when it restarts this
 * process it adds {@code --restarted PID STATUS PAUSE} (the pid and wait status of the process
 * that died, the pause before the restart in seconds), and the new process writes the root
 * parent's lines, with the script's pid, as Postfix's master logs a daemon it restarts:
 *
 * <pre>
 * postfix/master[1200]: warning: process privileged (pid 1201) terminated abnormally: killed by signal 9
 * postfix/master[1200]: warning: privileged: restarting in 1s
 * postfix/master[1200]: privileged process restarted: pid 1302
 * </pre>
 *
 * then asks the queue manager to retry deferred mail ({@code public/qmgr}, as {@code postfix
 * flush}), so that local mail deferred during the outage goes out without a manual step.
 *
 * <p>Each connection carries one {@link DeliveryProtocol} request. The peer must be mail_owner or
 * root ({@code SO_PEERCRED}); the queue file must be a regular file {@code active/ID} owned by
 * mail_owner; the transport must be a master.cf {@code local}, {@code virtual} or {@code pipe}
 * service. Reads main.cf and master.cf again when their modification times change (as the master
 * does on {@code postfix reload}), for the agents and for the spawn sockets. Logs as
 * {@code postfix/local}, {@code postfix/pipe} and {@code postfix/spawn} into the same {@code maillog_file}. Queue files it
 * writes (forwarded copies through cleanup) go to {@code mail_owner} (see {@code SafeFiles.inheritOwner}).
 */
public final class PrivilegedMaster {
    private final Path configDir;
    private final Queues queues;
    private final MailLog mailLog;
    private final MailLog.Channel log;
    private final PosixAccounts.User owner;
    private final Object agentsLock = new Object();
    private List<FileTime> agentsStamp = List.of();
    private Map<String, DeliveryAgent> agents = Map.of();

    private final IdleExit idle;

    private PrivilegedMaster(Path configDir, Queues queues, MailLog mailLog, PosixAccounts.User owner, IdleExit idle) {
        this.idle = idle;
        this.configDir = configDir;
        this.queues = queues;
        this.mailLog = mailLog;
        this.log = mailLog.channel("local");
        this.owner = owner;
    }

    /**
     * {@code PrivilegedMaster -c DIR --serve [--restarted PID STATUS PAUSE]}: the privileged
     * delivery process, started (and restarted) by {@code bin/.privileged-parent}.
     */
    public static void main(String[] args) {
        String dashC = null;
        boolean serve = false;
        Restart restarted = null;
        try {
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("-c") && i + 1 < args.length) dashC = args[++i];
                else if (args[i].equals(SERVE)) serve = true;
                else if (args[i].equals(RESTARTED) && i + 3 < args.length) {
                    restarted = new Restart(Long.parseLong(args[i + 1]), Integer.parseInt(args[i + 2]),
                            Long.parseLong(args[i + 3]));
                    i += 3;
                } else serve = false;
            }
        } catch (NumberFormatException e) {
            serve = false;
        }
        if (!serve) {
            System.err.println("postfix/local: fatal: usage: PrivilegedMaster -c config_dir --serve"
                    + " [--restarted pid status pause]");
            System.exit(1);
        }
        Path dir = ConfigLoader.directory(dashC);
        try {
            System.exit(serve(dir, restarted));
        } catch (ConfigException | IOException e) {
            System.err.println("postfix/local: fatal: " + e.getMessage());
            System.exit(1);
        }
    }

    /** The argument that tells a restarted process what became of the one before it. */
    static final String RESTARTED = "--restarted";

    /**
     * What the root parent passes to a restarted process: the pid of the one that died, its wait
     * status as the shell reports it (128 + N for signal N), and the pause before this start.
     */
    record Restart(long deadPid, int status, long pauseSeconds) {
        /** Postfix's wording: "exit status 1", or "killed by signal 9". */
        String how() {
            return status > 128 && status < 128 + 65 ? "killed by signal " + (status - 128) : "exit status " + status;
        }
    }

    /** The argument that makes this class the privileged delivery process. */
    static final String SERVE = "--serve";

    /** What the delivery process prints on standard output once its sockets are bound. */
    static final String READY = "ready";

    /**
     * The privileged delivery process: binds private/local, private/secrets and the spawn sockets,
     * says {@value #READY} on standard output, and serves until SIGTERM, until its parent (the
     * root parent, {@code bin/.privileged-parent}) is gone (status 0), or until max_idle without a
     * request ({@link #IDLE_EXIT}). A restarted one ({@code restarted} not
     * null) first writes the root parent's lines about the process before it, and once it serves,
     * that it is back, then triggers the retry of deferred mail.
     */
    private static int serve(Path dir, Restart restarted) throws IOException {
        Config config = ConfigLoader.load(dir).config();
        String ownerName = config.str(Params.MAIL_OWNER);
        PosixAccounts.User owner = PosixAccounts.user(ownerName)
                .orElseThrow(() -> new ConfigException("mail_owner account " + ownerName + " does not exist"));
        MailLog mailLog = mta.config.MaillogFile.open(config);
        // The root parent's own lines, in its name: postfix/master[its pid].
        long parentPid = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(ProcessHandle.current().pid());
        MailLog.Channel parentLog = mailLog.channelOf("master", parentPid);
        if (restarted != null) {
            parentLog.warn("process privileged (pid " + restarted.deadPid() + ") terminated abnormally: " + restarted.how());
            parentLog.warn("privileged: restarting in " + Math.max(1, restarted.pauseSeconds()) + "s");
        }
        Queues queues = new Queues(config.path(Params.QUEUE_DIRECTORY));
        IdleExit idle = new IdleExit(config.time(Params.MAX_IDLE));
        PrivilegedMaster pm = new PrivilegedMaster(dir, queues, mailLog, owner, idle);
        Path socket = socketPath(queues);
        ServerSocketChannel server = PrivilegedSocket.bind(socket, owner);
        // As Postfix's private sockets: 0666 inside the mail_owner-only private/ (SO_PEERCRED decides who is served).
        mta.util.SafeFiles.setMode(socket, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        SecretService secrets = SecretService.start(dir, queues, owner, mailLog.channel("master"), idle);
        // spawn services run commands as other users: their sockets are served here, as root.
        SpawnServices spawn = new SpawnServices(queues, mailLog, owner);
        spawn.update(MasterCf.read(dir.resolve("master.cf")), config, true);
        Thread.ofVirtual().name("spawn-reload").start(() -> pm.followConfiguration(spawn));
        Runnable cleanUp = () -> {
            try {
                server.close();
                Files.deleteIfExists(socket);
                secrets.close();
                spawn.close();
                mailLog.close();
            } catch (IOException | RuntimeException ignored) {
                // exiting anyway
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(cleanUp, "privileged-stop"));
        Thread.ofVirtual().name("private-local")
                .start(() -> PrivilegedSocket.serve(server, "private/local", pm.log, "local-", idle, pm::handle));
        System.out.println(READY);
        System.out.flush();
        if (restarted != null) {
            parentLog.info("privileged process restarted: pid " + ProcessHandle.current().pid());
            TriggerClient.flushAll(queues); // local mail deferred during the outage
        }
        // The root parent gone (killed): nobody would restart or stop this process; it ends too.
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(0)));
        try {
            idle.awaitIdle(() -> !spawn.isEmpty());
            // max_idle without a request: no new connection from here on (the master finds no
            // socket and wakes the root parent, which starts the next process once this one has
            // exited); what was queued before the names went is still accepted and served.
            Files.deleteIfExists(socket);
            secrets.unlink();
            Thread.sleep(DRAIN_MILLIS);
            server.close();
            secrets.close();
            idle.awaitServed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return IDLE_EXIT;
    }

    /** The exit status after max_idle without a request: the root parent starts no new process until woken. */
    static final int IDLE_EXIT = 75;

    /**
     * How long an idle process still accepts after removing its socket names: a connect that found
     * the name just before is queued on the socket and is served, not cut.
     */
    static final long DRAIN_MILLIS = 1000;

    /** The largest delivery request read from private/local (its recipients and attributes). */
    static final long MAX_REQUEST_BYTES = 64L * 1024 * 1024;

    /** {@code in}, failing once more than {@code max} bytes have been read from it. */
    static java.io.InputStream limited(java.io.InputStream in, long max) {
        return new java.io.FilterInputStream(in) {
            private long left = max;

            @Override
            public int read() throws IOException {
                if (left <= 0) throw new IOException("delivery request longer than " + max + " bytes");
                int b = super.read();
                if (b >= 0) left--;
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) throw new IOException("delivery request longer than " + max + " bytes");
                int n = super.read(b, off, (int) Math.min(len, left));
                if (n > 0) left -= n;
                return n;
            }
        };
    }

    /** {@code $queue_directory/private/local}. */
    public static Path socketPath(Queues queues) {
        return queues.root().resolve("private").resolve("local");
    }

    /**
     * Keeps the spawn sockets in step with master.cf: checks the modification times of main.cf and
     * master.cf every second (the master's reload signal does not reach this process).
     */
    private void followConfiguration(SpawnServices spawn) {
        List<FileTime> seen = List.of(mtime(configDir.resolve("main.cf")), mtime(configDir.resolve("master.cf")));
        while (true) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            List<FileTime> now = List.of(mtime(configDir.resolve("main.cf")), mtime(configDir.resolve("master.cf")));
            if (now.equals(seen)) continue;
            seen = now;
            try {
                Config config = ConfigLoader.load(configDir).config();
                spawn.update(MasterCf.read(configDir.resolve("master.cf")), config, false);
                idle.maxIdle(config.time(Params.MAX_IDLE));
            } catch (ConfigException e) {
                log.warn("spawn services unchanged: " + e.getMessage());
            }
        }
    }

    private void handle(SocketChannel ch) {
        try (ch) {
            PrivilegedSocket.Peer peer = PrivilegedSocket.peer(ch, owner, "private/local", log);
            if (peer == null) return;
            boolean peerIsRoot = peer == PrivilegedSocket.Peer.ROOT;
            // The peer is the unprivileged side: what root reads from it is bounded.
            BufferedReader in = new BufferedReader(new InputStreamReader(
                    limited(Channels.newInputStream(ch), MAX_REQUEST_BYTES), StandardCharsets.UTF_8));
            in.mark(1);
            if (in.read() < 0) return; // the master's liveness probe (PrivilegedWatch): nothing to do, and no activity
            in.reset();
            idle.request();
            BufferedWriter out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(ch), StandardCharsets.UTF_8));
            DeliveryRequest req = DeliveryProtocol.readRequest(in);
            DeliveryProtocol.writeStatuses(out, deliver(req, peerIsRoot, DeliveryProtocol.passBack(in, out)));
            idle.request(); // max_idle counts from the end of the last delivery
        } catch (IOException e) {
            log.warn("private/local: " + e.getMessage());
        } catch (RuntimeException e) {
            log.warn("private/local: unexpected error: " + e);
        }
    }

    private List<DeliveryStatus> deliver(DeliveryRequest req, boolean peerIsRoot, DeliveryPass pass) {
        String problem = checkQueueFile(req, peerIsRoot);
        if (problem != null) {
            log.warn(req.queueId() + ": request refused: " + problem);
            return deferAll(req, Dsn.TEMPORARY_SYSTEM_ERROR, "request refused by the privileged delivery process: " + problem);
        }
        DeliveryAgent agent;
        try {
            agent = agent(req.transport());
        } catch (ConfigException | IOException e) {
            log.warn("cannot read the configuration: " + e.getMessage());
            return deferAll(req, Dsn.SYSTEM_MISCONFIGURED.temporary(), "mail system configuration error: " + e.getMessage());
        }
        if (agent == null) {
            return deferAll(req, Dsn.SYSTEM_MISCONFIGURED.temporary(), "mail system configuration error: no local, virtual or pipe service \""
                    + req.transport() + "\" in master.cf");
        }
        try {
            return agent.deliver(req, pass);
        } catch (Exception e) {
            log.warn(req.queueId() + ": " + agent.name() + " delivery failed: " + e);
            return deferAll(req, Dsn.TEMPORARY_SYSTEM_ERROR, "unknown mail transport error");
        }
    }

    /**
     * The queue file must be {@code active/ID}, a regular file (not a link) owned by mail_owner:
     * root reads it, so the unprivileged side must not be able to name another file.
     */
    private String checkQueueFile(DeliveryRequest req, boolean peerIsRoot) {
        if (!QueueId.isValid(req.queueId())) return "bad queue id";
        Path expected = queues.file(QueueName.ACTIVE, req.queueId()).toAbsolutePath().normalize();
        if (!req.queueFile().toAbsolutePath().normalize().equals(expected)) return "queue file not in the active queue";
        try {
            if (!Files.isRegularFile(expected, LinkOption.NOFOLLOW_LINKS)) return "queue file is not a regular file";
            int uid = (Integer) Files.getAttribute(expected, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int links = (Integer) Files.getAttribute(expected, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
            if (!(uid == owner.uid() || (peerIsRoot && uid == 0))) return "queue file not owned by " + owner.name();
            if (links != 1) return "queue file has " + links + " links";
        } catch (IOException e) {
            return "cannot check the queue file: " + e.getMessage();
        }
        return null;
    }

    /** The agent for a master.cf service, built again when main.cf or master.cf has changed. */
    private DeliveryAgent agent(String service) throws IOException {
        synchronized (agentsLock) {
            List<FileTime> stamp = List.of(mtime(configDir.resolve("main.cf")), mtime(configDir.resolve("master.cf")));
            if (!stamp.equals(agentsStamp)) {
                Config config = ConfigLoader.load(configDir).config();
                MasterCf masterCf = MasterCf.read(configDir.resolve("master.cf"));
                CleanupServices cleanups = new CleanupServices();
                cleanups.set(CleanupServices.build(config, masterCf, queues, mailLog,
                        (Trigger) c -> TriggerClient.send(queues, "qmgr", c), IncomingHandoff.NONE));
                Map<String, DeliveryAgent> built = new HashMap<>();
                for (MasterCf.Service s : masterCf.services()) {
                    if (!s.type().equals("unix")) continue;
                    Config sc = Services.serviceConfig(config, s);
                    DeliveryAgent a = Services.privileged(s, sc, cleanups.forService(sc),
                            mailLog.channel(sc.str(Params.SYSLOG_NAME), s.command()));
                    if (a != null) built.put(s.name(), a);
                }
                agents = built;
                agentsStamp = stamp;
            }
            return agents.get(service);
        }
    }

    private static FileTime mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static List<DeliveryStatus> deferAll(DeliveryRequest req, Dsn dsn, String reason) {
        List<DeliveryStatus> out = new ArrayList<>();
        for (Recipient r : req.recipients()) {
            out.add(DeliveryStatus.deferred(r, dsn, "local", reason).at(DeliveryStatus.Stage.DELIVERY));
        }
        return out;
    }
}
