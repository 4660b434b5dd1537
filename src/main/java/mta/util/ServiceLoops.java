package mta.util;

/**
 * ServiceLoops - how a daemon starts its long-running loops (pickup's scan, the queue manager's
 * scan, the accept loops of the trigger sockets).
 *
 * <p>Reads and writes nothing. The master passes its supervisor, which logs a loop that dies of
 * an exception or error and starts it again (the master package's Supervisor); {@link #PLAIN} just
 * starts a thread, for tests and commands that run a daemon on its own.
 */
public interface ServiceLoops {
    /** Runs {@code loop} on a new thread from {@code builder}, named {@code name}; returns the thread. */
    Thread start(Thread.Builder builder, String name, Runnable loop);

    /** As {@link #start(Thread.Builder, String, Runnable)}, on a virtual thread. */
    default Thread start(String name, Runnable loop) {
        return start(Thread.ofVirtual(), name, loop);
    }

    /** Starts the loop, unsupervised. */
    ServiceLoops PLAIN = (builder, name, loop) -> builder.name(name).start(loop);
}
