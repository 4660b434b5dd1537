package mta.qmgr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mta.bounce.Bounce;
import mta.config.Config;
import mta.deliver.DeliveryAgent;
import mta.flush.Flush;
import mta.queue.IncomingHandoff;
import mta.queue.QueueFile;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.queue.Trigger;
import mta.queue.VerifyClient;
import mta.util.MailLog;
import mta.util.ServiceLoops;

/**
 * Qmgr - the queue manager: moves mail into the active queue and hands it to delivery agents.
 *
 * <p>Takes each message that cleanup commits in this process from cleanup's hand-off: room made
 * in the active queue before the commit ({@link #reserve}), so that cleanup commits the file
 * straight into {@code active/ID}, then the queue ID and the envelope as written ({@link #handOff},
 * with the content records of a small message, up to {@link #CONTENT_IN_MEMORY} at once): no
 * rename, listing or reading back. Reads {@code incoming/} whenever it is woken ({@link #trigger}:
 * mail from other processes, a message cleanup found no room for) and at every deferred scan; the
 * scan never sees a file committed to {@code active/}, so the two never both take a message.
 * Reads {@code deferred/} every {@code queue_run_delay}, taking files whose modification time (their next retry time) has come.
 * Renames each into {@code active/} and starts a {@link QmgrMessage} for it on a virtual thread,
 * up to {@code qmgr_message_active_limit} at once. At start-up, files left in {@code active/} by a
 * crash go back to {@code incoming/}: they are delivered again, never lost. A flush request
 * ({@link Trigger#FLUSH}, from postqueue -f, sendmail -q, postfix flush) revives every dead
 * destination before the scan, as Postfix's qmgr does. Address verification probes
 * ({@code trace_flags}) are routed and attempted like mail; their results go to the verify
 * service ({@link QmgrProbe}).
 */
public final class Qmgr implements Trigger, IncomingHandoff {
    final Queues queues;
    /** The fast flush service: told of each destination a message has deferred mail for (ETRN). */
    final Flush flush;
    final MailLog.Channel log;
    /** Deferrals of a dead destination are logged as by Postfix's retry transport: postfix/error. */
    final MailLog.Channel retryLog;
    /** The address verification service that probe results go to; null when master.cf has none. */
    final VerifyClient verify;
    private volatile QmgrSettings settings;

    private final LinkedBlockingQueue<Character> requests = new LinkedBlockingQueue<>();
    private final Set<String> active = ConcurrentHashMap.newKeySet();
    /**
     * At most this many bytes of handed-over content records are held in memory at once (some
     * 5,000 small messages): beyond it, as while a destination is slow and messages wait in the
     * active queue, a delivery reads the content from the queue file, as for every other message.
     */
    static final long CONTENT_IN_MEMORY = 8L << 20;
    /** Bytes of content records held now by handed-over messages. */
    private final AtomicLong contentInMemory = new AtomicLong();
    private final Map<String, QmgrDestination> destinations = new ConcurrentHashMap<>();
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("qmgr-", 1).factory());
    private volatile boolean running;
    private Thread loop;

    /**
     * @param transports delivery agents by master.cf transport name ("local", "smtp", "relay")
     */
    public Qmgr(Config config, Queues queues, MailLog mailLog, Map<String, Transport> transports, Bounce bounce,
                Flush flush) {
        this(config, queues, mailLog, transports, bounce, flush, null);
    }

    /** The same, telling {@code verify} what address verification probes found. */
    public Qmgr(Config config, Queues queues, MailLog mailLog, Map<String, Transport> transports, Bounce bounce,
                Flush flush, VerifyClient verify) {
        this.queues = queues;
        this.verify = verify;
        this.flush = flush;
        this.log = mailLog.channel("qmgr");
        this.retryLog = mailLog.channel("error");
        this.settings = QmgrSettings.from(config, transports, bounce);
    }

    /** A master.cf transport: its agent and the log channel its delivery lines go to. */
    public record Transport(DeliveryAgent agent, MailLog.Channel log) {}

    /** postfix reload: new parameters and transports for messages taken from now on. */
    public void reconfigure(Config config, Map<String, Transport> transports, Bounce bounce) {
        this.settings = QmgrSettings.from(config, transports, bounce);
        trigger(Trigger.SCAN_INCOMING);
    }

    QmgrSettings settings() {
        return settings;
    }

    /** Recovers the active queue and starts the scan loop. */
    public void start() throws IOException {
        start(ServiceLoops.PLAIN);
    }

    /** As {@link #start()}, the scan loop started by {@code loops} (the master's supervisor). */
    public void start(ServiceLoops loops) throws IOException {
        for (String id : queues.list(QueueName.ACTIVE)) {
            if (queues.move(id, QueueName.ACTIVE, QueueName.INCOMING)) {
                log.info(id + ": requeued from active after restart");
            }
        }
        running = true;
        loop = loops.start(Thread.ofPlatform(), "qmgr", this::run);
        trigger(Trigger.SCAN_INCOMING);
        trigger(Trigger.SCAN_DEFERRED);
    }

    @Override
    public void trigger(char request) {
        requests.offer(request);
    }

    private void run() {
        Instant nextDeferredScan = Instant.now();
        while (running) {
            try {
                long wait = Math.max(0, Duration.between(Instant.now(), nextDeferredScan).toMillis());
                Character req = requests.poll(wait, TimeUnit.MILLISECONDS);
                if (!running) return;
                boolean all = false;
                boolean deferred = Instant.now().isAfter(nextDeferredScan) || req == null;
                Set<Character> batch = new HashSet<>();
                if (req != null) batch.add(req);
                Character more;
                while ((more = requests.poll()) != null) batch.add(more);
                if (batch.contains(Trigger.FLUSH)) {
                    // postqueue -f and friends: dead destinations are tried again at once
                    for (QmgrDestination d : destinations.values()) d.flush();
                }
                if (batch.contains(Trigger.SCAN_ALL)) {
                    all = true;
                    deferred = true;
                }
                if (batch.contains(Trigger.FLUSH)) deferred = true;
                if (batch.contains(Trigger.SCAN_DEFERRED)) deferred = true;
                scan(QueueName.INCOMING, false);
                if (deferred) {
                    scan(QueueName.DEFERRED, all);
                    nextDeferredScan = Instant.now().plus(settings.queueRunDelay());
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                log.warn("queue scan: " + e);
            }
        }
    }

    /**
     * Room in the active queue for a message cleanup is about to commit straight into
     * {@code active/}: refused while the queue manager is not running or the active queue is full
     * ({@code qmgr_message_active_limit}); the message then goes to incoming/ for the scan.
     */
    @Override
    public boolean reserve(String id) {
        if (!running || active.size() >= settings.activeLimit()) return false;
        return active.add(id);
    }

    @Override
    public void release(String id) {
        active.remove(id);
    }

    /**
     * Cleanup's hand-off of a message it has just committed to {@code active/} after
     * {@link #reserve}: the message starts on a virtual thread of its own. False when the queue
     * manager is stopping: the room is given back, and cleanup moves the file back to incoming/.
     */
    @Override
    public boolean handOff(String id, QueueFile.Envelope envelope) {
        long held = envelope == null ? 0 : holdContent(envelope);
        QueueFile.Envelope env = held > 0 || envelope == null ? envelope : envelope.withoutContentRecords();
        try {
            workers.execute(() -> {
                try {
                    new QmgrMessage(this, id, false, env).run();
                } finally {
                    finished(id, held);
                }
            });
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            finished(id, held);
            return false;
        }
    }

    /** A handed-off message is done with (or was never started): its room and its content's memory given back. */
    private void finished(String id, long held) {
        active.remove(id);
        contentInMemory.addAndGet(-held);
    }

    /**
     * Counts the envelope's content records against {@link #CONTENT_IN_MEMORY}: their size, or 0
     * when it has none or they do not fit (its delivery then reads the file).
     */
    private long holdContent(QueueFile.Envelope envelope) {
        byte[] content = envelope.contentRecords();
        if (content == null) return 0;
        if (contentInMemory.addAndGet(content.length) <= CONTENT_IN_MEMORY) return content.length;
        contentInMemory.addAndGet(-content.length);
        return 0;
    }

    private void scan(QueueName queue, boolean ignoreRetryTime) throws IOException {
        List<String> ids = queues.list(queue);
        long now = System.currentTimeMillis();
        for (String id : ids) {
            if (active.size() >= settings.activeLimit()) return;
            if (active.contains(id)) continue;
            if (queue == QueueName.DEFERRED && !ignoreRetryTime) {
                try {
                    if (Files.getLastModifiedTime(queues.file(queue, id)).toMillis() > now) continue;
                } catch (IOException e) {
                    continue; // gone meanwhile
                }
            }
            if (!queues.move(id, queue, QueueName.ACTIVE)) continue;
            active.add(id);
            workers.execute(() -> {
                try {
                    new QmgrMessage(this, id, queue == QueueName.DEFERRED, null).run();
                } finally {
                    active.remove(id);
                }
            });
        }
    }

    /**
     * Reads the per-transport limits of these transports ({@code TRANSPORT_destination_recipient_limit},
     * ...), for the start-up check.
     *
     * @throws mta.config.ConfigException for a bad value
     */
    public static void checkLimits(Config config, java.util.Collection<String> transports) {
        for (String t : transports) QmgrTransportLimits.of(config, t);
    }

    /** The concurrency window of one destination (transport:nexthop). */
    QmgrDestination destination(String key) {
        return destinations.computeIfAbsent(key, k -> new QmgrDestination());
    }

    /** Runs a delivery attempt on its own virtual thread. */
    java.util.concurrent.Future<?> attempt(Runnable r) {
        return workers.submit(r);
    }

    /** Sets a deferred file's retry time (its modification time). */
    static void setRetryTime(Path file, Instant when) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(when));
    }

    /** Stops scanning and waits up to {@code graceMillis} for running deliveries. */
    public void stop(long graceMillis) {
        running = false;
        requests.offer('W');
        if (loop != null) loop.interrupt();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) workers.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
