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
public final class SmtpdListener extends SmtpdTcpServer {
    private final ServerSocket server;
    private final Semaphore permits;
    private final ExecutorService sessions;
    /** The one address every connection reaches, or null when bound to a wildcard (or a scoped IPv6 address). */
    private final InetAddress boundAddress;
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
        super(config, serviceName, mailLog, cleanup, resolver, secrets, flush, verify);
        this.permits = new Semaphore(maxproc);
        this.server = AcceptLoop.bind(address);
        this.boundAddress = AcceptLoop.onlyAddress(server);
        this.sessions = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("smtpd-", 1).factory());
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

    /**
     * The bound address when it is the only one a client can reach (no system call, where the
     * socket's own answer costs two per connection); else the kernel's answer.
     */
    @Override
    public InetAddress localAddress(Socket socket) {
        return boundAddress != null ? boundAddress : socket.getLocalAddress();
    }

    /** Starts the accept thread. */
    public void start() {
        acceptThread = Thread.ofPlatform().name("smtpd-listener-" + server.getLocalPort()).daemon(false)
                .start(this::acceptLoop);
    }

    private void acceptLoop() {
        AcceptLoop.run(() -> {
            Socket s = server.accept();
            countConnection();
            return s;
        }, permits, sessions, this::isStopping, e -> services().log().warn("accept: " + e.getMessage()),
                s -> () -> session(s, () -> SmtpdConnection.of(s), null));
    }

    /** Stops accepting; sessions get {@code grace} to finish, then their sockets are closed. */
    public void stop(long graceMillis) {
        markStopping();
        AcceptLoop.stop(server, acceptThread, sessions, graceMillis);
        services().check().close();
    }

    public int port() {
        return server.getLocalPort();
    }
}
