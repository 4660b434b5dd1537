package mta.pickup;

import java.io.IOException;
import java.nio.channels.FileChannel;
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
import mta.mail.MailAttributes;
import mta.queue.QueueFile;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.queue.Trigger;
import mta.util.MailLog;
import mta.util.PosixAccounts;
import mta.util.SafeOpen;
import mta.util.ServiceLoops;

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
 * goes along. Logs {@code QID: uid=N from=<sender>}, N being the file's owner (see {@link #poster}).
 * A maildrop file is never trusted: see {@link #pickup(String)}; every length in it is checked
 * against its size before anything is allocated ({@link QueueFile}).
 */
public final class Pickup implements Trigger {
    /** The message's RFC 3461 RET and ENVID (sendmail -R, -V), passed on as they are. */
    private static final String[] DSN_ATTRIBUTES = {MailAttributes.DSN_RET, MailAttributes.DSN_ENVID};
    /** How soon a file that was being committed is looked at again. */
    private static final long RETRY_MILLIS = 50;
    private final Queues queues;
    private final CleanupService cleanup;
    private final MailLog.Channel log;
    private final long wakeupMillis;
    private final LinkedBlockingQueue<Character> requests = new LinkedBlockingQueue<>();
    private volatile boolean running;
    private WatchService watcher;
    /** The user this process runs as: its files in maildrop were written for someone else. */
    private final int ownUid = PosixAccounts.processIds()[0];

    public Pickup(Queues queues, CleanupService cleanup, MailLog mailLog, int wakeupSeconds) {
        this.queues = queues;
        this.cleanup = cleanup;
        this.log = mailLog.channel("pickup");
        this.wakeupMillis = wakeupSeconds > 0 ? wakeupSeconds * 1000L : 60_000L;
    }

    /** Starts the scan loop and the maildrop watch as {@code loops} starts threads (the master supervises them). */
    public void start(ServiceLoops loops) {
        running = true;
        loops.start("pickup", this::run);
        watchMaildrop(loops);
        trigger(WAKEUP);
    }

    public void start() {
        start(ServiceLoops.PLAIN);
    }

    /** Wakes pickup whenever a name appears in maildrop/ (a finished file is renamed into place). */
    private void watchMaildrop(ServiceLoops loops) {
        try {
            watcher = FileSystems.getDefault().newWatchService();
            queues.dir(QueueName.MAILDROP).register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("cannot watch maildrop, relying on public/pickup and the wakeup timer: " + e.getMessage());
            return;
        }
        loops.start("pickup-watch", () -> {
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

    /** The scan loop: a failure in one scan is logged and the next scan comes as usual. */
    public void run() {
        while (running) {
            try {
                requests.poll(wakeupMillis, TimeUnit.MILLISECONDS);
                requests.clear();
                if (!running) return;
                for (String id : queues.list(QueueName.MAILDROP)) {
                    if (!running) return;
                    pickup(id);
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                log.warn("maildrop scan: " + e);
            }
        }
    }

    /**
     * Picks up one maildrop file. Never follows a link and never blocks: the name is looked at
     * with lstat first (a FIFO, a symbolic link or a directory stays where it is, with Postfix's
     * warning {@code maildrop/ID: uid N: not a regular file}), then opened without following links
     * and without blocking ({@link SafeOpen#read}); a file with more than one name is removed
     * unread ({@code file has 2 links}): it may be a link to someone else's file. A failure in one
     * file never stops pickup: a file it cannot parse goes to {@code corrupt/}.
     */
    private void pickup(String id) {
        Path file = queues.file(QueueName.MAILDROP, id);
        String name = "maildrop/" + id;
        SafeOpen.Attrs entry;
        try {
            entry = SafeOpen.attrs(file, false);
        } catch (IOException e) {
            return; // gone meanwhile
        }
        if (!entry.regular()) {
            log.warn(name + ": uid " + entry.uid() + ": not a regular file");
            return;
        }
        if (entry.nlink() > 1) {
            refuseLinked(file, name, entry);
            return;
        }
        try (SafeOpen.Opened opened = SafeOpen.read(file, false)) {
            if (opened.attrs().nlink() > 1) {
                refuseLinked(file, name, opened.attrs());
                return;
            }
            if (!opened.attrs().sameFileAs(entry)) return; // replaced since the look: next scan
            pickup(id, file, name, opened);
        } catch (QueueFile.Corrupt e) {
            log.warn(e.getMessage());
            corrupt(id, name, "unreadable");
        } catch (SafeOpen.Refused e) {
            log.warn(name + ": uid " + entry.uid() + ": " + e.getMessage());
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
        } catch (RuntimeException | Error e) {
            // A bug or an exhausted resource: this one file must not stop pickup, nor come back forever.
            log.warn(name + ": cannot pick up: " + e);
            corrupt(id, name, "cannot be picked up");
        }
    }

    private void pickup(String id, Path file, String name, SafeOpen.Opened opened) throws IOException, CleanupException {
        FileChannel ch = opened.channel();
        QueueFile.Envelope env = QueueFile.readEnvelope(ch, name);
        boolean extract = "yes".equals(env.attribute(MailAttributes.EXTRACT_RECIPIENTS));
        try (CleanupService.Transaction t = cleanup.open(extract ? CleanupService.Source.PICKUP_EXTRACT
                : CleanupService.Source.PICKUP)) {
            log.info(t.queueId() + ": uid=" + poster(opened.attrs().uid(), env) + " from=<" + env.sender() + ">");
            t.arrivalTime(env.arrivalMillis());
            t.sender(Address.parse(env.sender()), env.fullName());
            t.attribute(MailAttributes.REWRITE_CONTEXT, "local");
            for (String dsn : DSN_ATTRIBUTES) {
                if (env.attribute(dsn) != null) t.attribute(dsn, env.attribute(dsn));
            }
            // Recipients already done (a message requeued by postsuper -r) are not delivered again.
            for (QueueFile.Recipient r : env.pending()) {
                t.recipient(Address.parse(r.address()), r.address(), r.dsnNotify(), r.dsnOrcpt());
            }
            QueueFile.forEachLine(ch, name, env.contentOffset(), t::line);
            t.commit();
        }
        Files.deleteIfExists(file);
    }

    /**
     * Who posted the file: its owner. Only a file of the mail system's own users (root, the user
     * pickup runs as, the owner of maildrop/, i.e. mail_owner) may name another poster: the
     * master's postdrop service and sendmail run by root write files for others, with the
     * poster's uid in a {@code uid} attribute. No one else can make a file such a user owns.
     */
    private String poster(int owner, QueueFile.Envelope env) {
        String recorded = env.attribute(MailAttributes.UID);
        boolean trusted = owner == 0 || owner == ownUid || owner == maildropOwner();
        if (trusted && recorded != null && recorded.matches("\\d{1,10}")) return recorded;
        return Integer.toString(owner);
    }

    private int maildropOwner() {
        try {
            return SafeOpen.attrs(queues.dir(QueueName.MAILDROP), true).uid();
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * A maildrop name with more than one link may be someone else's file: removed, never read.
     * One exception: a file that a writer is committing has two names for a moment (its
     * temporary {@code .t} name and its queue ID, see {@link mta.util.SafeFiles#renameNoReplace});
     * it is left alone and looked at again shortly.
     */
    private void refuseLinked(Path file, String name, SafeOpen.Attrs a) {
        if (a.nlink() == 2 && beingCommitted(a)) {
            Thread.ofVirtual().name("pickup-retry").start(() -> {
                try {
                    Thread.sleep(RETRY_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                trigger(WAKEUP);
            });
            return;
        }
        try {
            // Looked at after the search for a temporary name: a commit that ended meanwhile has one link now.
            if (SafeOpen.attrs(file, false).nlink() < 2) {
                trigger(WAKEUP);
                return;
            }
        } catch (IOException gone) {
            return;
        }
        log.warn(name + ": uid " + a.uid() + ": file has " + a.nlink() + " links");
        log.warn("open input file " + name + ": file has " + a.nlink() + " hard links");
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn(name + ": cannot remove: " + e.getMessage());
        }
    }

    /** Whether the other name of this file is a writer's temporary name in maildrop/. */
    private boolean beingCommitted(SafeOpen.Attrs a) {
        try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(queues.dir(QueueName.MAILDROP), ".t*")) {
            for (Path p : ds) {
                try {
                    if (SafeOpen.attrs(p, false).sameFileAs(a)) return true;
                } catch (IOException gone) {
                    // committed meanwhile
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private void corrupt(String id, String name, String why) {
        log.warn(name + ": " + why + "; moved to queue \"corrupt\"");
        try {
            queues.move(id, QueueName.MAILDROP, QueueName.CORRUPT);
        } catch (IOException | RuntimeException ignored) {
            // it stays in maildrop and is tried again
        }
    }

    public void stop() {
        running = false;
        trigger(WAKEUP);
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException ignored) {
                // the JVM is going away or the service is being replaced
            }
        }
    }
}
