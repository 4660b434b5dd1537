package mta.postscreen;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import mta.lookup.CacheTable;
import mta.util.MailLog;

/**
 * PostscreenCaches - the open {@code postscreen_cache_map} stores, one per specification, shared by
 * every postscreen listener that names it (a store file can be open only once).
 *
 * <p>Owned by the master: {@link #retain} closes the stores no listener names after a reload,
 * {@link #close} all of them at stop.
 */
public final class PostscreenCaches implements AutoCloseable {
    private final Map<String, PostscreenCache> open = new HashMap<>();

    /**
     * The cache for {@code spec}, opened on first use.
     *
     * @throws mta.lookup.TableException when the store cannot be opened
     */
    synchronized PostscreenCache get(String spec, MailLog.Channel log) {
        return open.computeIfAbsent(spec, s -> new PostscreenCache(CacheTable.open(s), log));
    }

    /** Closes the stores whose specification is not in {@code inUse}. */
    public synchronized void retain(Set<String> inUse) {
        open.entrySet().removeIf(e -> {
            if (inUse.contains(e.getKey())) return false;
            e.getValue().close();
            return true;
        });
    }

    @Override
    public synchronized void close() {
        for (PostscreenCache c : open.values()) c.close();
        open.clear();
    }
}
