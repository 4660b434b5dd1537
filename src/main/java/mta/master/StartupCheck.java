package mta.master;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mta.cleanup.Cleanup;
import mta.cleanup.ReceiveOverride;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.ConfigLoader;
import mta.config.MasterCf;
import mta.config.Param;
import mta.config.MaillogFile;
import mta.config.Params;
import mta.milter.MilterSettings;
import mta.config.UnusedParameters;
import mta.dns.Resolver;
import mta.pipe.PipeAgent;
import mta.qmgr.Qmgr;
import mta.queue.Queues;
import mta.postscreen.PostscreenListener;
import mta.smtpd.SmtpdListener;
import mta.tls.TlsConfigCheck;
import mta.util.MailLog;
import mta.util.SecretFiles;

/**
 * StartupCheck - everything {@code postfix start} would refuse, found before anything starts;
 * {@code postfix check} runs the same code, so it refuses first, with the same messages.
 *
 * <p>Reads main.cf (loaded, not yet validated) and master.cf, and opens what the services would
 * open (tables, certificates, restriction lists), binding nothing and writing nothing. Unlike a
 * start that stops at the first problem, it reports all of them. Fatal: a bad value in main.cf or
 * in a service's {@code -o} overrides, a bad {@code mynetworks}, an unknown table type, an smtpd
 * service whose address, restrictions, TLS or SASL settings are wrong, an {@code inet} service
 * whose program this system does not have (postscreen: that port would not be served), a
 * transport in use (default_transport, relay_, local_, virtual_transport when their domains are
 * set, mailbox_ and fallback_transport, content_filter) that runs a program this system does not have (qmqpd; one that is
 * not in master.cf at all is a warning: its mail stays queued, as in Postfix),
 * a {@code cleanup_service_name} with no such cleanup service, a malformed milter list, and a
 * {@code maillog_file} outside {@code maillog_file_prefixes}, and the TLS problems of
 * {@link TlsConfigCheck} (keys that cannot be loaded where TLS is required). Warnings: unused and undefined
 * parameters (as postconf), services whose program is missing but that nothing uses here, such
 * as postscreen's tlsproxy, and pipe entries whose attributes are wrong.
 */
final class StartupCheck {
    /** One finding: fatal (start refuses) or a warning. */
    record Problem(boolean fatal, String text) {}

    /** Start-up refused: every fatal problem, each a line in Postfix's wording. */
    static final class Failed extends ConfigException {
        private static final long serialVersionUID = 1L;
        private final List<String> messages;

        Failed(List<String> messages) {
            super(String.join("\n", messages));
            this.messages = List.copyOf(messages);
        }

        List<String> messages() {
            return messages;
        }
    }

    private final Path configDir;
    private final Config config;
    private final MasterCf masterCf;
    private final Resolver resolver;
    private final MailLog log;
    /** Where key files and database passwords are read: the privileged process's hand-over, or directly. */
    private final SecretFiles secrets;
    private final Set<Problem> problems = new LinkedHashSet<>();

    private StartupCheck(Path configDir, Config config, MasterCf masterCf, Resolver resolver, MailLog log,
                         SecretFiles secrets) {
        this.secrets = secrets;
        this.configDir = configDir;
        this.config = config;
        this.masterCf = masterCf;
        this.resolver = resolver;
        this.log = log;
    }

    /** All problems of the configuration in {@code loaded} and {@code masterCf}, fatal ones and warnings. */
    static List<Problem> run(ConfigLoader.Loaded loaded, MasterCf masterCf, Resolver resolver, MailLog log,
                             SecretFiles secrets) {
        StartupCheck c = new StartupCheck(loaded.directory(), loaded.config(), masterCf, resolver, log, secrets);
        for (String w : loaded.warnings()) c.warn(w);
        c.parameters();
        c.attempt(() -> {
            for (TlsConfigCheck.Problem p : TlsConfigCheck.check(c.config, masterCf, secrets)) {
                if (p.fatal()) c.fatal(p.text());
                else c.warn(p.text());
            }
        });
        c.services();
        c.transports();
        return List.copyOf(c.problems);
    }

    /** Throws {@link Failed} when any problem is fatal. */
    static void refuseIfFatal(List<Problem> problems) {
        List<String> fatal = problems.stream().filter(Problem::fatal).map(Problem::text).toList();
        if (!fatal.isEmpty()) throw new Failed(fatal);
    }

    private void fatal(String text) {
        problems.add(new Problem(true, text));
    }

    private void warn(String text) {
        problems.add(new Problem(false, text));
    }

    /** Runs one check; a ConfigException becomes a fatal problem. */
    private void attempt(Runnable check) {
        try {
            check.run();
        } catch (ConfigException e) {
            for (String line : e.getMessage().split("\n")) fatal(line);
        }
    }

    // ------------------------------------------------------------------ main.cf

    private void parameters() {
        config.problems().forEach(this::fatal);
        Map<String, String> main = new LinkedHashMap<>(config.explicit());
        for (String w : UnusedParameters.warnings(configDir.resolve("main.cf").toString(), main,
                configDir.resolve("master.cf").toString(), masterCf)) {
            warn(w);
        }
        attempt(() -> MaillogFile.check(config));
        attempt(() -> MetricsServer.address(config.str(Params.METRICS_LISTEN)));
        attempt(() -> MilterSettings.nonSmtpd(config)); // the syntax; a filter that is down is a run-time matter
    }

    // ------------------------------------------------------------------ master.cf

    private void services() {
        Set<String> cleanups = new LinkedHashSet<>(List.of(Params.CLEANUP_SERVICE_NAME.defaultValue()));
        for (MasterCf.Service s : masterCf.services()) {
            if (s.command().equals("cleanup")) cleanups.add(s.name());
        }
        Queues queues = queues();
        for (MasterCf.Service s : masterCf.services()) {
            Config sc = Services.serviceConfig(config, s);
            String where = "master.cf: line " + s.line() + ": service " + s.key();
            if (!kind(s, where)) continue;
            for (String p : sc.problems()) fatal(p);
            switch (s.command()) {
                case "smtpd" -> {
                    if (!s.type().equals("inet") && !s.type().equals("pass")) break;
                    if (s.type().equals("inet")) {
                        attempt(() -> InetAddresses.resolve(s.name(), sc.list(Params.INET_INTERFACES),
                                sc.list(Params.INET_PROTOCOLS)));
                    }
                    attempt(() -> SmtpdListener.check(sc, resolver, log));
                    receiving(sc, where, cleanups);
                    attempt(() -> MilterSettings.smtpd(sc));
                }
                case "postscreen" -> {
                    if (!s.type().equals("inet")) break;
                    attempt(() -> InetAddresses.resolve(s.name(), sc.list(Params.INET_INTERFACES),
                            sc.list(Params.INET_PROTOCOLS)));
                    attempt(() -> PostscreenListener.check(sc));
                    attempt(() -> {
                        if (PostscreenServices.passEntry(masterCf, sc) == null) {
                            throw new ConfigException(where + ": no \"" + sc.str(Params.SMTPD_SERVICE_NAME)
                                    + " pass ... smtpd\" entry for postscreen to hand clients to (smtpd_service_name)");
                        }
                    });
                }
                case "pickup" -> receiving(sc, where, cleanups);
                case "cleanup" -> attempt(() -> new Cleanup(sc, queues, log, c -> { }));
                case "local" -> receiving(sc, where, cleanups);
                case "pipe" -> {
                    // checked again at each delivery (its mail waits); said now as well
                    String problem = PipeAgent.check(s);
                    if (problem != null) warn("master.cf: line " + s.line() + ": " + problem);
                }
                default -> { }
            }
        }
        attempt(() -> Qmgr.checkLimits(config, deliveryTransports().keySet()));
    }

    /**
     * Reports a service whose program is not here: fatal for inet services (the port would not be
     * served), a warning for the others. Returns true when the service runs here.
     */
    private boolean kind(MasterCf.Service s, String where) {
        ServiceKind kind = ServiceKind.of(s.command());
        if (kind == ServiceKind.RUN) return true;
        if (kind == ServiceKind.IN_PROCESS) return false;
        String what = kind == ServiceKind.LATER
                ? "command \"" + s.command() + "\" is not supported yet (" + ServiceKind.feature(s.command()) + ")"
                : "command \"" + s.command() + "\" is not part of this mail system";
        if (s.type().equals("inet")) fatal(where + ": " + what + "; this port would not be served");
        else warn(where + ": " + what + "; the service is not started");
        return false;
    }

    /** What a receiving service (smtpd, pickup, local) hands to cleanup: its options and its cleanup. */
    private void receiving(Config sc, String where, Set<String> cleanups) {
        attempt(() -> ReceiveOverride.of(sc));
        String name = sc.str(Params.CLEANUP_SERVICE_NAME).strip();
        if (!cleanups.contains(name)) {
            fatal(where + ": cleanup_service_name = " + name + ": no such cleanup service in master.cf");
        }
    }

    // ------------------------------------------------------------------ transports in use

    /** The master.cf services a transport name can reach, by name (unix entries). */
    private Map<String, MasterCf.Service> deliveryTransports() {
        Map<String, MasterCf.Service> out = new LinkedHashMap<>();
        for (MasterCf.Service s : masterCf.services()) {
            if (s.type().equals("unix") && ServiceKind.isDeliveryAgent(s.command())) out.put(s.name(), s);
        }
        return out;
    }

    private void transports() {
        attempt(() -> Services.transports(masterCf, config, new CleanupServices(), resolver, 25, log, null, secrets));
        used(Params.DEFAULT_TRANSPORT, config);
        if (!config.list(Params.MYDESTINATION).isEmpty()) {
            used(Params.LOCAL_TRANSPORT, config);
            used(Params.MAILBOX_TRANSPORT, config);
            used(Params.FALLBACK_TRANSPORT, config);
        }
        if (!config.list(Params.RELAY_DOMAINS).isEmpty()) used(Params.RELAY_TRANSPORT, config);
        if (!config.list(Params.VIRTUAL_MAILBOX_DOMAINS).isEmpty()) used(Params.VIRTUAL_TRANSPORT, config);
        used(Params.CONTENT_FILTER, config);
        for (MasterCf.Service s : masterCf.services()) {
            if ((s.command().equals("smtpd") && !s.type().equals("unix")) || s.command().equals("pickup")) {
                if (s.overrides().containsKey(Params.CONTENT_FILTER.name())) {
                    used(Params.CONTENT_FILTER, Services.serviceConfig(config, s));
                }
            }
        }
    }

    /** A transport parameter in use must name a master.cf service whose program runs here. */
    private void used(Param p, Config c) {
        String value;
        try {
            value = c.str(p).strip();
        } catch (ConfigException e) {
            return; // reported with the parameters
        }
        if (value.isEmpty()) return;
        int colon = value.indexOf(':');
        String transport = colon < 0 ? value : value.substring(0, colon);
        if (transport.isEmpty()) return;
        MasterCf.Service service = null;
        for (MasterCf.Service s : masterCf.services()) {
            if (s.name().equals(transport) && !s.type().equals("inet")) service = s;
        }
        String at = p.name() + " = " + value;
        if (service == null) {
            warn(at + ": transport \"" + transport + "\" is not defined in master.cf; its mail will stay queued");
        } else if (!ServiceKind.isDeliveryAgent(service.command())) {
            ServiceKind kind = ServiceKind.of(service.command());
            fatal(at + ": transport \"" + transport + "\" runs " + (kind == ServiceKind.LATER
                    ? ServiceKind.feature(service.command()) + ", which is not supported yet"
                    : "\"" + service.command() + "\", which is not a delivery agent of this mail system"));
        }
    }

    private Queues queues() {
        Path q = null;
        try {
            q = config.path(Params.QUEUE_DIRECTORY);
        } catch (ConfigException e) {
            // reported with the parameters
        }
        return new Queues(q != null ? q : Path.of(Params.QUEUE_DIRECTORY.defaultValue()));
    }

    /** The problems as lines: {@code fatal: ...} and {@code warning: ...}. */
    static List<String> lines(List<Problem> problems) {
        List<String> out = new ArrayList<>();
        for (Problem p : problems) out.add((p.fatal() ? "fatal: " : "warning: ") + p.text());
        return out;
    }
}
