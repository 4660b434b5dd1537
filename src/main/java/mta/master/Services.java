package mta.master;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import mta.cleanup.CleanupService;
import mta.config.Config;
import mta.config.MasterCf;
import mta.config.Params;
import mta.deliver.DeliveryAgent;
import mta.deliver.DeliveryClient;
import mta.dns.Resolver;
import mta.error.DiscardAgent;
import mta.error.ErrorAgent;
import mta.local.LocalAgent;
import mta.pipe.PipeAgent;
import mta.qmgr.Qmgr;
import mta.smtp.SmtpAgent;
import mta.util.MailLog;
import mta.util.SecretFiles;
import mta.virtual.VirtualAgent;

/**
 * Services - maps master.cf entries to the components inside this JVM.
 *
 * <p>Reads the parsed master.cf. A {@code unix} entry whose command is local, virtual, pipe, smtp,
 * lmtp, error or discard becomes a delivery transport under its service name; {@code inet} smtpd entries
 * become listeners (see {@link Master}), spawn entries listeners of {@link SpawnServices}. What
 * becomes of the other programs (done in-process, not yet supported, unknown) is decided by
 * {@link ServiceKind} and reported by {@link StartupCheck}.
 */
final class Services {
    private Services() {}

    /** The service's configuration: main.cf, then its -o overrides, with $service_name set. */
    static Config serviceConfig(Config main, MasterCf.Service s) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("service_name", s.name());
        o.putAll(s.overrides());
        return main.with(o);
    }

    /** Programs that need root's rights (chown, commands as another user): local, virtual and pipe. */
    static final Set<String> PRIVILEGED = Set.of("local", "virtual", "pipe");

    /**
     * The delivery transports of master.cf, by service name. With {@code localService} set, the
     * privileged programs are {@link DeliveryClient}s of that socket; otherwise they run here.
     */
    static Map<String, Qmgr.Transport> transports(MasterCf masterCf, Config main, CleanupServices cleanups,
                                                  Resolver resolver, int smtpDefaultPort, MailLog mailLog,
                                                  Path localService, SecretFiles secrets) {
        Map<String, Qmgr.Transport> out = new LinkedHashMap<>();
        for (MasterCf.Service s : masterCf.services()) {
            if (!s.type().equals("unix")) continue;
            Config c = serviceConfig(main, s);
            String syslogName = c.str(Params.SYSLOG_NAME);
            MailLog.Channel channel = mailLog.channel(syslogName, s.command());
            DeliveryAgent agent;
            if (localService != null && PRIVILEGED.contains(s.command())) {
                agent = new DeliveryClient(s.command(), localService);
            } else {
                agent = switch (s.command()) {
                    case "smtp" -> new SmtpAgent(c, resolver, smtpDefaultPort, channel::info, secrets);
                    case "lmtp" -> SmtpAgent.lmtp(c, resolver, channel::info, secrets);
                    case "error" -> new ErrorAgent(s.name().equals("retry"));
                    case "discard" -> new DiscardAgent();
                    default -> privileged(s, c, cleanups.forService(c), channel);
                };
            }
            if (agent != null) out.put(s.name(), new Qmgr.Transport(agent, channel));
        }
        return out;
    }

    /** The local, virtual or pipe agent of a master.cf entry, in this process; null for other programs. */
    static DeliveryAgent privileged(MasterCf.Service s, Config serviceConfig, CleanupService cleanup,
                                    MailLog.Channel log) {
        return switch (s.command()) {
            case "local" -> new LocalAgent(serviceConfig, cleanup, log);
            case "virtual" -> new VirtualAgent(serviceConfig, log);
            case "pipe" -> new PipeAgent(s, serviceConfig, log);
            default -> null;
        };
    }
}
