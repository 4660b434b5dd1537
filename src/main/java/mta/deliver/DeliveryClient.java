package mta.deliver;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mta.mail.Dsn;
import mta.util.UnixConnect;

/**
 * DeliveryClient - a delivery agent that runs in another process: hands each request to the
 * privileged delivery process over a UNIX-domain socket ({@code private/local}) and returns its answer.
 *
 * <p>Writes one request in {@link DeliveryProtocol} per connection and reads one status per
 * recipient. When the socket cannot be reached every recipient is deferred, as Postfix's queue
 * manager does when a transport is down ({@code 4.3.0 delivery temporarily suspended: connect to
 * transport private/local: Connection refused}); the message stays queued and is tried again.
 * While the privileged process is still starting (it starts together with the master) the
 * connect waits for it ({@link UnixConnect}): mail is never deferred only because it came first.
 */
public final class DeliveryClient implements DeliveryAgent {
    private final String name;
    private final Path socket;

    /**
     * @param name   the agent's name ({@code local}, {@code virtual}): the log's {@code postfix/NAME}
     * @param socket the server's socket, {@code $queue_directory/private/local}
     */
    public DeliveryClient(String name, Path socket) {
        this.name = name;
        this.socket = socket;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<DeliveryStatus> deliver(DeliveryRequest request) {
        return deliver(request, DeliveryPass.NONE);
    }

    /** The same; a recipient the server hands back (mailbox_transport) is delivered through {@code pass}. */
    @Override
    public List<DeliveryStatus> deliver(DeliveryRequest request, DeliveryPass pass) {
        String where = "private/" + socket.getFileName();
        SocketChannel ch;
        try {
            ch = UnixConnect.open(socket); // waits while the privileged process starts, then no more
        } catch (IOException e) {
            return deferAll(request, "delivery temporarily suspended: connect to transport " + where + ": " + reason(e));
        }
        try (ch) {
            BufferedWriter out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(ch), StandardCharsets.UTF_8));
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            DeliveryProtocol.writeRequest(out, request);
            List<DeliveryStatus> statuses = DeliveryProtocol.readStatuses(in, out, request, pass);
            return complete(request, statuses);
        } catch (IOException e) {
            return deferAll(request, "delivery temporarily suspended: lost connection with transport " + where
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    /** Recipients the server did not answer for are deferred, so that none is forgotten. */
    private static List<DeliveryStatus> complete(DeliveryRequest request, List<DeliveryStatus> statuses) {
        List<DeliveryStatus> out = new ArrayList<>(statuses);
        for (Recipient r : request.recipients()) {
            if (statuses.stream().noneMatch(s -> s.recipient().offset() == r.offset())) {
                out.add(DeliveryStatus.deferred(r, Dsn.TEMPORARY_SYSTEM_ERROR, "none", "delivery temporarily suspended: no status for this recipient"));
            }
        }
        return out;
    }

    private static List<DeliveryStatus> deferAll(DeliveryRequest request, String reason) {
        List<DeliveryStatus> out = new ArrayList<>();
        for (Recipient r : request.recipients()) out.add(DeliveryStatus.deferred(r, Dsn.TEMPORARY_SYSTEM_ERROR, "none", reason));
        return out;
    }

    /** "Connection refused" or "No such file or directory", as strerror would say. */
    private static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException || e instanceof java.io.FileNotFoundException) {
            return "No such file or directory";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
