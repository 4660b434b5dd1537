package mta.postscreen;

import java.util.Map;
import mta.lookup.CacheTable;
import mta.lookup.TableException;
import mta.util.MailLog;

/**
 * PostscreenCache - the temporary allow list: per client address, until when each test it passed counts.
 *
 * <p>Reads and writes {@code postscreen_cache_map} through {@link CacheTable} (an MVStore file for
 * {@code btree:}, Postfix's default {@code btree:$data_directory/postscreen_cache}; memory when
 * empty). A value is five times in seconds since the epoch, as Postfix writes them:
 * {@code pregreet;dnsbl;pipelining;non_smtp_command;bare_newline}; 0 means not passed. A cache that
 * fails is logged and acts as empty: every test runs again, no client is refused for it.
 * {@link #cleanup} removes entries whose every time passed more than
 * {@code postscreen_cache_retention_time} ago.
 */
final class PostscreenCache implements AutoCloseable {
    /** The tests, in the order of the value's fields. */
    enum Test { PREGREET, DNSBL, PIPELINING, NON_SMTP_COMMAND, BARE_NEWLINE }

    private final CacheTable table;
    private final MailLog.Channel log;

    PostscreenCache(CacheTable table, MailLog.Channel log) {
        this.table = table;
        this.log = log;
    }

    /** The expiry times (seconds) of one client, by {@link Test} ordinal; all 0 for a new client. */
    long[] get(String address) {
        long[] t = new long[Test.values().length];
        String v;
        try {
            v = table.get(address);
        } catch (TableException | IllegalStateException e) {
            log.warn("postscreen_cache_map " + table.spec() + ": lookup error: " + e.getMessage());
            return t;
        }
        if (v == null) return t;
        String[] f = v.split(";");
        for (int i = 0; i < t.length && i < f.length; i++) {
            try {
                t[i] = Long.parseLong(f[i].strip());
            } catch (NumberFormatException e) {
                t[i] = 0;
            }
        }
        return t;
    }

    void put(String address, long[] times) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < times.length; i++) sb.append(i > 0 ? ";" : "").append(times[i]);
        try {
            table.put(address, sb.toString());
        } catch (TableException | IllegalStateException | UnsupportedOperationException e) {
            log.warn("postscreen_cache_map " + table.spec() + ": update error: " + e.getMessage());
        }
    }

    /** Removes the entries all of whose times are older than {@code now - retention}; returns {kept, removed}. */
    int[] cleanup(long now, long retentionSeconds) {
        if (!table.canList()) return new int[] {0, 0};
        int removed = 0;
        int kept = 0;
        for (Map.Entry<String, String> e : table.entries()) {
            long latest = 0;
            for (String f : e.getValue().split(";")) {
                try {
                    latest = Math.max(latest, Long.parseLong(f.strip()));
                } catch (NumberFormatException ignored) {
                    // an unreadable field counts as expired
                }
            }
            if (latest + retentionSeconds < now) {
                table.remove(e.getKey(), e.getValue());
                removed++;
            } else {
                kept++;
            }
        }
        return new int[] {kept, removed};
    }

    @Override
    public void close() {
        table.close();
    }
}
