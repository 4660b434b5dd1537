package mta.master;

/**
 * Reload - runs the master's reload when the process gets SIGHUP, as Postfix's master does.
 *
 * <p>{@code postfix reload} and {@code kill -HUP $(cat pid/master.pid)} both end here. Uses the
 * JDK's {@code sun.misc.Signal} (module jdk.unsupported), the only signal API the JDK offers.
 */
final class Reload {
    private Reload() {}

    static void onHangup(Runnable reload) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> Thread.ofVirtual().name("reload").start(reload));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // No SIGHUP on this platform: reload needs a restart there.
        }
    }
}
