package mta.master;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import mta.config.ConfigException;
import mta.metrics.Registry;
import mta.metrics.TextFormat;

/**
 * MetricsServer - the master's HTTP listener on {@code metrics_listen}: {@code GET /metrics}
 * answers the {@link Registry} in Prometheus's text format, {@code GET /healthz} answers
 * {@code 200 ok} when every service is up (followed by a line per service that is fine but not
 * running: {@code privileged process: idle (starts on demand)}), else {@code 503} with one line
 * per service that is down (the privileged process, a master loop waiting to be restarted).
 *
 * <p>Reads the registry and the health supplier; writes HTTP responses. The JDK's own HTTP server
 * ({@code com.sun.net.httpserver}), one virtual thread per request. Off unless
 * {@code metrics_listen} is set; a bare port listens on 127.0.0.1 only.
 */
final class MetricsServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** The address of a {@code metrics_listen} value, or null when it is empty. */
    static InetSocketAddress address(String value) {
        String v = value.strip();
        if (v.isEmpty()) return null;
        String host = "127.0.0.1";
        String port = v;
        int colon = v.lastIndexOf(':');
        if (colon >= 0) {
            host = v.substring(0, colon);
            port = v.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            if (host.isEmpty()) throw new ConfigException("metrics_listen = " + value + ": no host before the port");
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < 1 || p > 65535) throw new ConfigException("metrics_listen = " + value + ": bad port number: " + port);
        try {
            return new InetSocketAddress(InetAddress.getByName(host), p);
        } catch (IOException e) {
            throw new ConfigException("metrics_listen = " + value + ": cannot resolve " + host);
        }
    }

    /** Starts serving; throws ConfigException when the address cannot be bound. */
    static MetricsServer start(InetSocketAddress address, Registry registry, Supplier<List<String>> down) {
        return start(address, registry, down, List::of);
    }

    /**
     * The same; a healthy {@code /healthz} adds the lines of {@code notes} after {@code ok} (a
     * service that is fine but not running, as the privileged process while it is idle).
     */
    static MetricsServer start(InetSocketAddress address, Registry registry, Supplier<List<String>> down,
                               Supplier<List<String>> notes) {
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new ConfigException("metrics_listen: bind " + address.getAddress().getHostAddress() + " port "
                    + address.getPort() + ": " + e.getMessage());
        }
        ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("metrics-", 1).factory());
        server.setExecutor(executor);
        server.createContext("/metrics", ex -> {
            if (allowed(ex)) respond(ex, 200, TextFormat.CONTENT_TYPE, registry.write());
        });
        server.createContext("/healthz", ex -> {
            if (!allowed(ex)) return;
            List<String> problems = down.get();
            if (problems.isEmpty()) {
                StringBuilder body = new StringBuilder("ok\n");
                for (String note : notes.get()) body.append(note).append('\n');
                respond(ex, 200, "text/plain; charset=utf-8", body.toString());
            }
            else respond(ex, 503, "text/plain; charset=utf-8", String.join("\n", problems) + "\n");
        });
        server.start();
        return new MetricsServer(server, executor);
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static boolean allowed(HttpExchange ex) throws IOException {
        String m = ex.getRequestMethod();
        if (m.equals("GET") || m.equals("HEAD")) return true;
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        respond(ex, 405, "text/plain; charset=utf-8", "method not allowed\n");
        return false;
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            if (!head) out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
