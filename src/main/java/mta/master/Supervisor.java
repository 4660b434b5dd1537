package mta.master;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mta.util.MailLog;
import mta.util.ServiceLoops;

/**
 * Supervisor - restarts a service loop of the master that dies, as Postfix's master restarts a
 * daemon process that exits abnormally.
 *
 * <p>Reads nothing; writes the mail log. Each loop (pickup's scan and maildrop watch, the queue
 * manager's scan, the accept loops of {@code public/pickup}, {@code public/qmgr}, {@code
 * public/showq} and {@code public/postdrop}) runs inside {@link #start}'s guard: when it ends by an
 * exception or error (an {@code OutOfMemoryError} from a hostile queue file, a bug), the guard logs
 * {@code warning: process pickup (thread pickup) terminated abnormally: java.lang.OutOfMemoryError:
 * ...} and runs the loop again, after a pause that grows from one second to a minute while it keeps
 * failing at once (Postfix's "throttling"). A loop that returns normally has stopped on purpose.
 * {@link #close} stops restarting.
 */
final class Supervisor implements ServiceLoops {
    static final long FIRST_PAUSE_MILLIS = 1000;
    static final long MAX_PAUSE_MILLIS = 60_000;

    private final MailLog.Channel log;
    private final CountDownLatch closed = new CountDownLatch(1);
    /** The loops waiting to be started again after a failure (for /healthz). */
    private final java.util.Set<String> restarting = java.util.concurrent.ConcurrentHashMap.newKeySet();

    Supervisor(MailLog.Channel log) {
        this.log = log;
    }

    @Override
    public Thread start(Thread.Builder builder, String name, Runnable loop) {
        return builder.name(name).start(() -> guard(name, loop));
    }

    private void guard(String name, Runnable loop) {
        long pause = FIRST_PAUSE_MILLIS;
        while (closed.getCount() > 0) {
            long started = System.nanoTime();
            restarting.remove(name);
            try {
                loop.run();
                return;
            } catch (Throwable t) {
                if (closed.getCount() == 0) return;
                String service = name.contains("-") ? name.substring(0, name.indexOf('-')) : name;
                log.warn("process " + service + " (thread " + name + ") terminated abnormally: " + t);
                if (System.nanoTime() - started > TimeUnit.MILLISECONDS.toNanos(MAX_PAUSE_MILLIS)) pause = FIRST_PAUSE_MILLIS;
                log.warn(service + ": restarting in " + Math.max(1, pause / 1000) + "s");
                restarting.add(name);
                try {
                    if (closed.await(pause, TimeUnit.MILLISECONDS)) return;
                } catch (InterruptedException e) {
                    return;
                }
                pause = Math.min(MAX_PAUSE_MILLIS, pause * 2);
            }
        }
    }

    /** The loops (thread names) that died and wait to be started again. */
    java.util.List<String> restarting() {
        return java.util.List.copyOf(new java.util.TreeSet<>(restarting));
    }

    /** No more restarts (the master is stopping). */
    void close() {
        closed.countDown();
    }
}
