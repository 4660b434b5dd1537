package mta.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * TestLookupServer - a small lookup server for the failure modes a real one will not show: it
 * answers each request with whatever the test's function says (a TEMP or 400 reply, a
 * malformed or over-long reply, silence, a closed connection).
 *
 * <p>Listens on a free port on 127.0.0.1; one virtual thread per connection. The request reader
 * is the protocol's: a netstring for socketmap, a line for tcp. {@link #connections} counts
 * accepted connections, so tests can see connection reuse.
 */
public final class TestLookupServer implements AutoCloseable {
    /** How one request is read off the wire. */
    public interface RequestReader {
        String read(InputStream in) throws IOException;
    }

    /** What to send back; null closes the connection, an empty array sends nothing (silence). */
    public interface Responder extends Function<String, byte[]> {}

    public final int port;
    public final AtomicInteger connections = new AtomicInteger();
    private final ServerSocket server;

    public TestLookupServer(RequestReader reader, Responder responder) throws IOException {
        this.port = TestSite.freePort();
        this.server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("test-lookup-server").start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> serve(s, reader, responder));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private static void serve(Socket s, RequestReader reader, Responder responder) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String request = reader.read(in);
                if (request == null) return;
                byte[] reply = responder.apply(request);
                if (reply == null) return;
                if (reply.length == 0) {
                    Thread.sleep(60_000);
                    return;
                }
                out.write(reply);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the client went away
        }
    }

    /** A netstring request ({@code LEN:data,}), or null at the end of the stream. */
    public static String netstring(InputStream in) throws IOException {
        int len = 0;
        int c;
        while ((c = in.read()) != ':') {
            if (c < 0) return null;
            len = len * 10 + (c - '0');
        }
        byte[] data = in.readNBytes(len);
        in.read(); // the comma
        return new String(data, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A request line without its newline, or null at the end of the stream. */
    public static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) return null;
            b.append((char) c);
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
