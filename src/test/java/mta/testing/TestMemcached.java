package mta.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * TestMemcached - a private memcached for the test run, started once and shared.
 *
 * <p>Runs {@code memcached} in the foreground on a free port on 127.0.0.1 (no UDP), as
 * {@code nobody} when the tests run as root; its output goes to a log in a temporary directory.
 * {@link #stop} and {@link #start} take it away and bring it back (empty).
 */
public final class TestMemcached {
    private static final Path MEMCACHED = Path.of("/usr/bin/memcached");
    private static TestMemcached instance;

    public final int port;
    private final ServerProcess server;

    private TestMemcached(int port, ServerProcess server) {
        this.port = port;
        this.server = server;
    }

    public static synchronized TestMemcached get() throws IOException, InterruptedException {
        if (instance != null) {
            instance.start();
            return instance;
        }
        ServerProcess.require(MEMCACHED, "memcached");
        Path dir = Files.createTempDirectory("mta-memcached");
        int port = TestSite.freePort();
        List<String> cmd = new ArrayList<>(List.of(MEMCACHED.toString(), "-p", Integer.toString(port), "-U", "0",
                "-l", "127.0.0.1", "-m", "16"));
        if (ServerProcess.ROOT) cmd.addAll(List.of("-u", "nobody"));
        ServerProcess p = new ServerProcess("memcached", dir.resolve("memcached.log"), cmd);
        instance = new TestMemcached(port, p);
        instance.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            p.stop();
            ServerProcess.delete(dir);
        }));
        return instance;
    }

    public void start() throws IOException, InterruptedException {
        server.start(port);
    }

    public void stop() {
        server.stop();
    }
}
