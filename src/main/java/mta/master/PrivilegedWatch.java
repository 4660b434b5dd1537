package mta.master;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import mta.util.MailLog;

/**
 * PrivilegedWatch - the master's view of the privileged delivery process: it connects to
 * {@code private/local} every second (an empty connection, which that process neither answers nor
 * counts as a request, and which never wakes it), and logs loudly when the process is down and when
 * it is back:
 *
 * <pre>
 * postfix/master[1234]: warning: the privileged process is down: connect to private/local: Connection refused; local, virtual and pipe delivery wait for it
 * postfix/master[1234]: the privileged process is back: local, virtual and pipe delivery resume
 * </pre>
 *
 * <p>The process runs on demand: the root parent ({@code bin/.privileged-parent}) starts it when
 * the master needs it and it exits after {@code max_idle} without a request. So a socket that does
 * not answer is one of {@link State}: the root parent's pid file ({@code pid/privileged.pid}) says
 * {@code idle} (healthy: the next request starts it), or names a process that runs but has no
 * socket yet (starting, or finishing its last requests before an idle exit: healthy for
 * {@link Master#PRIVILEGED_START_MILLIS}, but down while a process that replaces one that died
 * starts: down lasts until the socket answers), or names a process that is gone (down: it died,
 * the root parent restarts it after a pause). Until the process has answered once or been seen idle, or
 * until {@link Master#PRIVILEGED_START_MILLIS} have passed, nothing is logged. Reads the socket and
 * the pid file; writes the mail log. {@link #problem} is what {@code /healthz} reports as down,
 * {@link #note} what it adds to a healthy answer (docs/privilege-separation.md).
 */
final class PrivilegedWatch implements AutoCloseable {
    static final long INTERVAL_MILLIS = 1000;

    /** What a probe found. */
    enum State {
        /** The socket answers. */
        UP,
        /** No process, none needed: the next request starts one. */
        IDLE,
        /** A process runs without a socket: starting, or stopping after max_idle. */
        STARTING,
        /** No socket and no process (it died), or starting for too long. */
        DOWN
    }

    /** One probe's result; {@code why} says why the socket did not answer (null when UP). */
    record Probe(State state, String why) {}

    private final Path socket;
    private final Path pidFile;
    private final MailLog.Channel log;
    /** The last probe's judgement, by the watch or by /healthz. */
    private volatile Probe last = new Probe(State.IDLE, null);
    /** The last state the watch logged from. */
    private Probe logged;
    private volatile boolean closed;
    /** True once the process has answered or been idle, or its start took too long: changes are logged from then on. */
    private boolean started;
    private final long startDeadline = System.nanoTime() + Master.PRIVILEGED_START_MILLIS * 1_000_000;
    /** {@code System.nanoTime()} since which the process has been STARTING; 0 when it is not. */
    private long startingSince;
    private final Thread thread;

    /**
     * @param socket  {@code private/local}
     * @param pidFile the root parent's {@code pid/privileged.pid}: a pid, or {@code idle}
     */
    PrivilegedWatch(Path socket, Path pidFile, MailLog.Channel log) {
        this.socket = socket;
        this.pidFile = pidFile;
        this.log = log;
        this.logged = observe();
        this.thread = Thread.ofVirtual().name("privileged-watch").start(this::run);
    }

    /** Null when the process answered the last probe or needs not run, else why it is down. */
    String problem() {
        Probe p = last;
        return p.state() == State.DOWN ? p.why() : null;
    }

    /** Probes now (for /healthz). */
    Probe probeNow() {
        return observe();
    }

    /** What /healthz says of a healthy process that is not serving: null when it serves or is down. */
    static String note(Probe p) {
        return switch (p.state()) {
            case IDLE -> "privileged process: idle (starts on demand)";
            case STARTING -> "privileged process: starting";
            default -> null;
        };
    }

    /**
     * Probes and judges: a process that starts after one died is down until it answers, and one
     * that has been starting for longer than the start window is down.
     */
    private synchronized Probe observe() {
        Probe p = probe();
        if (p.state() != State.STARTING) {
            startingSince = 0;
        } else {
            if (startingSince == 0) startingSince = System.nanoTime();
            if (last.state() == State.DOWN) {
                p = new Probe(State.DOWN, p.why());
            } else if (System.nanoTime() - startingSince > Master.PRIVILEGED_START_MILLIS * 1_000_000) {
                p = new Probe(State.DOWN, p.why() + " (running without it for more than "
                        + Master.PRIVILEGED_START_MILLIS / 1000 + "s)");
            }
        }
        last = p;
        return p;
    }

    private void run() {
        while (!closed) {
            try {
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            if (closed) return;
            Probe now = observe();
            boolean down = now.state() == State.DOWN;
            boolean wasDown = logged.state() == State.DOWN;
            if (!started) {
                started = now.state() == State.UP || now.state() == State.IDLE || System.nanoTime() - startDeadline >= 0;
                if (down && started) log.warn("the privileged process is down: " + now.why()
                        + "; local, virtual and pipe delivery wait for it");
            } else if (down && !wasDown) {
                log.warn("the privileged process is down: " + now.why() + "; local, virtual and pipe delivery wait for it");
            } else if (now.state() == State.UP && wasDown) {
                log.info("the privileged process is back: local, virtual and pipe delivery resume");
            }
            logged = now;
        }
    }

    private Probe probe() {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return new Probe(State.UP, null);
        } catch (IOException e) {
            String why = "connect to private/" + socket.getFileName() + ": "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
            String pid;
            try {
                pid = Files.readString(pidFile, StandardCharsets.US_ASCII).strip();
            } catch (IOException | RuntimeException noFile) {
                return new Probe(State.DOWN, why);
            }
            if (pid.equals(IDLE)) return new Probe(State.IDLE, why);
            try {
                boolean alive = mta.util.ProcessState.running(Long.parseLong(pid));
                return new Probe(alive ? State.STARTING : State.DOWN, why);
            } catch (NumberFormatException bad) {
                return new Probe(State.DOWN, why);
            }
        }
    }

    /** What the root parent writes to {@code pid/privileged.pid} while no privileged process is needed. */
    static final String IDLE = "idle";

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
