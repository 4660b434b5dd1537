package mta.pickup;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import mta.cleanup.CleanupException;
import mta.cleanup.CleanupService;
import mta.mail.Address;
import mta.queue.QueueFile;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.queue.Trigger;
import mta.util.MailLog;

/**
 * Pickup - feeds mail that sendmail left in {@code maildrop/} to cleanup.
 *
 * <p>Reads {@code maildrop/<ID>} files (written by {@code sendmail} through postdrop) when a file
 * arrives there (the directory is watched through the kernel's file notification, {@link
 * java.nio.file.WatchService}), when woken through {@code public/pickup}, and every {@code wakeup}
 * seconds of its master.cf entry. Watching spares each {@code sendmail} call the connection to
 * {@code public/pickup}, which costs a short-lived JVM more than the rest of its work. Each file
 * becomes a new message in {@code incoming/} with the posting time kept; the maildrop file is
 * removed only after cleanup has committed the new one. The DSN request that sendmail -N, -R, -V
 * stored (each recipient's {@code n} record, the {@code dsn_ret} and {@code dsn_envid} attributes)
 * goes along. Logs {@code QID: uid=N from=<sender>}.
 */
public final class Pickup implements Trigger {
    /** The message's RFC 3461 RET and ENVID (sendmail -R, -V), passed on as they are. */
    private static final String[] DSN_ATTRIBUTES = {"dsn_ret", "dsn_envid"};
    private final Queues queues;
    private final CleanupService cleanup;
    private final MailLog.Channel log;
    private final long wakeupMillis;
    private final LinkedBlockingQueue<Character> requests = new LinkedBlockingQueue<>();
    private volatile boolean running;
    private Thread thread;
    private WatchService watcher;

    public Pickup(Queues queues, CleanupService cleanup, MailLog mailLog, int wakeupSeconds) {
        this.queues = queues;
        this.cleanup = cleanup;
        this.log = mailLog.channel("pickup");
        this.wakeupMillis = wakeupSeconds > 0 ? wakeupSeconds * 1000L : 60_000L;
    }

    public void start() {
        running = true;
        thread = Thread.ofVirtual().name("pickup").start(this::run);
        watchMaildrop();
        trigger(WAKEUP);
    }

    /** Wakes pickup whenever a name appears in maildrop/ (a finished file is renamed into place). */
    private void watchMaildrop() {
        try {
            watcher = FileSystems.getDefault().newWatchService();
            queues.dir(QueueName.MAILDROP).register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("cannot watch maildrop, relying on public/pickup and the wakeup timer: " + e.getMessage());
            return;
        }
        Thread.ofVirtual().name("pickup-watch").start(() -> {
            try {
                while (running) {
                    WatchKey key = watcher.take();
                    key.pollEvents();
                    trigger(WAKEUP);
                    if (!key.reset()) return;
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                // stopping
            }
        });
    }

    @Override
    public void trigger(char request) {
        requests.offer(request);
    }

    private void run() {
        while (running) {
            try {
                requests.poll(wakeupMillis, TimeUnit.MILLISECONDS);
                requests.clear();
                if (!running) return;
                for (String id : queues.list(QueueName.MAILDROP)) pickup(id);
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                log.warn("maildrop scan: " + e);
            }
        }
    }

    private void pickup(String id) {
        Path file = queues.file(QueueName.MAILDROP, id);
        try {
            QueueFile.Envelope env = QueueFile.readEnvelope(file);
            boolean extract = "yes".equals(env.attribute("extract_recipients"));
            try (CleanupService.Transaction t = cleanup.open(extract ? CleanupService.Source.PICKUP_EXTRACT
                    : CleanupService.Source.PICKUP)) {
                log.info(t.queueId() + ": uid=" + env.attributes().getOrDefault("uid", "0")
                        + " from=<" + env.sender() + ">");
                t.arrivalTime(env.arrivalMillis());
                t.sender(Address.parse(env.sender()), env.fullName());
                t.attribute("rewrite_context", "local");
                for (String dsn : DSN_ATTRIBUTES) {
                    if (env.attribute(dsn) != null) t.attribute(dsn, env.attribute(dsn));
                }
                // Recipients already done (a message requeued by postsuper -r) are not delivered again.
                for (QueueFile.Recipient r : env.pending()) {
                    t.recipient(Address.parse(r.address()), r.address(), r.dsnNotify(), r.dsnOrcpt());
                }
                QueueFile.forEachLine(file, env.contentOffset(), t::line);
                t.commit();
            }
            Files.deleteIfExists(file);
        } catch (QueueFile.Corrupt e) {
            log.warn("maildrop file " + id + " is corrupt; moved to corrupt: " + e.getMessage());
            try {
                queues.move(id, QueueName.MAILDROP, QueueName.CORRUPT);
            } catch (IOException ignored) {
                // it stays in maildrop and is tried again
            }
        } catch (CleanupException e) {
            if (!e.reply().isPositive() && e.reply().code() < 500) {
                // a table that failed, a full file system: the file stays and is tried again
                log.warn(id + ": cannot pick up: " + e.reply() + "; will try again");
                return;
            }
            log.warn(id + ": message rejected by cleanup: " + e.reply() + "; removed");
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // tried again next time
            }
        } catch (IOException e) {
            log.warn(id + ": cannot pick up: " + e.getMessage());
        }
    }

    public void stop() {
        running = false;
        if (thread != null) thread.interrupt();
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException ignored) {
                // the JVM is going away or the service is being replaced
            }
        }
    }
}
