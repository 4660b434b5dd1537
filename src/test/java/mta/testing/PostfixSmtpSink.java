package mta.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * PostfixSmtpSink - Postfix's own test server, {@code smtp-sink(1)}, started privately for a test.
 *
 * <p>Runs {@code /usr/sbin/smtp-sink} (Debian package postfix) on 127.0.0.1 and a free port, with
 * {@code -d} so that it writes each mail transaction to a file in a directory of the test
 * ({@link #dumps()}, removed on close): the {@code X-Mail-Args:} and {@code X-Rcpt-Args:} lines show the MAIL FROM
 * and RCPT TO parameters it received, then the content lines as it read them. It announces
 * PIPELINING, 8BITMIME and DSN, never SMTPUTF8; {@code options} add smtp-sink's own switches
 * ({@code -8}: no 8BITMIME). Run as root, it drops to {@code nobody} after binding, as its manual
 * asks. Closing kills the process.
 */
public final class PostfixSmtpSink implements AutoCloseable {
    public static final Path PROGRAM = Path.of("/usr/sbin/smtp-sink");

    private final Process process;
    private final Path dumps;
    private final int port;

    private PostfixSmtpSink(Process process, Path dumps, int port) {
        this.process = process;
        this.dumps = dumps;
        this.port = port;
    }

    /** Starts smtp-sink with its dumps under {@code dir}; waits until it accepts connections. */
    public static PostfixSmtpSink start(Path dir, String... options) throws IOException, InterruptedException {
        if (!Files.isExecutable(PROGRAM)) throw new IOException(PROGRAM + " is missing: install the postfix package");
        // Under the system's temporary directory, not the test's: after dropping to nobody, smtp-sink
        // must be able to reach it, and JUnit's temporary directories are private to root.
        Path dumps = Files.createTempDirectory("mta-smtp-sink-");
        Files.setPosixFilePermissions(dumps, PosixFilePermissions.fromString("rwxrwxrwx"));
        int port = TestSite.freePort();
        List<String> cmd = new ArrayList<>(List.of(PROGRAM.toString()));
        if ("root".equals(System.getProperty("user.name"))) cmd.addAll(List.of("-u", "nobody"));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of("-d", dumps + "/%M.", "127.0.0.1:" + port, "20"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("smtp-sink.log").toFile()).start();
        PostfixSmtpSink sink = new PostfixSmtpSink(p, dumps, port);
        long end = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getInputStream().read(); // the greeting
                return sink;
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > end) {
                    sink.close();
                    throw new IOException("smtp-sink did not start: " + Files.readString(dir.resolve("smtp-sink.log")));
                }
                Thread.sleep(20);
            }
        }
    }

    /** {@code [127.0.0.1]:port}, the next-hop that reaches it. */
    public String nexthop() {
        return "[127.0.0.1]:" + port;
    }

    /** The dump files written so far, each as its text (lines end in LF). */
    public List<String> dumps() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dumps)) {
            for (Path f : s.sorted().toList()) out.add(Files.readString(f, StandardCharsets.UTF_8));
        }
        return out;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> s = Files.list(dumps)) {
            for (Path f : s.toList()) Files.deleteIfExists(f);
            Files.deleteIfExists(dumps);
        } catch (IOException ignored) {
            // a leftover in /tmp is harmless
        }
    }
}
