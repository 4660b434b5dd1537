package mta.verify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import mta.cleanup.CleanupException;
import mta.cleanup.CleanupService;
import mta.config.Config;
import mta.lookup.CacheTable;
import mta.lookup.TableException;
import mta.mail.Address;
import mta.mail.MailAttributes;
import mta.queue.TraceFlags;
import mta.queue.VerifyClient;
import mta.util.MailLog;

/**
 * Verify - the address verification service (Postfix's verify(8)): the result cache and the probes.
 *
 * <p>Reads and writes {@code address_verify_map} ({@link CacheTable}: by default the MVStore file
 * {@code $data_directory/verify_cache.db}), one {@link VerifyEntry} per address, keyed in lower
 * case. Writes probe messages through cleanup: sender {@code address_verify_sender}, the address
 * as the one recipient, no content, and {@code trace_flags=256} ({@link TraceFlags#VERIFY}), so
 * that the queue manager and the agents only find out and deliver nothing. Logs, as
 * {@code postfix/verify}, only its problems and each cache cleanup run.
 *
 * <p>{@link #query}: an address with no entry, a broken one, or an expired one (with no probe in
 * flight) is {@code TODO, "Address verification in progress"}; a probe is sent when none is in
 * flight (one is taken as lost after 1000 seconds) and the entry is due for a refresh
 * ({@code address_verify_positive_refresh_time} for a deliverable address,
 * {@code _negative_refresh_time} for others; an unknown address at once). The answer is the entry
 * as it was before that probe: a deliverable address stays deliverable while it is refreshed.
 * {@link #update}: the queue manager's report of a probe; a failed probe never replaces a
 * deliverable result that has not expired, and with {@code address_verify_negative_cache = no}
 * failures are not kept at all. {@link #awaitUpdate} lets smtpd's poll loop return as soon as the
 * answer is in. Every {@code address_verify_cache_cleanup_interval} a background thread removes
 * the expired entries and logs {@code cache btree:/x full cleanup: retained=N dropped=M entries}.
 * One lock guards each read-and-write of the cache; probes are submitted outside it.
 */
public final class Verify implements VerifyClient, AutoCloseable {
    private final MailLog.Channel log;
    private final CleanupService cleanup;
    private final LongSupplier clock;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the settings change or the service closes: the cleanup thread looks again. */
    private final Condition wake = lock.newCondition();
    /** smtpd sessions waiting for news of an address. */
    private final Map<String, CountDownLatch> waiters = new ConcurrentHashMap<>();
    private volatile VerifySettings settings;
    private CacheTable cache;
    private boolean closed;
    private final Thread cleaner;

    /**
     * @param cleanup where probes go (the master's cleanup service)
     * @throws mta.config.ConfigException for a bad address_verify_sender
     */
    public Verify(Config config, CleanupService cleanup, MailLog mailLog) {
        this(config, cleanup, mailLog, () -> System.currentTimeMillis() / 1000);
    }

    /** The same, with the clock (seconds since the epoch) that ages the entries: tests move it. */
    Verify(Config config, CleanupService cleanup, MailLog mailLog, LongSupplier clock) {
        this.log = mailLog.channel("verify");
        this.cleanup = cleanup;
        this.clock = clock;
        this.settings = VerifySettings.from(config);
        this.cache = openCache(settings.map());
        this.cleaner = Thread.ofVirtual().name("verify-cache-cleanup").start(this::cleanupLoop);
    }

    /**
     * postfix reload: new settings; another {@code address_verify_map} is opened (the old one is
     * closed, with what it knew).
     */
    public void reconfigure(Config config) {
        VerifySettings next = VerifySettings.from(config);
        lock.lock();
        try {
            if (!next.map().equals(settings.map())) {
                cache.close();
                cache = openCache(next.map());
            }
            settings = next;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private CacheTable openCache(String spec) {
        try {
            return CacheTable.open(spec);
        } catch (TableException e) {
            log.warn("cannot open address_verify_map " + spec + ": " + e.getMessage()
                    + "; address verification results are kept in memory only");
            return CacheTable.memory();
        }
    }

    // ------------------------------------------------------------------ the two requests

    @Override
    public Result query(String address) throws IOException {
        String key = key(address);
        long now = clock.getAsLong();
        VerifySettings s = settings;
        VerifyEntry answer;
        String marked = null;
        String before;
        lock.lock();
        try {
            checkOpen();
            before = cache.get(key);
            VerifyEntry e = VerifyEntry.parse(before);
            if (before != null && e == null) log.warn("bad address verify table entry: " + abbreviate(before));
            if (e == null || (VerifySettings.mayProbe(e, now) && s.expired(e, now))) {
                if (before != null && !s.negativeCache()) cache.remove(key, before);
                e = VerifyEntry.unknown();
            }
            answer = e;
            if (VerifySettings.mayProbe(e, now) && s.refreshDue(e, now)) {
                if (e.updated() != 0 || s.negativeCache()) {
                    marked = e.probedAt(now).format(); // one probe at a time: the mark holds the others back
                    cache.put(key, marked);
                }
            } else {
                return new Result(answer.status(), answer.text());
            }
        } catch (TableException e) {
            throw new IOException("address_verify_map " + cache.spec() + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
        String problem = sendProbe(address, s, now);
        if (problem != null) {
            log.warn("cannot send address verification probe for " + address + ": " + problem);
            if (marked != null) unmark(key, marked, before);
        }
        return new Result(answer.status(), answer.text());
    }

    @Override
    public boolean update(String address, Status status, String text) throws IOException {
        if (status == Status.TODO) throw new IllegalArgumentException("a probe's result cannot be TODO");
        VerifySettings s = settings;
        if (status != Status.OK && !s.negativeCache()) return false;
        String key = key(address);
        lock.lock();
        try {
            checkOpen();
            VerifyEntry old = VerifyEntry.parse(cache.get(key));
            // a failed probe does not replace a deliverable result: the address stays deliverable
            // until that result expires, and is probed again at the next query
            if (status == Status.OK || old == null || old.status() != Status.OK) {
                cache.put(key, new VerifyEntry(status, 0, clock.getAsLong(), oneLine(text)).format());
            }
        } catch (TableException e) {
            throw new IOException("address_verify_map " + cache.spec() + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
        CountDownLatch waiting = waiters.remove(key);
        if (waiting != null) waiting.countDown();
        return true;
    }

    @Override
    public void awaitUpdate(String address, Duration maxWait) throws InterruptedException {
        String key = key(address);
        CountDownLatch latch = waiters.computeIfAbsent(key, k -> new CountDownLatch(1));
        // the answer may have come between the caller's query and now
        VerifyEntry e;
        lock.lock();
        try {
            e = closed ? null : VerifyEntry.parse(cache.get(key));
        } catch (TableException ex) {
            e = null;
        } finally {
            lock.unlock();
        }
        if (e != null && e.status() != Status.TODO) return;
        if (!latch.await(maxWait.toMillis(), TimeUnit.MILLISECONDS)) waiters.remove(key, latch);
    }

    @Override
    public boolean isProbeSender(String address) {
        return settings.sender().matches(address, clock.getAsLong());
    }

    // ------------------------------------------------------------------ probes

    /** Submits one probe for {@code address}; returns null, or why it could not be queued. */
    private String sendProbe(String address, VerifySettings s, long now) {
        Address rcpt;
        try {
            rcpt = Address.parse(address);
        } catch (IllegalArgumentException e) {
            return "bad address syntax";
        }
        try (CleanupService.Transaction tx = cleanup.open(CleanupService.Source.VERIFY)) {
            tx.attribute(TraceFlags.ATTRIBUTE, new TraceFlags(TraceFlags.VERIFY).value());
            tx.attribute(MailAttributes.REWRITE_CONTEXT, "local");
            String sender = s.sender().address(now);
            tx.sender(sender.isEmpty() ? Address.NULL_SENDER : Address.parse(sender), "");
            tx.recipient(rcpt, null);
            tx.commit(); // no content: a probe is never delivered
            return null;
        } catch (CleanupException e) {
            return e.getMessage();
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
    }

    /** The probe did not go out: the entry loses its mark (if nothing changed it meanwhile), so the next query tries again. */
    private void unmark(String key, String marked, String before) {
        lock.lock();
        try {
            if (closed || !marked.equals(cache.get(key))) return;
            if (before == null) cache.remove(key, marked);
            else cache.put(key, before);
        } catch (TableException e) {
            log.warn("address_verify_map " + cache.spec() + ": " + e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ cache cleanup

    private void cleanupLoop() {
        long last = System.nanoTime();
        lock.lock();
        try {
            while (!closed) {
                Duration every = settings.cleanupInterval();
                if (every.isZero()) {
                    wake.await();
                    continue;
                }
                long due = last + every.toNanos() - System.nanoTime();
                if (due > 0) {
                    wake.awaitNanos(due);
                    continue;
                }
                last = System.nanoTime();
                cleanupNow();
            }
        } catch (InterruptedException e) {
            // closing
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes the entries that are expired and have no probe in flight, and those that are no
     * entries at all; logs what stayed and what went. A store whose entries cannot be listed
     * (memcache:) is left alone, as Postfix does. Called with the lock held.
     */
    void cleanupNow() {
        lock.lock();
        try {
            if (closed || !cache.canList()) return;
            long now = clock.getAsLong();
            int retained = 0;
            int dropped = 0;
            for (Map.Entry<String, String> e : cache.entries()) {
                if (settings.keep(VerifyEntry.parse(e.getValue()), now)) {
                    retained++;
                } else {
                    cache.remove(e.getKey(), e.getValue());
                    dropped++;
                }
            }
            log.info("cache " + (cache.spec().isEmpty() ? "internal" : cache.spec()) + " full cleanup: retained="
                    + retained + " dropped=" + dropped + " entries");
        } catch (TableException e) {
            log.warn("address_verify_map " + cache.spec() + " cleanup: " + e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ helpers

    private void checkOpen() throws IOException {
        if (closed) throw new IOException("the verify service is stopped");
    }

    private static String key(String address) {
        return address.strip().toLowerCase(Locale.ROOT);
    }

    /** A reason on one line (a multi-line server reply is already joined; CR and LF never reach the cache). */
    private static String oneLine(String text) {
        return text == null ? "" : text.replace('\r', ' ').replace('\n', ' ');
    }

    private static String abbreviate(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100);
    }

    /** Stops the cleanup thread and closes the cache, writing what it holds. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            wake.signalAll();
            cache.close();
        } finally {
            lock.unlock();
        }
        for (CountDownLatch l : waiters.values()) l.countDown();
        try {
            cleaner.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
