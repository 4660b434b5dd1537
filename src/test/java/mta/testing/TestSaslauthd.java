package mta.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * TestSaslauthd - a private Cyrus saslauthd for the test run, checking passwords against the private slapd.
 *
 * <p>Writes a {@code saslauthd.conf} for its {@code ldap} mechanism (search {@link TestSlapd#SUFFIX}
 * by {@code uid}, then bind as the entry found) under a temporary directory, and runs
 * {@code saslauthd -a ldap -O FILE -m DIR -n 0 -d} in the foreground, in a session of its own
 * ({@code setsid}: saslauthd signals its whole process group when it ends); its socket is {@link #socket}
 * ({@code DIR/mux}). Users are LDAP entries with a {@code userPassword}, added by {@link #user}.
 * Started once and shared; {@link #stop} and {@link #start} take it away and bring it back.
 */
public final class TestSaslauthd {
    private static final Path SASLAUTHD = Path.of("/usr/sbin/saslauthd");
    private static TestSaslauthd instance;

    public final Path socket;
    private final TestSlapd ldap;
    private final ServerProcess server;

    private TestSaslauthd(Path socket, TestSlapd ldap, ServerProcess server) {
        this.socket = socket;
        this.ldap = ldap;
        this.server = server;
    }

    public static synchronized TestSaslauthd get() throws IOException, InterruptedException {
        if (instance != null) {
            instance.start();
            return instance;
        }
        ServerProcess.require(SASLAUTHD, "sasl2-bin");
        TestSlapd ldap = TestSlapd.get();
        Path dir = ServerProcess.directory("mta-saslauthd");
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.writeString(dir.resolve("saslauthd.conf"), """
                ldap_servers: ldap://127.0.0.1:%d/
                ldap_search_base: %s
                ldap_filter: (uid=%%u)
                ldap_bind_dn: %s
                ldap_password: %s
                ldap_timeout: 5
                """.formatted(ldap.port, TestSlapd.SUFFIX, TestSlapd.ROOT_DN, TestSlapd.ROOT_PW));
        Path socket = run.resolve("mux");
        // In its own session: on exit saslauthd signals its whole process group, which would be this JVM's.
        ServerProcess p = new ServerProcess("saslauthd", dir.resolve("saslauthd.log"), List.of("setsid", SASLAUTHD.toString(),
                "-a", "ldap", "-O", dir.resolve("saslauthd.conf").toString(), "-m", run.toString(), "-n", "0", "-d"));
        instance = new TestSaslauthd(socket, ldap, p);
        instance.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            p.stop();
            ServerProcess.delete(dir);
        }));
        return instance;
    }

    /** Starts saslauthd (if it is not running) and waits for its socket. */
    public void start() throws IOException, InterruptedException {
        if (server.isRunning()) return;
        Files.deleteIfExists(socket);
        server.start(() -> Files.exists(socket));
    }

    public void stop() {
        server.stop();
    }

    /** Adds a user {@code uid} with {@code password} to the directory (once per run). */
    public void user(String uid, String password) throws IOException, InterruptedException {
        ldap.add("""
                dn: uid=%1$s,%2$s
                objectClass: inetOrgPerson
                cn: %1$s
                sn: %1$s
                uid: %1$s
                userPassword: %3$s
                """.formatted(uid, TestSlapd.SUFFIX, password));
    }
}
