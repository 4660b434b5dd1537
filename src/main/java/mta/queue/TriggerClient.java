package mta.queue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import mta.util.SafeFiles;

/**
 * TriggerClient - sends a one-letter {@link Trigger} request to a service's {@code public/} socket.
 *
 * <p>Writes one byte per request to {@code $queue_directory/public/<service>} (a UNIX-domain socket that the
 * master listens on). Used by sendmail (wake pickup) and postqueue (flush the queue).
 */
public final class TriggerClient {
    private TriggerClient() {}

    /** The socket path of a public service. */
    public static Path socket(Queues queues, String service) {
        return queues.root().resolve("public").resolve(service);
    }

    /**
     * Asks the queue manager to deliver all deferred mail now (postqueue -f, sendmail -q,
     * postfix flush): first {@link Trigger#FLUSH}, which ends the "temporarily suspended" state of
     * dead destinations, then {@link Trigger#SCAN_ALL}. False when the mail system is down.
     */
    public static boolean flushAll(Queues queues) {
        return send(queues, "qmgr", Trigger.FLUSH, Trigger.SCAN_ALL);
    }

    /** Sends {@code requests} in one connection; returns false when the service is not there (mail system down). */
    public static boolean send(Queues queues, String service, char... requests) {
        Path path = socket(queues, service);
        // No socket, no listener: one stat instead of the JDK's socket set-up (service lookup on
        // the class path, a SecureRandom), which costs a short-lived command about 20 ms.
        if (!SafeFiles.exists(path)) return false;
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(path));
            byte[] b = new byte[requests.length];
            for (int i = 0; i < b.length; i++) b[i] = (byte) requests[i];
            ch.write(ByteBuffer.wrap(b));
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
