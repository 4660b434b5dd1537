package mta.postscreen;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mta.config.Config;
import mta.config.ConfigException;
import mta.dns.Resolver;
import mta.lookup.Table;
import mta.lookup.TableException;
import mta.lookup.Tables;
import mta.util.AcceptLoop;
import mta.util.MailLog;

/**
 * PostscreenListener - one postscreen listening socket (a master.cf {@code inet} entry whose command is postscreen).
 *
 * <p>Binds the entry's address; a platform thread accepts, each connection runs as a
 * {@link PostscreenSession} on a virtual thread ({@code postscreen-N}), and a client that passes
 * goes on to smtpd on that same thread through the {@link PostscreenHandoff} the master gives.
 * The entry's maxproc does not limit connections (in Postfix it counts processes, and one
 * postscreen process serves all clients); {@code postscreen_pre_queue_limit} limits clients under
 * screening and {@code postscreen_post_queue_limit} those handed to smtpd. A virtual thread
 * ({@code postscreen-cache-cleanup}) removes expired cache entries every
 * {@code postscreen_cache_cleanup_interval}. {@link #reconfigure} takes new settings for the
 * sessions that start afterwards.
 */
public final class PostscreenListener {
    /** What a session runs with: one configuration's settings and helpers, and the listener's counters. */
    record Current(PostscreenSettings settings, MailLog.Channel log, PostscreenAccess access, PostscreenCache cache,
                   PostscreenDnsbl dnsbl, Table replyMap, PostscreenHandoff handoff, PostscreenListener listener) {

        /** The name a reply shows for a DNSBL domain: {@code postscreen_dnsbl_reply_map}'s, or the domain. */
        String replyName(String domain) {
            if (replyMap == null || domain == null) return domain;
            try {
                String v = replyMap.get(domain);
                return v == null || v.isBlank() ? domain : v.strip();
            } catch (TableException e) {
                log.warn("postscreen_dnsbl_reply_map: " + replyMap.spec() + ": table lookup problem: " + e.getMessage());
                return domain;
            }
        }

        boolean admitScreening() {
            if (listener.screening.incrementAndGet() <= settings.preQueueLimit) return true;
            listener.screening.decrementAndGet();
            return false;
        }

        void endScreening() {
            listener.screening.decrementAndGet();
        }

        boolean admitSmtpd() {
            if (listener.talking.incrementAndGet() <= settings.postQueueLimit) return true;
            listener.talking.decrementAndGet();
            return false;
        }

        void endSmtpd() {
            listener.talking.decrementAndGet();
        }
    }

    private final MailLog mailLog;
    private final Resolver resolver;
    private final PostscreenCaches caches;
    private final PostscreenHandoff handoff;
    private final ServerSocket server;
    private final ExecutorService sessions;
    private final AtomicInteger screening = new AtomicInteger();
    private final AtomicInteger talking = new AtomicInteger();
    private final Semaphore cleanupWake = new Semaphore(0);
    private volatile Current current;
    private volatile boolean stopping;
    private Thread acceptThread;
    private Thread cleanupThread;

    /**
     * Binds the socket at once, so a taken port fails start-up with a clear message.
     *
     * @param config  main.cf with the postscreen entry's {@code -o} overrides
     * @param handoff where clients that pass go (the pass entry's smtpd)
     * @throws ConfigException when a postscreen parameter or table is wrong
     */
    public PostscreenListener(Config config, InetSocketAddress address, MailLog mailLog, Resolver resolver,
                              PostscreenCaches caches, PostscreenHandoff handoff) throws IOException {
        this.mailLog = mailLog;
        this.resolver = resolver;
        this.caches = caches;
        this.handoff = handoff;
        this.current = build(config);
        try {
            this.server = AcceptLoop.bind(address);
        } catch (IOException e) {
            close(current);
            throw e;
        }
        this.sessions = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("postscreen-", 1).factory());
    }

    /**
     * Checks what a listener with this configuration would use, without binding (postfix check).
     *
     * @throws ConfigException naming what is wrong
     */
    public static void check(Config config) {
        PostscreenSettings s = PostscreenSettings.from(config);
        new PostscreenAccess(config, MailLog.stderr("postfix").channel("postscreen")).close();
        if (!s.dnsblReplyMap.isEmpty()) openReplyMap(s.dnsblReplyMap).close();
    }

    /** The cache specification this configuration names. */
    public static String cacheSpec(Config config) {
        return PostscreenSettings.from(config).cacheMap;
    }

    private Current build(Config config) {
        PostscreenSettings s = PostscreenSettings.from(config);
        MailLog.Channel log = mailLog.channel(s.syslogName, "postscreen");
        PostscreenAccess access = new PostscreenAccess(config, log);
        Table replyMap = null;
        try {
            replyMap = s.dnsblReplyMap.isEmpty() ? null : openReplyMap(s.dnsblReplyMap);
            PostscreenCache cache;
            try {
                cache = caches.get(s.cacheMap, log);
            } catch (TableException e) {
                throw new ConfigException("postscreen_cache_map = " + s.cacheMap + ": " + e.getMessage());
            }
            PostscreenDnsbl dnsbl = new PostscreenDnsbl(resolver, mailLog.channel(s.syslogName, "dnsblog"));
            return new Current(s, log, access, cache, dnsbl, replyMap, handoff, this);
        } catch (RuntimeException e) {
            access.close();
            if (replyMap != null) replyMap.close();
            throw e;
        }
    }

    private static Table openReplyMap(String spec) {
        try {
            return Tables.open(spec);
        } catch (TableException | IllegalArgumentException e) {
            throw new ConfigException("postscreen_dnsbl_reply_map = " + spec + ": " + e.getMessage());
        }
    }

    private static void close(Current c) {
        c.access().close();
        if (c.replyMap() != null) c.replyMap().close();
    }

    /**
     * New settings for sessions that start from now on (postfix reload).
     *
     * @throws ConfigException when they are wrong (the old ones stay)
     */
    public void reconfigure(Config config) {
        Current previous = current;
        current = build(config);
        close(previous); // sessions still running keep their table handles; closing them is harmless for file tables
        cleanupWake.release();
    }

    /** Starts the accept thread and the cache cleanup. */
    public void start() {
        acceptThread = Thread.ofPlatform().name("postscreen-listener-" + server.getLocalPort()).daemon(false)
                .start(this::acceptLoop);
        cleanupThread = Thread.ofVirtual().name("postscreen-cache-cleanup").start(this::cleanupLoop);
    }

    private void acceptLoop() {
        while (!stopping) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (stopping) return;
                current.log().warn("accept: " + e.getMessage());
                continue;
            }
            Current c = current;
            try {
                sessions.execute(() -> new PostscreenSession(s, c).run());
            } catch (RuntimeException e) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    private void cleanupLoop() {
        while (!stopping) {
            Current c = current;
            long interval = c.settings().cacheCleanupInterval.toMillis();
            try {
                if (interval <= 0) {
                    cleanupWake.acquire();
                    continue;
                }
                if (cleanupWake.tryAcquire(interval, TimeUnit.MILLISECONDS)) continue;
            } catch (InterruptedException e) {
                return;
            }
            if (stopping) return;
            int[] n = c.cache().cleanup(System.currentTimeMillis() / 1000, c.settings().cacheRetention.toSeconds());
            c.log().info("cache " + c.settings().cacheMap + " full cleanup: retained=" + n[0] + " dropped=" + n[1]
                    + " entries");
        }
    }

    /** Stops accepting; sessions get {@code graceMillis} to finish, then their sockets are closed. */
    public void stop(long graceMillis) {
        stopping = true;
        if (cleanupThread != null) cleanupThread.interrupt();
        AcceptLoop.stop(server, acceptThread, sessions, graceMillis);
        close(current);
    }

    public int port() {
        return server.getLocalPort();
    }
}
