package mta.smtpd;

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
 * {@link SmtpdListener}: both are {@link SmtpdTcpServer}s (the same {@link SmtpdServices} per
 * configuration).
 */
public final class SmtpdPass extends SmtpdTcpServer {
    /**
     * @param config      main.cf with the pass entry's {@code -o} overrides
     * @param serviceName the pass entry's name (normally {@code smtpd})
     * @throws mta.config.ConfigException when a restriction list is wrong, or TLS keys cannot be loaded
     */
    public SmtpdPass(Config config, String serviceName, MailLog mailLog, CleanupService cleanup, Resolver resolver,
                     SecretFiles secrets, Flush flush, VerifyClient verify) {
        super(config, serviceName, mailLog, cleanup, resolver, secrets, flush, verify);
    }

    /**
     * Runs one SMTP session on this thread, on a connection postscreen accepted and screened.
     *
     * @param early  the bytes postscreen already read from the client (empty when none)
     * @param client the client's address and port, as postscreen saw them (after a PROXY header)
     * @param server the address and port the client connected to
     */
    public void serve(Socket socket, byte[] early, InetSocketAddress client, InetSocketAddress server) {
        countConnection();
        session(socket, () -> SmtpdConnection.of(socket, early), new SmtpdHandover(client, server));
    }

    /** Sessions that start from now on say 421; the pooled policy connections close. */
    public void stop() {
        markStopping();
        services().check().close();
    }
}
