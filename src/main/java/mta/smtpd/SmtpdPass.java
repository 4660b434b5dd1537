package mta.smtpd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import mta.cleanup.CleanupService;
import mta.config.Config;
import mta.dns.Resolver;
import mta.flush.Flush;
import mta.queue.VerifyClient;
import mta.util.MailLog;
import mta.util.SecretFiles;

/**
 * SmtpdPass - the smtpd of a master.cf {@code pass} entry: sessions on connections that postscreen hands over.
 *
 * <p>It has no socket of its own. postscreen runs in the same process, so the hand-over is a call
 * on postscreen's thread ({@link #serve}): no second process, no file descriptor passing. The
 * entry's {@code -o} overrides are in the {@link Config} given here, so they apply to the
 * session, as they do to Postfix's {@code smtpd pass} service. Built and reconfigured like
 * {@link SmtpdListener} (the same {@link SmtpdServices} per configuration).
 */
public final class SmtpdPass implements SmtpdServer {
    private final SmtpdListener.Builder builder;
    private final Anvil anvil;
    private volatile SmtpdServices services;
    private volatile boolean stopping;
    private final mta.metrics.Counter connectionsMetric;
    private final mta.metrics.Gauge sessionsMetric;

    /**
     * @param config      main.cf with the pass entry's {@code -o} overrides
     * @param serviceName the pass entry's name (normally {@code smtpd})
     * @throws mta.config.ConfigException when a restriction list is wrong, or TLS keys cannot be loaded
     */
    public SmtpdPass(Config config, String serviceName, MailLog mailLog, CleanupService cleanup, Resolver resolver,
                     SecretFiles secrets, Flush flush, VerifyClient verify) {
        this.builder = new SmtpdListener.Builder(serviceName, mailLog, cleanup, resolver, secrets, flush, verify);
        SmtpdSettings first = SmtpdSettings.from(config);
        this.anvil = new Anvil(first.rateTimeUnit);
        this.services = builder.services(config, first, anvil);
        this.connectionsMetric = mta.metrics.MailMetrics.SMTPD_CONNECTIONS.labels(serviceName);
        this.sessionsMetric = mta.metrics.MailMetrics.SMTPD_SESSIONS.labels(serviceName);
    }

    /** Takes new settings (postfix reload) for sessions that start from now on. */
    public void reconfigure(Config config) {
        SmtpdServices previous = services;
        services = builder.services(config, SmtpdSettings.from(config), anvil);
        previous.check().close();
    }

    /**
     * Runs one SMTP session on this thread, on a connection postscreen accepted and screened.
     *
     * @param early  the bytes postscreen already read from the client (empty when none)
     * @param client the client's address and port, as postscreen saw them (after a PROXY header)
     * @param server the address and port the client connected to
     */
    public void serve(Socket socket, byte[] early, InetSocketAddress client, InetSocketAddress server) {
        connectionsMetric.inc();
        sessionsMetric.inc();
        try {
            new SmtpdSession(SmtpdConnection.of(socket, early), this, new SmtpdHandover(client, server)).run();
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

    /** Sessions that start from now on say 421; the pooled policy connections close. */
    public void stop() {
        stopping = true;
        services.check().close();
    }

    @Override
    public boolean isStopping() {
        return stopping;
    }

    @Override
    public SmtpdServices services() {
        return services;
    }

    @Override
    public SmtpdState.Client identify(InetAddress a) {
        return builder.identify(services.settings(), a);
    }
}
