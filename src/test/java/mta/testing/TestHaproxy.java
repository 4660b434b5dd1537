package mta.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * TestHaproxy - a private HAProxy in TCP mode in front of SMTP servers, speaking the PROXY
 * protocol version 2 to them.
 *
 * <p>Writes {@code haproxy.cfg} into the directory given and runs {@code haproxy -db} in the
 * foreground: one frontend on 127.0.0.1:{@link #port}, one backend with the given servers,
 * round robin, health checks every 300 ms (which send a PROXY header too), and a failed connect
 * dispatched to another server.
 */
public final class TestHaproxy implements AutoCloseable {
    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");

    public final int port;
    private final ServerProcess server;

    private TestHaproxy(int port, ServerProcess server) {
        this.port = port;
        this.server = server;
    }

    /** Starts HAProxy in front of the SMTP servers on these loopback ports. */
    public static TestHaproxy start(Path dir, List<Integer> backends) throws IOException, InterruptedException {
        ServerProcess.require(HAPROXY, "haproxy");
        int port = TestSite.freePort();
        StringBuilder cfg = new StringBuilder("""
                defaults
                    mode tcp
                    timeout connect 1s
                    timeout client 60s
                    timeout server 60s
                    retries 3
                    option redispatch
                frontend smtp
                    bind 127.0.0.1:%d
                    default_backend mtas
                backend mtas
                    balance roundrobin
                """.formatted(port));
        int n = 0;
        for (int b : backends) {
            cfg.append("    server mta").append(++n).append(" 127.0.0.1:").append(b)
                    .append(" send-proxy-v2 check check-send-proxy inter 300ms fall 1 rise 2\n");
        }
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, cfg);
        ServerProcess p = new ServerProcess("HAProxy", dir.resolve("haproxy.log"),
                List.of(HAPROXY.toString(), "-db", "-f", file.toString()));
        TestHaproxy h = new TestHaproxy(port, p);
        p.start(port);
        return h;
    }

    public String log() {
        return server.log();
    }

    @Override
    public void close() {
        server.stop();
    }
}
