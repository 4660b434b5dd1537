package mta.master;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.MasterCf;
import mta.config.Params;
import mta.dns.Resolver;
import mta.flush.Flush;
import mta.postscreen.PostscreenCaches;
import mta.postscreen.PostscreenListener;
import mta.queue.VerifyClient;
import mta.smtpd.SmtpdPass;
import mta.util.MailLog;
import mta.util.SecretFiles;

/**
 * PostscreenServices - the master.cf {@code postscreen} entries and the {@code pass} smtpd entries behind them.
 *
 * <p>Reads master.cf: each {@code inet} entry whose command is postscreen becomes a
 * {@link PostscreenListener} per bound address, and the {@code pass} entry its
 * {@code smtpd_service_name} names becomes one {@link SmtpdPass} (with that entry's {@code -o}
 * overrides), which the listeners hand passing clients to. Postfix runs postscreen and smtpd as
 * two processes and passes the connection's file descriptor; here both run in this process, the
 * hand-off is a method call on the client's virtual thread. dnsblog and tlsproxy entries need
 * nothing: DNSBL lookups run inside postscreen, STARTTLS is smtpd's. {@link #update} opens,
 * reconfigures and closes them to match master.cf (start and reload).
 */
final class PostscreenServices implements AutoCloseable {
    /** What the pass entries' smtpd needs from the master. */
    record Wiring(MailLog mailLog, Resolver resolver, SecretFiles secrets, Flush flush, VerifyClient verify,
                  CleanupServices cleanups) {}

    private final Wiring w;
    private final PostscreenCaches caches = new PostscreenCaches();
    private final Map<String, PostscreenListener> listeners = new LinkedHashMap<>();
    private final Map<String, SmtpdPass> passes = new LinkedHashMap<>();

    PostscreenServices(Wiring w) {
        this.w = w;
    }

    /** The pass entry that a postscreen entry's clients go to, or null when master.cf has none. */
    static MasterCf.Service passEntry(MasterCf masterCf, Config postscreenConfig) {
        String name = postscreenConfig.str(Params.SMTPD_SERVICE_NAME).strip();
        for (MasterCf.Service s : masterCf.services()) {
            if (s.name().equals(name) && s.type().equals("pass") && s.command().equals("smtpd")) return s;
        }
        return null;
    }

    /**
     * Matches master.cf. At start-up a problem is fatal (thrown); on reload it is logged and the
     * rest goes on.
     */
    void update(MasterCf masterCf, Config config, boolean startup, MailLog.Channel log) {
        Map<String, SmtpdPass> wantedPasses = new LinkedHashMap<>();
        Map<String, PostscreenListener> wanted = new LinkedHashMap<>();
        Set<String> cacheSpecs = new HashSet<>();
        for (MasterCf.Service s : masterCf.services()) {
            if (!s.type().equals("inet") || !s.command().equals("postscreen")) continue;
            Config sc = Services.serviceConfig(config, s);
            try {
                MasterCf.Service passEntry = passEntry(masterCf, sc);
                if (passEntry == null) {
                    throw new ConfigException("service " + s.name() + ": no \"" + sc.str(Params.SMTPD_SERVICE_NAME)
                            + " pass ... smtpd\" entry in master.cf for postscreen to hand clients to");
                }
                SmtpdPass pass = pass(passEntry, config, wantedPasses);
                cacheSpecs.add(PostscreenListener.cacheSpec(sc));
                List<InetSocketAddress> addrs = InetAddresses.resolve(s.name(), sc.list(Params.INET_INTERFACES),
                        sc.list(Params.INET_PROTOCOLS));
                for (InetSocketAddress a : addrs) {
                    String key = a.getAddress().getHostAddress() + ":" + a.getPort();
                    PostscreenListener l = listeners.remove(key);
                    if (l != null) {
                        l.reconfigure(sc);
                    } else {
                        try {
                            l = new PostscreenListener(sc, a, w.mailLog(), w.resolver(), caches, pass::serve);
                        } catch (IOException e) {
                            throw new ConfigException(e.getMessage());
                        }
                        if (!startup) l.start();
                    }
                    wanted.put(key, l);
                }
            } catch (ConfigException e) {
                if (startup) {
                    for (PostscreenListener l : wanted.values()) l.stop(0);
                    throw e;
                }
                log.warn("service " + s.name() + ": " + e.getMessage());
            }
        }
        for (PostscreenListener gone : listeners.values()) gone.stop(2000);
        listeners.clear();
        listeners.putAll(wanted);
        for (SmtpdPass gone : passes.values()) gone.stop();
        passes.clear();
        passes.putAll(wantedPasses);
        caches.retain(cacheSpecs);
    }

    /** The pass entry's smtpd: the one running (reconfigured), or a new one. */
    private SmtpdPass pass(MasterCf.Service entry, Config config, Map<String, SmtpdPass> wantedPasses) {
        SmtpdPass p = wantedPasses.get(entry.name());
        if (p != null) return p;
        Config pc = Services.serviceConfig(config, entry);
        p = passes.remove(entry.name());
        if (p != null) p.reconfigure(pc);
        else p = new SmtpdPass(pc, entry.name(), w.mailLog(), w.cleanups().forService(pc), w.resolver(), w.secrets(),
                w.flush(), w.verify());
        wantedPasses.put(entry.name(), p);
        return p;
    }

    void start() {
        for (PostscreenListener l : listeners.values()) l.start();
    }

    /** The ports postscreen listens on, in master.cf order. */
    List<Integer> ports() {
        return listeners.values().stream().map(PostscreenListener::port).toList();
    }

    @Override
    public void close() {
        for (PostscreenListener l : listeners.values()) l.stop(2000);
        listeners.clear();
        for (SmtpdPass p : passes.values()) p.stop();
        passes.clear();
        caches.close();
    }
}
