package mta.master;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import mta.cleanup.Cleanup;
import mta.cleanup.CleanupService;
import mta.cleanup.ReceiveOverride;
import mta.config.Config;
import mta.config.MasterCf;
import mta.config.Params;
import mta.mail.MailAttributes;
import mta.queue.IncomingHandoff;
import mta.queue.Queues;
import mta.queue.Trigger;
import mta.util.MailLog;

/**
 * CleanupServices - the cleanup services of master.cf, by service name, as the other services see them.
 *
 * <p>Reads master.cf's {@code cleanup} entries: each gets its own {@link Cleanup}, built from
 * main.cf plus its {@code -o} overrides (a second cleanup with {@code -o header_checks=...} for
 * submitted mail, as docker-mailserver, Mail-in-a-Box and mailcow configure it); the name
 * {@code cleanup} always exists, from main.cf when master.cf has no such entry. A service reaches
 * the cleanup named by its {@code cleanup_service_name} through a view ({@link #forService}) that
 * also carries its {@code receive_override_options} and {@code content_filter} to each message.
 * {@code postfix reload} swaps the whole set ({@link #set}); messages already open finish with the
 * old settings.
 */
final class CleanupServices {
    private volatile Map<String, CleanupService> current = Map.of();

    /**
     * One Cleanup per master.cf cleanup entry, and {@code cleanup} in any case; each hands what it
     * commits to incoming/ to the queue manager through {@code handoff}, and wakes {@code qmgr} when that is refused.
     */
    static Map<String, CleanupService> build(Config main, MasterCf masterCf, Queues queues, MailLog log, Trigger qmgr,
                                             IncomingHandoff handoff) {
        Map<String, CleanupService> out = new LinkedHashMap<>();
        for (MasterCf.Service s : masterCf.services()) {
            if (s.command().equals("cleanup") && s.type().equals("unix")) {
                out.put(s.name(), new Cleanup(Services.serviceConfig(main, s), queues, log, qmgr, handoff));
            }
        }
        out.putIfAbsent(Params.CLEANUP_SERVICE_NAME.defaultValue(), new Cleanup(main, queues, log, qmgr, handoff));
        return out;
    }

    void set(Map<String, CleanupService> services) {
        this.current = Map.copyOf(services);
    }

    /** True when a cleanup service of this name exists. */
    boolean has(String name) {
        return current.containsKey(name);
    }

    /**
     * The cleanup that a service with this configuration uses ({@code cleanup_service_name}), with
     * its {@code receive_override_options} and {@code content_filter} applied to each message.
     */
    CleanupService forService(Config serviceConfig) {
        String name = serviceConfig.str(Params.CLEANUP_SERVICE_NAME).strip();
        Set<ReceiveOverride> overrides = ReceiveOverride.of(serviceConfig);
        String filter = serviceConfig.str(Params.CONTENT_FILTER).strip();
        return source -> {
            CleanupService c = current.get(name);
            if (c == null) throw new IOException("cleanup service \"" + name + "\" is not defined in master.cf");
            CleanupService.Transaction t = c.open(source.with(overrides));
            try {
                t.attribute(MailAttributes.CONTENT_FILTER, filter);
            } catch (IOException | RuntimeException e) {
                t.abort();
                throw e;
            }
            return t;
        };
    }
}
