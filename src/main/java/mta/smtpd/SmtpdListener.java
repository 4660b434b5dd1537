package mta.smtpd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import mta.cleanup.CleanupService;
import mta.config.Config;
import mta.config.Params;
import mta.dns.Resolver;
import mta.flush.Flush;
import mta.queue.VerifyClient;
import mta.rewrite.TrivialRewrite;
import mta.util.AcceptLoop;
import mta.util.MailLog;
import mta.util.SecretFiles;

/**
 * SmtpdListener - one smtpd listening socket: a platform accept thread, a virtual thread per session.
 *
 * <p>Binds the address of a master.cf {@code inet} entry. Before each {@code accept()} it takes a
 * permit from a semaphore sized by the entry's maxproc ({@code default_process_limit}), so a flood
 * of connections waits in the kernel's backlog instead of exhausting memory; the permit is
 * returned when the session ends: that is the global limit on concurrent sessions. Per client,
 * {@link Anvil} counts connections for {@code smtpd_client_connection_count_limit} and
 * {@code smtpd_client_connection_rate_limit}. {@link #stop} closes the socket and gives sessions
 * a grace period.
 */
public final class SmtpdListener implements SmtpdServer {
    /** Replaced as a whole by {@link #reconfigure}: a session sees one configuration or the next, never a mix. */
    private volatile SmtpdServices services;
    private final Builder builder;
    private final ServerSocket server;
    private final Semaphore permits;
    private final Anvil anvil;
    private final String serviceName;
    private final mta.metrics.Counter connectionsMetric;
    private final mta.metrics.Gauge sessionsMetric;
    private final ExecutorService sessions;
    private volatile boolean stopping;
    private Thread acceptThread;

    /**
     * Binds the socket at once, so a taken port fails start-up with a clear message.
     *
     * @param config      main.cf with this service's {@code -o} overrides
     * @param serviceName the master.cf service name, for log lines such as "... for service smtp"
     * @param address  the address and port to bind
     * @param maxproc  the most concurrent sessions
     * @param resolver DNS for client names, sender domains and blocklists
     * @throws mta.config.ConfigException when a restriction list is wrong
     */
    public SmtpdListener(Config config, String serviceName, InetSocketAddress address, int maxproc, MailLog mailLog,
                         CleanupService cleanup, Resolver resolver) throws IOException {
        this(config, serviceName, address, maxproc, mailLog, cleanup, resolver, SecretFiles.DIRECT, null);
    }

    /**
     * The same, reading TLS keys through {@code secrets} (the privileged process's hand-over), with
     * the fast flush service that ETRN asks.
     *
     * @throws mta.config.ConfigException also when TLS is required and the keys cannot be loaded
     */
    public SmtpdListener(Config config, String serviceName, InetSocketAddress address, int maxproc, MailLog mailLog,
                         CleanupService cleanup, Resolver resolver, SecretFiles secrets, Flush flush) throws IOException {
        this(config, serviceName, address, maxproc, mailLog, cleanup, resolver, secrets, flush, null);
    }

    /** The same, with the address verification service that reject_unverified_* ask. */
    public SmtpdListener(Config config, String serviceName, InetSocketAddress address, int maxproc, MailLog mailLog,
                         CleanupService cleanup, Resolver resolver, SecretFiles secrets, Flush flush,
                         VerifyClient verify) throws IOException {
        this.serviceName = serviceName;
        this.connectionsMetric = mta.metrics.MailMetrics.SMTPD_CONNECTIONS.labels(serviceName);
        this.sessionsMetric = mta.metrics.MailMetrics.SMTPD_SESSIONS.labels(serviceName);
        this.builder = new Builder(serviceName, mailLog, cleanup, resolver, secrets, flush, verify);
        SmtpdSettings first = SmtpdSettings.from(config);
        this.anvil = new Anvil(first.rateTimeUnit);
        configure(config, first);
        this.permits = new Semaphore(maxproc);
        this.server = AcceptLoop.bind(address);
        this.sessions = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("smtpd-", 1).factory());
    }

    /**
     * Takes new settings (postfix reload): sessions that start from now on use them; sessions
     * already running keep the ones they started with.
     *
     * @throws mta.config.ConfigException when a restriction list is wrong, or TLS is required and
     *         the keys cannot be loaded (the old settings stay)
     */
    public void reconfigure(Config config) {
        configure(config, SmtpdSettings.from(config));
    }

    private void configure(Config config, SmtpdSettings s) {
        SmtpdServices previous = this.services;
        this.services = builder.services(config, s, anvil);
        // the pooled policy server connections of the old configuration; its running sessions
        // still ask through it, over connections of their own that close when they end
        if (previous != null) previous.check().close();
    }

    /**
     * What a TCP smtpd ({@link SmtpdListener}, {@link SmtpdPass}) builds per configuration, and how
     * it learns who a client is.
     */
    record Builder(String serviceName, MailLog mailLog, CleanupService cleanup, Resolver resolver, SecretFiles secrets,
                   Flush flush, VerifyClient verify) {

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

    /**
     * Builds what a listener with this configuration would use (settings, restriction lists),
     * without binding, for the start-up check ({@code postfix check} and {@code postfix start});
     * the TLS keys are the business of mta.tls.TlsConfigCheck, which the check runs too.
     *
     * @throws mta.config.ConfigException with one line per part that is wrong
     */
    public static void check(Config config, Resolver resolver, MailLog mailLog) {
        java.util.List<String> problems = new java.util.ArrayList<>();
        MailLog.Channel channel = mailLog.channel(config.str(Params.SYSLOG_NAME), "smtpd");
        for (Runnable part : java.util.List.<Runnable>of(() -> SmtpdSettings.from(config),
                () -> new SmtpdCheck(config, new TrivialRewrite(config), resolver, channel))) {
            try {
                part.run();
            } catch (mta.config.ConfigException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) throw new mta.config.ConfigException(String.join("\n", problems));
    }

    /** Starts the accept thread. */
    public void start() {
        acceptThread = Thread.ofPlatform().name("smtpd-listener-" + server.getLocalPort()).daemon(false)
                .start(this::acceptLoop);
    }

    private void acceptLoop() {
        AcceptLoop.run(() -> {
            Socket s = server.accept();
            connectionsMetric.inc();
            return s;
        }, permits, sessions, () -> stopping, e -> services.log().warn("accept: " + e.getMessage()), s -> () -> {
            sessionsMetric.inc();
            try {
                new SmtpdSession(SmtpdConnection.of(s), this).run();
            } catch (IOException e) {
                closeQuietly(s);
            } finally {
                sessionsMetric.dec();
            }
        });
    }

    /** Stops accepting; sessions get {@code grace} to finish, then their sockets are closed. */
    public void stop(long graceMillis) {
        stopping = true;
        AcceptLoop.stop(server, acceptThread, sessions, graceMillis);
        services.check().close();
    }

    public int port() {
        return server.getLocalPort();
    }

    @Override
    public boolean isStopping() {
        return stopping;
    }

    @Override
    public SmtpdServices services() {
        return services;
    }

    /** The client's facts: its host name and whether it is in mynetworks ({@link Builder#identify}). */
    @Override
    public SmtpdState.Client identify(InetAddress a) {
        return builder.identify(services.settings(), a);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
