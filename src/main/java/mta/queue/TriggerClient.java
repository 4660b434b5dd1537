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
 * <p>Writes one byte to {@code $queue_directory/public/<service>} (a UNIX-domain socket that the
 * master listens on). Used by sendmail (wake pickup) and postqueue (flush the queue).
 */
public final class TriggerClient {
    private TriggerClient() {}

    /** The socket path of a public service. */
    public static Path socket(Queues queues, String service) {
        return queues.root().resolve("public").resolve(service);
    }

    /** Sends {@code request}; returns false when the service is not there (mail system down). */
    public static boolean send(Queues queues, String service, char request) {
        Path path = socket(queues, service);
        // No socket, no listener: one stat instead of the JDK's socket set-up (service lookup on
        // the class path, a SecureRandom), which costs a short-lived command about 20 ms.
        if (!SafeFiles.exists(path)) return false;
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(path));
            ch.write(ByteBuffer.wrap(new byte[] {(byte) request}));
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
