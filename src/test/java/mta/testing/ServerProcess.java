package mta.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * ServerProcess - runs a third-party server (PostgreSQL, MariaDB, slapd, memcached, HAProxy) for
 * the tests, privately: its own directory, its own port, output to a log file.
 *
 * <p>Writes everything under the directory it is given. {@link #start} runs the command and polls
 * until the server accepts connections (or the deadline passes, or it dies: then the test fails
 * with the server's log). {@link #stop} sends SIGTERM and waits. Helpers: {@link #require} skips a
 * test on a developer machine without the package but fails in CI ({@code CI} set), where
 * {@code .ci/run} installs it; {@link #asNobody} prefixes a command so that root runs it as
 * {@code nobody} (PostgreSQL refuses to run as root).
 */
public final class ServerProcess {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    public static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final String name;
    private final Path log;
    private final List<String> command;
    private Process process;

    public ServerProcess(String name, Path log, List<String> command) {
        this.name = name;
        this.log = log;
        this.command = List.copyOf(command);
    }

    /** Skips (locally) or fails (in CI) when {@code binary} is not installed. */
    public static void require(Path binary, String debianPackage) {
        if (Files.isExecutable(binary)) return;
        String why = binary + " is not installed (Debian package " + debianPackage + "; .ci/run installs it)";
        if (System.getenv("CI") != null) fail(why);
        assumeTrue(false, why);
    }

    /** {@code command}, run as nobody when the tests run as root. */
    public static List<String> asNobody(List<String> command) {
        if (!ROOT) return command;
        List<String> out = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
        out.addAll(command);
        return out;
    }

    /** A fresh directory that nobody may use too (the temp directories of JUnit are root-only). */
    public static Path directory(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (ROOT) Files.setOwner(dir, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        return dir;
    }

    /** Runs a command to completion (an installer, a loader); fails with its output when it fails. */
    public static String run(List<String> command, Path workDir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command + " did not finish; output:\n" + out);
        }
        if (p.exitValue() != 0) throw new IOException(command + " failed (" + p.exitValue() + "):\n" + out);
        return out;
    }

    /** Starts the server and waits until {@code port} on 127.0.0.1 accepts a connection. */
    public void start(int port) throws IOException, InterruptedException {
        start(() -> canConnect(port));
    }

    /** Starts the server and waits until {@code ready} says so. */
    public void start(Check ready) throws IOException, InterruptedException {
        if (process != null && process.isAlive()) return;
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            if (ready.ok()) return;
            if (!process.isAlive() || System.nanoTime() > end) {
                process.destroyForcibly();
                throw new IOException(name + " did not start (" + command + "); its log:\n" + read(log));
            }
            Thread.sleep(20);
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** SIGTERM, then waits (SIGKILL after 30 seconds). */
    public void stop() {
        stop("TERM");
    }

    /** Sends {@code signal} (TERM, INT, ...), then waits (SIGKILL after 30 seconds). */
    public void stop(String signal) {
        if (process == null || !process.isAlive()) return;
        if (signal.equals("TERM")) {
            process.destroy();
        } else {
            try {
                new ProcessBuilder("kill", "-s", signal, Long.toString(process.pid())).start().waitFor();
            } catch (IOException e) {
                process.destroy();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends a signal (STOP to freeze the server, CONT to let it go on). */
    public void signal(String signal) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-s", signal, Long.toString(process.pid())).start().waitFor();
    }

    /** What the server wrote so far. */
    public String log() {
        return read(log);
    }

    /** A readiness test. */
    public interface Check {
        boolean ok() throws IOException, InterruptedException;
    }

    public static boolean canConnect(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Removes a directory tree, quietly. */
    public static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind
        }
    }
}
