package mta.spawn;

import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import mta.util.AcceptLoop;
import mta.util.MailLog;

/**
 * SpawnListener - the listening socket of one spawn service (Postfix's inetd): each connection
 * runs the service's command ({@link SpawnSession}).
 *
 * <p>Reads connections from a socket that the caller has bound (a UNIX-domain socket such as
 * {@code private/policyd-spf}, or a TCP address); writes nothing itself. One platform thread
 * accepts, after taking one of {@code maxproc} permits (master.cf's process limit: that many
 * commands at most run at once); each connection runs on its own virtual thread.
 * {@link #reconfigure} gives connections from then on new settings ({@code postfix reload});
 * {@link #stop} closes the socket and kills what still runs after a grace period.
 */
public final class SpawnListener {
    private final ServerSocketChannel server;
    private final String where;
    private final Semaphore permits;
    private final ExecutorService sessions;
    private volatile SpawnSettings settings;
    private volatile MailLog.Channel log;
    private volatile boolean stopping;
    private Thread acceptThread;

    /**
     * @param server  the bound socket
     * @param where   its name for threads and warnings ({@code private/policyd-spf}, {@code 127.0.0.1:10027})
     * @param maxproc the most commands at once (master.cf's maxproc; 0 there means no limit)
     */
    public SpawnListener(ServerSocketChannel server, String where, int maxproc, SpawnSettings settings,
                         MailLog.Channel log) {
        this.server = server;
        this.where = where;
        this.permits = new Semaphore(maxproc <= 0 ? Integer.MAX_VALUE : maxproc);
        this.settings = settings;
        this.log = log;
        this.sessions = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("spawn-", 1).factory());
    }

    public void reconfigure(SpawnSettings s, MailLog.Channel channel) {
        this.settings = s;
        this.log = channel;
    }

    public void start() {
        acceptThread = Thread.ofPlatform().name("spawn-listener-" + where).daemon(false).start(this::acceptLoop);
    }

    private void acceptLoop() {
        AcceptLoop.run(server::accept, permits, sessions, () -> stopping || !server.isOpen(),
                e -> log.warn("accept " + where + ": " + e.getMessage()), ch -> {
                    SpawnSettings s = settings;
                    MailLog.Channel l = log;
                    return () -> new SpawnSession(ch, s, l).run();
                });
    }

    /** Stops accepting; running commands get {@code graceMillis}, then they are interrupted. */
    public void stop(long graceMillis) {
        stopping = true;
        AcceptLoop.stop(server, acceptThread, sessions, graceMillis);
    }
}
