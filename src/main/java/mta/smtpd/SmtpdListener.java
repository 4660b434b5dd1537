package mta.smtpd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import mta.cleanup.CleanupService;
import mta.config.Cidr;
import mta.config.Config;
import mta.rewrite.TrivialRewrite;
import mta.util.MailLog;

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
public final class SmtpdListener {
    private volatile SmtpdSettings settings;
    private volatile MailLog.Channel log;
    private final MailLog mailLog;
    private final CleanupService cleanup;
    private volatile SmtpdCheck check;
    private final ServerSocket server;
    private final Semaphore permits;
    private final Anvil anvil;
    private final String serviceName;
    private final ExecutorService sessions;
    private volatile boolean stopping;
    private Thread acceptThread;

    /**
     * Binds the socket at once, so a taken port fails start-up with a clear message.
     *
     * @param config   main.cf with this service's {@code -o} overrides
     * @param address  the address and port to bind
     * @param maxproc  the most concurrent sessions
     */
    public SmtpdListener(Config config, InetSocketAddress address, int maxproc, MailLog mailLog,
                         CleanupService cleanup) throws IOException {
        this(config, "smtp", address, maxproc, mailLog, cleanup);
    }

    /**
     * As above, naming the master.cf service (its first field) for log lines such as
     * "Connection rate limit exceeded: ... for service smtp".
     */
    public SmtpdListener(Config config, String serviceName, InetSocketAddress address, int maxproc, MailLog mailLog,
                         CleanupService cleanup) throws IOException {
        this.serviceName = serviceName;
        this.mailLog = mailLog;
        this.cleanup = cleanup;
        reconfigure(config);
        this.permits = new Semaphore(maxproc);
        this.anvil = new Anvil(settings.rateTimeUnit());
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        try {
            server.bind(address, 1024);
        } catch (IOException e) {
            server.close();
            throw new IOException("bind " + address.getAddress().getHostAddress() + " port " + address.getPort()
                    + ": " + e.getMessage(), e);
        }
        this.sessions = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("smtpd-", 1).factory());
    }

    /**
     * Takes new settings (postfix reload): sessions that start from now on use them; sessions
     * already running keep the ones they started with.
     */
    public void reconfigure(Config config) {
        SmtpdSettings s = SmtpdSettings.from(config);
        this.check = new SmtpdCheck(new TrivialRewrite(config));
        this.log = mailLog.channel(s.syslogName(), "smtpd");
        this.settings = s;
    }

    /** Starts the accept thread. */
    public void start() {
        acceptThread = Thread.ofPlatform().name("smtpd-listener-" + server.getLocalPort()).daemon(false)
                .start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!stopping) {
            try {
                permits.acquire();
            } catch (InterruptedException e) {
                return;
            }
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                permits.release();
                if (stopping) return;
                log.warn("accept: " + e.getMessage());
                continue;
            }
            try {
                sessions.execute(() -> {
                    try {
                        new SmtpdSession(s, this).run();
                    } finally {
                        permits.release();
                    }
                });
            } catch (RuntimeException e) {
                permits.release();
                closeQuietly(s);
            }
        }
    }

    /** Stops accepting; sessions get {@code grace} to finish, then their sockets are closed. */
    public void stop(long graceMillis) {
        stopping = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        if (acceptThread != null) acceptThread.interrupt();
        sessions.shutdown();
        try {
            if (!sessions.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) sessions.shutdownNow();
            sessions.awaitTermination(graceMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    boolean isStopping() {
        return stopping;
    }

    SmtpdSettings settings() {
        return settings;
    }

    MailLog.Channel log() {
        return log;
    }

    CleanupService cleanup() {
        return cleanup;
    }

    Anvil anvil() {
        return anvil;
    }

    String serviceName() {
        return serviceName;
    }

    SmtpdCheck check() {
        return check;
    }

    /** The client's facts: its host name (when peer name lookup is on) and whether it is trusted. */
    SmtpdState.Client identify(InetAddress a) {
        String name = "unknown";
        if (settings.peernameLookup()) {
            String n = a.getCanonicalHostName();
            if (!n.equals(a.getHostAddress())) name = n;
        }
        boolean trusted = false;
        for (Cidr c : settings.mynetworks()) {
            if (c.contains(a)) {
                trusted = true;
                break;
            }
        }
        return new SmtpdState.Client(a, name, trusted);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
