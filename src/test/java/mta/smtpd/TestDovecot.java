package mta.smtpd;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * TestDovecot - a private Dovecot authentication server for the test run, started once and shared.
 *
 * <p>Writes a temporary directory with a minimal {@code dovecot.conf} (no mail protocols, its
 * run and state directories inside, plaintext passwords in a passwd-file, mechanisms PLAIN and
 * LOGIN, no failure delay and no growing penalty for repeated failures) and runs {@code /usr/sbin/dovecot -F} in the foreground until the JVM
 * ends. {@link #get()} waits for the auth socket with a deadline; tests are skipped (an
 * assumption) only when Dovecot is not installed. Users: {@code alice} / {@code alice-secret},
 * {@code bob} / {@code bob-secret}. Dovecot's own log is {@link #log}.
 */
final class TestDovecot {
    static final Path DOVECOT = Path.of("/usr/sbin/dovecot");
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static TestDovecot instance;

    /** The auth-client socket, for smtpd_sasl_path. */
    final Path socket;
    /** Dovecot's log file. */
    final Path log;
    private final Path dir;
    private final Process process;

    private TestDovecot(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
        this.socket = dir.resolve("run/auth-client");
        this.log = dir.resolve("dovecot.log");
    }

    /** The shared instance, started on first use; skips the calling test when Dovecot is not installed. */
    static synchronized TestDovecot get() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(DOVECOT), "Dovecot is not installed (" + DOVECOT + ")");
        if (instance == null) {
            instance = start();
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop));
        }
        return instance;
    }

    private static TestDovecot start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("mta-dovecot");
        // Dovecot's auth process runs as an unprivileged user: it must reach the users file.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path users = dir.resolve("users");
        Files.writeString(users, "alice:{PLAIN}alice-secret::::::\nbob:{PLAIN}bob-secret::::::\n");
        Files.setPosixFilePermissions(users, PosixFilePermissions.fromString("rw-r--r--"));
        boolean root = "root".equals(System.getProperty("user.name"));
        String internal = root ? firstUser("dovecot", "nobody") : System.getProperty("user.name");
        String login = root ? firstUser("dovenull", "nobody") : System.getProperty("user.name");
        String conf = """
                protocols =
                base_dir = %1$s/run
                state_dir = %1$s/state
                log_path = %1$s/dovecot.log
                info_log_path = %1$s/dovecot.log
                ssl = no
                default_internal_user = %2$s
                default_login_user = %3$s
                auth_mechanisms = plain login
                auth_failure_delay = 0
                disable_plaintext_auth = no
                passdb {
                  driver = passwd-file
                  args = scheme=PLAIN %4$s
                }
                userdb {
                  driver = static
                  args = uid=65534 gid=65534 home=/nonexistent
                }
                service auth {
                  unix_listener auth-client {
                    mode = 0666
                  }
                }
                # no auth penalty: repeated failures from 127.0.0.2 would otherwise wait up to 15 seconds each
                service anvil {
                  unix_listener anvil-auth-penalty {
                    mode = 0
                  }
                }
                """.formatted(dir, internal, login, users);
        Path file = dir.resolve("dovecot.conf");
        Files.writeString(file, conf);
        Process p = new ProcessBuilder(DOVECOT.toString(), "-F", "-c", file.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("dovecot.out").toFile()).start();
        TestDovecot d = new TestDovecot(dir, p);
        d.awaitSocket();
        return d;
    }

    private static String firstUser(String... names) throws IOException {
        for (String n : names) {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                if (line.startsWith(n + ":")) return n;
            }
        }
        return "nobody";
    }

    private void awaitSocket() throws IOException, InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            if (Files.exists(socket)) {
                try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                    return;
                } catch (IOException notYet) {
                    // the listener is being set up
                }
            }
            if (!process.isAlive() || System.nanoTime() > end) {
                throw new IOException("Dovecot did not start; its output:\n" + read(dir.resolve("dovecot.out"))
                        + "\nits log:\n" + read(log));
            }
            Thread.sleep(20);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private void stop() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind
        }
    }
}
