package mta.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * TestPostsrsd - a private postsrsd (the Sender Rewriting Scheme daemon, a tcp_table(5) server)
 * for the test run, started once and shared.
 *
 * <p>Writes a secret file under a temporary directory and runs {@code postsrsd} in the foreground
 * for the domain {@value #DOMAIN}, with its forward and reverse tables on free ports on
 * 127.0.0.1 (as nobody when the tests run as root).
 */
public final class TestPostsrsd {
    public static final String DOMAIN = "srs.example";
    private static final Path POSTSRSD = Path.of("/usr/sbin/postsrsd");
    private static TestPostsrsd instance;

    public final int forwardPort;
    public final int reversePort;
    private final ServerProcess server;

    private TestPostsrsd(int forwardPort, int reversePort, ServerProcess server) {
        this.forwardPort = forwardPort;
        this.reversePort = reversePort;
        this.server = server;
    }

    public static synchronized TestPostsrsd get() throws IOException, InterruptedException {
        if (instance != null) {
            instance.start();
            return instance;
        }
        ServerProcess.require(POSTSRSD, "postsrsd");
        Path dir = Files.createTempDirectory("mta-postsrsd");
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "test-secret-not-for-production\n");
        int forward = TestSite.freePort();
        int reverse = TestSite.freePort();
        List<String> cmd = new ArrayList<>(List.of(POSTSRSD.toString(), "-s" + secret, "-d" + DOMAIN, "-l127.0.0.1",
                "-f" + forward, "-r" + reverse, "-4"));
        if (ServerProcess.ROOT) cmd.add("-unobody");
        ServerProcess p = new ServerProcess("postsrsd", dir.resolve("postsrsd.log"), cmd);
        instance = new TestPostsrsd(forward, reverse, p);
        instance.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            p.stop();
            ServerProcess.delete(dir);
        }));
        return instance;
    }

    public void start() throws IOException, InterruptedException {
        server.start(() -> ServerProcess.canConnect(forwardPort) && ServerProcess.canConnect(reversePort));
    }

    public void stop() {
        server.stop();
    }
}
