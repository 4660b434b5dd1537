package mta.testing;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * TestSlapd - a private OpenLDAP server for the test run, started once and shared.
 *
 * <p>Writes a {@code slapd.conf} (the core, cosine, inetorgperson, nis and misc schemas; one mdb
 * database with suffix {@value #SUFFIX}, managed by {@value #ROOT_DN} / {@value #ROOT_PW}) under
 * a temporary directory and runs {@code slapd -d 0} in the foreground, listening on a free port on
 * 127.0.0.1 and on an {@code ldapi://} socket in that directory. {@link #add} loads LDIF with
 * {@code ldapadd}; {@link #stop} and {@link #start} take the directory away and bring it back.
 */
public final class TestSlapd {
    public static final String SUFFIX = "dc=example,dc=test";
    public static final String ROOT_DN = "cn=admin,dc=example,dc=test";
    public static final String ROOT_PW = "secret";
    private static final Path SLAPD = Path.of("/usr/sbin/slapd");
    private static TestSlapd instance;

    public final int port;
    public final Path socket;
    private final Path dir;
    private final ServerProcess server;

    private TestSlapd(int port, Path socket, Path dir, ServerProcess server) {
        this.port = port;
        this.socket = socket;
        this.dir = dir;
        this.server = server;
    }

    public static synchronized TestSlapd get() throws IOException, InterruptedException {
        if (instance != null) {
            instance.start();
            return instance;
        }
        ServerProcess.require(SLAPD, "slapd");
        ServerProcess.require(Path.of("/usr/bin/ldapadd"), "ldap-utils");
        Path dir = Files.createTempDirectory("mta-slapd");
        Files.createDirectories(dir.resolve("db"));
        Files.writeString(dir.resolve("slapd.conf"), """
                include /etc/ldap/schema/core.schema
                include /etc/ldap/schema/cosine.schema
                include /etc/ldap/schema/inetorgperson.schema
                include /etc/ldap/schema/nis.schema
                include /etc/ldap/schema/misc.schema
                pidfile %1$s/slapd.pid
                modulepath /usr/lib/ldap
                moduleload back_mdb
                database mdb
                suffix "%2$s"
                rootdn "%3$s"
                rootpw %4$s
                directory %1$s/db
                maxsize 10485760
                """.formatted(dir, SUFFIX, ROOT_DN, ROOT_PW));
        int port = TestSite.freePort();
        Path socket = dir.resolve("ldapi");
        String ldapi = "ldapi://" + URLEncoder.encode(socket.toString(), StandardCharsets.UTF_8);
        ServerProcess p = new ServerProcess("slapd", dir.resolve("slapd.log"), List.of(SLAPD.toString(), "-d", "0",
                "-f", dir.resolve("slapd.conf").toString(), "-h", "ldap://127.0.0.1:" + port + "/ " + ldapi));
        instance = new TestSlapd(port, socket, dir, p);
        instance.start();
        instance.add("""
                dn: %s
                objectClass: dcObject
                objectClass: organization
                o: example
                dc: example
                """.formatted(SUFFIX));
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

    /** Freezes (true) or thaws (false) the server: connections stay open, nothing is answered. */
    public void freeze(boolean frozen) throws IOException, InterruptedException {
        server.signal(frozen ? "STOP" : "CONT");
    }

    /** Adds the entries of {@code ldif} (as the root DN). */
    public void add(String ldif) throws IOException, InterruptedException {
        Path f = Files.createTempFile(dir, "add", ".ldif");
        Files.writeString(f, ldif);
        ServerProcess.run(List.of("ldapadd", "-x", "-H", "ldap://127.0.0.1:" + port, "-D", ROOT_DN, "-w", ROOT_PW,
                "-f", f.toString()), dir);
    }

    /** Deletes entries by DN (recursively). */
    public void delete(String... dns) throws IOException, InterruptedException {
        for (String dn : dns) {
            Process p = new ProcessBuilder("ldapdelete", "-r", "-x", "-H", "ldap://127.0.0.1:" + port, "-D", ROOT_DN,
                    "-w", ROOT_PW, dn).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(); // a missing entry is fine
        }
    }
}
