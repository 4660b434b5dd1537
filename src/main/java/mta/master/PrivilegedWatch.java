package mta.master;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import mta.util.MailLog;

/**
 * PrivilegedWatch - the master's view of the privileged delivery process: it connects to
 * {@code private/local} every second (an empty connection, which that process ignores), and logs
 * loudly when the process stops answering and when it is back:
 *
 * <pre>
 * postfix/master[1234]: warning: the privileged process is down: connect to private/local: Connection refused; local, virtual and pipe delivery wait for it
 * postfix/master[1234]: the privileged process is back: local, virtual and pipe delivery resume
 * </pre>
 *
 * <p>The privileged process starts together with the master: until it has answered once, or
 * until {@link Master#PRIVILEGED_START_MILLIS} have passed, it is "starting" and nothing is
 * logged. Reads the socket; writes the mail log. {@link #problem} is what {@code /healthz}
 * reports; the root parent ({@code bin/.privileged-parent}) restarts the process
 * (docs/privilege-separation.md).
 */
final class PrivilegedWatch implements AutoCloseable {
    static final long INTERVAL_MILLIS = 1000;

    private final Path socket;
    private final MailLog.Channel log;
    private volatile String problem;
    private volatile boolean closed;
    /** True once the process has answered, or its start took too long: changes are logged from then on. */
    private boolean started;
    private final long startDeadline = System.nanoTime() + Master.PRIVILEGED_START_MILLIS * 1_000_000;
    private final Thread thread;

    PrivilegedWatch(Path socket, MailLog.Channel log) {
        this.socket = socket;
        this.log = log;
        this.problem = probe();
        this.thread = Thread.ofVirtual().name("privileged-watch").start(this::run);
    }

    /** Null when the process answered the last probe, else why it did not. */
    String problem() {
        return problem;
    }

    /** Probes now (for /healthz): null when the process answers, else why it does not. */
    String probeNow() {
        return probe();
    }

    private void run() {
        while (!closed) {
            try {
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            if (closed) return;
            String now = probe();
            if (!started) {
                started = now == null || System.nanoTime() - startDeadline >= 0;
                if (now != null && started) log.warn("the privileged process is down: " + now
                        + "; local, virtual and pipe delivery wait for it");
            } else if (now != null && problem == null) {
                log.warn("the privileged process is down: " + now + "; local, virtual and pipe delivery wait for it");
            } else if (now == null && problem != null) {
                log.info("the privileged process is back: local, virtual and pipe delivery resume");
            }
            problem = now;
        }
    }

    private String probe() {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return null;
        } catch (IOException e) {
            String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            return "connect to private/" + socket.getFileName() + ": " + why;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
