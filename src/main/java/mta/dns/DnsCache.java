package mta.dns;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;
import org.xbill.DNS.Name;

/**
 * DnsCache - remembers DNS answers for their time to live, and lets concurrent askers of the same
 * question share one lookup.
 *
 * <p>Reads nothing; keeps answers in memory, bounded by a number of entries. A positive answer is
 * kept for the smallest TTL of its records, a negative one ("no such name", "no such record") for
 * the SOA minimum, at most {@value DnsLookup#MAX_NEGATIVE_TTL} s; a temporary failure is not kept.
 * While a question is being asked, whoever asks it too waits for that same answer instead of
 * sending it again. There is no lock over the cache: entries live in concurrent maps, a lookup
 * runs on the thread of the first asker outside any lock, and different questions never wait for
 * each other.
 */
final class DnsCache {
    /** One question. */
    record Key(Name name, int type) {}

    /** How to ask a question that is not cached. */
    interface Loader {
        DnsLookup.Answer load() throws DnsException;
    }

    /** A kept answer or negative answer, and when it expires (System.nanoTime based). */
    private record Entry(DnsLookup.Answer answer, DnsException negative, long expires) {}

    private final int maxEntries;
    private final LongSupplier clock;
    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Key, CompletableFuture<Entry>> inFlight = new ConcurrentHashMap<>();

    DnsCache(int maxEntries) {
        this(maxEntries, System::nanoTime);
    }

    DnsCache(int maxEntries, LongSupplier clock) {
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    /** The answer to {@code key}: cached, shared with a lookup in progress, or loaded now. */
    DnsLookup.Answer get(Key key, Loader loader) throws DnsException {
        Entry e = entries.get(key);
        if (e != null && e.expires() - clock.getAsLong() > 0) return unwrap(e);
        CompletableFuture<Entry> mine = new CompletableFuture<>();
        CompletableFuture<Entry> running = inFlight.putIfAbsent(key, mine);
        if (running != null) return unwrap(await(running, key));
        try {
            Entry fresh = entries.get(key); // kept by a lookup that ended just before ours began
            Entry loaded = fresh != null && fresh.expires() - clock.getAsLong() > 0 ? fresh : load(loader);
            if (loaded.expires() - clock.getAsLong() > 0) store(key, loaded);
            mine.complete(loaded);
            return unwrap(loaded);
        } catch (DnsException temporary) {
            mine.complete(new Entry(null, temporary, clock.getAsLong()));
            throw temporary;
        } catch (RuntimeException | Error bug) {
            mine.completeExceptionally(bug);
            throw bug;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    /** Entries now kept (for tests). */
    int size() {
        return entries.size();
    }

    private Entry load(Loader loader) throws DnsException {
        long now = clock.getAsLong();
        try {
            DnsLookup.Answer a = loader.load();
            return new Entry(a, null, now + seconds(a.ttlSeconds()));
        } catch (DnsException e) {
            if (e.isTemporary()) throw e;
            return new Entry(null, e, now + seconds(e.ttlSeconds()));
        }
    }

    private void store(Key key, Entry e) {
        if (entries.size() >= maxEntries) {
            long now = clock.getAsLong();
            entries.values().removeIf(old -> old.expires() - now <= 0);
            if (entries.size() >= maxEntries) entries.clear(); // a flood of distinct names: start over
        }
        entries.put(key, e);
    }

    private static Entry await(CompletableFuture<Entry> running, Key key) throws DnsException {
        try {
            return running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DnsException.tryAgain(key.name().toString(true), org.xbill.DNS.Type.string(key.type()));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The answer, or a fresh copy of the kept negative answer (callers may add to what they catch). */
    private static DnsLookup.Answer unwrap(Entry e) throws DnsException {
        if (e.negative() != null) throw e.negative().withTtl(e.negative().ttlSeconds());
        return e.answer();
    }

    private static long seconds(long s) {
        return Math.min(s, DnsLookup.MAX_TTL) * 1_000_000_000L;
    }
}
