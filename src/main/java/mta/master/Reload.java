package mta.master;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * Reload - runs the master's reload when the process gets SIGHUP, as Postfix's master does.
 *
 * <p>{@code postfix reload} and {@code kill -HUP $(cat pid/master.pid)} both end here. Uses the
 * JDK's {@code sun.misc.Signal} (module jdk.unsupported), the only signal API the JDK offers. It is
 * reached by name rather than imported: javac warns about every compiled use of it, with no way to
 * say that the use is deliberate, and a build's warnings should be news.
 */
final class Reload {
    private Reload() {}

    static void onHangup(Runnable reload) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            // sun.misc.SignalHandler.handle(Signal): start the reload; the Object methods answer plainly.
            Object handler = Proxy.newProxyInstance(Reload.class.getClassLoader(), new Class<?>[] {handlerType},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            Thread.ofVirtual().name("reload").start(reload);
                            yield null;
                        }
                        case "equals" -> proxy == args[0];
                        case "hashCode" -> System.identityHashCode(proxy);
                        default -> "SIGHUP: reload";
                    });
            Object hup = signal.getConstructor(String.class).newInstance("HUP");
            signal.getMethod("handle", signal, handlerType).invoke(null, hup, handler);
        } catch (InvocationTargetException e) {
            // No SIGHUP on this platform (IllegalArgumentException): reload needs a restart there.
        } catch (ReflectiveOperationException | IllegalArgumentException | UnsupportedOperationException e) {
            // No sun.misc.Signal in this runtime: the same.
        }
    }
}
