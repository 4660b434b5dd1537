package mta.policy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * FakePolicyServer - a policy server of our own for the failure modes real ones do not show on
 * demand: it hangs, dies in the middle of a request, or answers garbage; otherwise it answers
 * what {@code answer} says and records every request with the connection it came on.
 *
 * <p>Listens on 127.0.0.1 (a free port); one platform thread per connection. Used beside the real
 * postgrey and policyd-spf, never instead of them.
 */
public final class FakePolicyServer implements AutoCloseable {
    /** What to do with a request: answer it, hang, die, or send garbage. */
    public enum Mode { ANSWER, HANG, DIE, GARBAGE }

    /** One request as received, with the number of the connection (1, 2, ...) it came on. */
    public record Request(int connection, Map<String, String> attributes) {
        public String get(String name) {
            return attributes.get(name);
        }
    }

    private final ServerSocket server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger closedByClient = new AtomicInteger();
    private volatile Mode mode = Mode.ANSWER;
    private volatile Function<Map<String, String>, String> answer = a -> "DUNNO";

    public FakePolicyServer() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofPlatform().daemon().name("fake-policy").start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code inet:127.0.0.1:PORT} */
    public String endpoint() {
        return "inet:127.0.0.1:" + port();
    }

    public FakePolicyServer mode(Mode m) {
        this.mode = m;
        return this;
    }

    /** The action for each request (without {@code action=}). */
    public FakePolicyServer answer(Function<Map<String, String>, String> f) {
        this.answer = f;
        return this;
    }

    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Connections that the client closed (end of input between requests). */
    public int closedByClient() {
        return closedByClient.get();
    }

    /** Closes every open connection, as a server that restarts does. */
    public void dropConnections() throws IOException {
        for (Socket s : sockets) s.close();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                int n = connections.incrementAndGet();
                Thread.ofPlatform().daemon().name("fake-policy-" + n).start(() -> serve(s, n));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, int n) {
        try (s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            while (true) {
                Map<String, String> attrs = new LinkedHashMap<>();
                String line;
                while ((line = in.readLine()) != null && !line.isEmpty()) {
                    int eq = line.indexOf('=');
                    attrs.put(line.substring(0, eq), line.substring(eq + 1));
                }
                if (line == null) {
                    if (attrs.isEmpty()) closedByClient.incrementAndGet();
                    return;
                }
                requests.add(new Request(n, attrs));
                switch (mode) {
                    case HANG -> {
                        while (in.readLine() != null) {
                            // never answer; wait until the client gives up and closes
                        }
                        return;
                    }
                    case DIE -> {
                        return; // closes the connection without a word
                    }
                    case GARBAGE -> out.write("HTTP/1.0 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.UTF_8));
                    case ANSWER -> out.write(("action=" + answer.apply(attrs) + "\n\n").getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) s.close();
    }
}
