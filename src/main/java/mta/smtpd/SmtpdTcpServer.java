package mta.smtpd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import mta.cleanup.CleanupService;
import mta.config.Config;
import mta.dns.Resolver;
import mta.flush.Flush;
import mta.queue.VerifyClient;
import mta.rewrite.TrivialRewrite;
import mta.util.MailLog;
import mta.util.SecretFiles;

/**
 * SmtpdTcpServer - what the two TCP smtpd servers share ({@link SmtpdListener}, a socket of its
 * own; {@link SmtpdPass}, connections postscreen hands over).
 *
 * <p>Reads main.cf (with the entry's {@code -o} overrides) into the {@link SmtpdServices} of the
 * current configuration, replaced as a whole on {@code postfix reload}, so a session sees one
 * configuration or the next, never a mix; tells who a client is; says when the server is
 * stopping; and runs one session on the calling thread, counted in the smtpd metrics.
 */
abstract sealed class SmtpdTcpServer implements SmtpdServer permits SmtpdListener, SmtpdPass {
    /** Opens the session's connection on an accepted socket. */
    @FunctionalInterface
    interface Opener {
        SmtpdConnection open() throws IOException;
    }

    private final Builder builder;
    private final Anvil anvil;
    private final mta.metrics.Counter connectionsMetric;
    private final mta.metrics.Gauge sessionsMetric;
    /** Replaced as a whole by {@link #reconfigure}: a session sees one configuration or the next, never a mix. */
    private volatile SmtpdServices services;
    private volatile boolean stopping;

    /**
     * @param config      main.cf with this service's {@code -o} overrides
     * @param serviceName the master.cf service name, for log lines such as "... for service smtp"
     * @throws mta.config.ConfigException when a restriction list is wrong, or TLS keys cannot be loaded
     */
    SmtpdTcpServer(Config config, String serviceName, MailLog mailLog, CleanupService cleanup, Resolver resolver,
                   SecretFiles secrets, Flush flush, VerifyClient verify) {
        this.connectionsMetric = mta.metrics.MailMetrics.SMTPD_CONNECTIONS.labels(serviceName);
        this.sessionsMetric = mta.metrics.MailMetrics.SMTPD_SESSIONS.labels(serviceName);
        this.builder = new Builder(serviceName, mailLog, cleanup, resolver, secrets, flush, verify);
        SmtpdSettings first = SmtpdSettings.from(config);
        this.anvil = new Anvil(first.rateTimeUnit);
        this.services = builder.services(config, first, anvil);
    }

    /**
     * Takes new settings (postfix reload): sessions that start from now on use them; sessions
     * already running keep the ones they started with.
     *
     * @throws mta.config.ConfigException when a restriction list is wrong, or TLS is required and
     *         the keys cannot be loaded (the old settings stay)
     */
    public void reconfigure(Config config) {
        SmtpdServices previous = services;
        services = builder.services(config, SmtpdSettings.from(config), anvil);
        // the pooled policy server connections of the old configuration; its running sessions
        // still ask through it, over connections of their own that close when they end
        previous.check().close();
    }

    /** Sessions that start from now on say 421. */
    final void markStopping() {
        stopping = true;
    }

    /** Counts a connection accepted (or handed over). */
    final void countConnection() {
        connectionsMetric.inc();
    }

    /**
     * Runs one session on this thread, counted while it runs; when its connection cannot be opened,
     * the socket is closed.
     */
    final void session(Socket socket, Opener connection, SmtpdHandover handover) {
        sessionsMetric.inc();
        try {
            new SmtpdSession(connection.open(), this, handover).run();
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        } finally {
            sessionsMetric.dec();
        }
    }

    @Override
    public final boolean isStopping() {
        return stopping;
    }

    @Override
    public final SmtpdServices services() {
        return services;
    }

    /** The client's facts: its host name and whether it is in mynetworks ({@link Builder#identify}). */
    @Override
    public final SmtpdState.Client identify(InetAddress a) {
        return builder.identify(services.settings(), a);
    }

    /** What a TCP smtpd builds per configuration, and how it learns who a client is. */
    private record Builder(String serviceName, MailLog mailLog, CleanupService cleanup, Resolver resolver,
                           SecretFiles secrets, Flush flush, VerifyClient verify) {

        /** The services of one configuration; the TLS keys are loaded here (at start and on postfix reload). */
        SmtpdServices services(Config config, SmtpdSettings s, Anvil anvil) {
            MailLog.Channel channel = mailLog.channel(s.syslogName, "smtpd");
            SmtpdTls t = SmtpdTls.from(config, channel, secrets, serviceName);
            SmtpdCheck check = new SmtpdCheck(config, new TrivialRewrite(config), resolver, channel, true, verify);
            mta.milter.MilterSettings milters = mta.cleanup.ReceiveOverride.of(config).contains(mta.cleanup.ReceiveOverride.NO_MILTERS)
                    ? mta.milter.MilterSettings.none() : mta.milter.MilterSettings.smtpd(config);
            return new SmtpdServices(s, channel, check, t, cleanup, anvil, flush, serviceName, false, milters);
        }

        /**
         * The client's facts: its forward-confirmed host name (when peer name lookup is on, else
         * {@code unknown}) and whether it is in mynetworks.
         */
        SmtpdState.Client identify(SmtpdSettings settings, InetAddress a) {
            SmtpdDns.ClientName name = settings.peernameLookup ? new SmtpdDns(resolver).clientName(a)
                    : new SmtpdDns.ClientName("unknown", false);
            SmtpdState.Client client = new SmtpdState.Client(a, name.name(), SmtpdSettings.matches(settings.mynetworks, a));
            client.nameTemporary = name.temporary();
            client.reverseName = name.reverse();
            return client;
        }
    }
}
