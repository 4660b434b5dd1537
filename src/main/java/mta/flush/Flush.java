package mta.flush;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import mta.config.Config;
import mta.config.Params;
import mta.lookup.TableException;
import mta.mail.DomainSyntax;
import mta.queue.FlushClient.Status;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.queue.Trigger;
import mta.rewrite.DomainList;
import mta.util.MailLog;

/**
 * Flush - Postfix's fast flush service: a list of deferred mail per destination, for ETRN and {@code postqueue -s}.
 *
 * <p>Reads {@code fast_flush_domains} (default {@code $relay_domains}, subdomains included when
 * {@code parent_domain_matches_subdomains} lists it), {@code fast_flush_refresh_time} and
 * {@code fast_flush_purge_time}. Writes {@code $queue_directory/flush/<site>} (mode 0600; the site
 * in lower case, each character other than a letter, digit or {@code -} written as {@code _}),
 * one queue ID per line, and touches deferred queue files:
 * <ul>
 * <li>{@link #add}: the queue manager deferred mail for a recipient at {@code site}: the ID is
 *     appended to the site's log, when the site is eligible (else DENY).</li>
 * <li>{@link #sendSite}: ETRN, {@code postqueue -s}, {@code sendmail -qR}: every message listed
 *     for the site that is still in deferred/ is made due now, the log is emptied, and the queue
 *     manager is asked to revive dead destinations and scan the deferred queue. BAD for a site that is no domain or address
 *     literal, DENY for one that is not eligible, FAIL when the log cannot be read.</li>
 * <li>{@link #refresh}: a log with mail that has waited {@code fast_flush_refresh_time} is flushed;
 *     an empty log unchanged for {@code fast_flush_purge_time} is removed (Postfix's flush(8) bug
 *     note applies: a log lists mail that was deferred, not mail that is still queued).</li>
 * </ul>
 * One lock serialises the log changes; they take microseconds.
 */
public final class Flush {
    private final Queues queues;
    private final Trigger qmgr;
    private final MailLog.Channel log;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Settings settings;

    private record Settings(DomainList domains, Duration refreshTime, Duration purgeTime) {
        static Settings from(Config c) {
            return new Settings(new DomainList(Params.FAST_FLUSH_DOMAINS.name(), c.list(Params.FAST_FLUSH_DOMAINS),
                    c.parentMatchesSubdomains(Params.FAST_FLUSH_DOMAINS)),
                    c.time(Params.FAST_FLUSH_REFRESH_TIME), c.time(Params.FAST_FLUSH_PURGE_TIME));
        }
    }

    public Flush(Config config, Queues queues, Trigger qmgr, MailLog mailLog) {
        this.queues = queues;
        this.qmgr = qmgr;
        this.log = mailLog.channel("flush");
        this.settings = Settings.from(config);
    }

    /** postfix reload: the new fast_flush_domains and times. */
    public void reconfigure(Config config) {
        this.settings = Settings.from(config);
    }

    /** Records that message {@code queueId} has mail deferred for a recipient at {@code site}. */
    public Status add(String site, String queueId) {
        String s = site.toLowerCase(Locale.ROOT);
        Status eligible = eligible(s);
        if (eligible != Status.OK) return eligible;
        lock.lock();
        try {
            Path f = logFile(s);
            if (!Files.exists(f)) Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(f, queueId + "\n", StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
            return Status.OK;
        } catch (IOException e) {
            log.warn("cannot update fast flush log for " + s + ": " + e.getMessage());
            return Status.FAIL;
        } finally {
            lock.unlock();
        }
    }

    /** Makes the deferred mail listed for {@code site} due now and wakes the queue manager. */
    public Status sendSite(String site) {
        String s = site.toLowerCase(Locale.ROOT);
        if (!DomainSyntax.isValid(s)) return Status.BAD;
        Status eligible = eligible(s);
        if (eligible != Status.OK) return eligible;
        try {
            flushLog(logFile(s));
        } catch (IOException e) {
            log.warn("cannot flush the mail of " + s + ": " + e.getMessage());
            return Status.FAIL;
        }
        qmgr.trigger(Trigger.FLUSH); // dead destinations are tried again at once, as after postqueue -f
        qmgr.trigger(Trigger.SCAN_DEFERRED);
        return Status.OK;
    }

    /** The periodic clean-up (master.cf's flush wakeup): old logs with mail are flushed, old empty ones removed. */
    public void refresh() {
        Settings st = settings;
        Instant now = Instant.now();
        boolean flushed = false;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(queues.root().resolve("flush"))) {
            for (Path f : dir) {
                if (!Files.isRegularFile(f)) continue;
                Instant changed = Files.getLastModifiedTime(f).toInstant();
                if (Files.size(f) > 0 && changed.plus(st.refreshTime()).isBefore(now)) {
                    flushLog(f);
                    flushed = true;
                } else if (Files.size(f) == 0 && changed.plus(st.purgeTime()).isBefore(now)) {
                    lock.lock();
                    try {
                        if (Files.size(f) == 0) Files.deleteIfExists(f);
                    } finally {
                        lock.unlock();
                    }
                }
            }
        } catch (IOException e) {
            log.warn("fast flush refresh: " + e.getMessage());
        }
        if (flushed) qmgr.trigger(Trigger.SCAN_DEFERRED);
    }

    private Status eligible(String site) {
        try {
            return settings.domains().contains(site) ? Status.OK : Status.DENY;
        } catch (TableException e) {
            log.warn("fast_flush_domains: " + e.getMessage());
            return Status.FAIL;
        }
    }

    /** Reads and empties one log; each listed message still deferred becomes due now. */
    private void flushLog(Path f) throws IOException {
        Set<String> ids = new LinkedHashSet<>();
        lock.lock();
        try {
            for (String line : Files.readAllLines(f, StandardCharsets.US_ASCII)) {
                if (!line.isBlank()) ids.add(line.strip());
            }
            Files.write(f, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
        } catch (NoSuchFileException e) {
            return; // nothing was ever deferred for this site
        } finally {
            lock.unlock();
        }
        FileTime now = FileTime.from(Instant.now());
        for (String id : ids) {
            if (!id.chars().allMatch(Character::isLetterOrDigit) || id.length() > 40) continue; // only IDs become paths
            try {
                Files.setLastModifiedTime(queues.file(QueueName.DEFERRED, id), now);
            } catch (NoSuchFileException gone) {
                // delivered, bounced or being delivered: nothing to do
            }
        }
    }

    /** The log of a site: {@code flush/example_com}. */
    private Path logFile(String site) {
        StringBuilder sb = new StringBuilder(site.length());
        for (char c : site.toCharArray()) {
            sb.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ? c : '_');
        }
        return queues.root().resolve("flush").resolve(sb.toString());
    }
}
