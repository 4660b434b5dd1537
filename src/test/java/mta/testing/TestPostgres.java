package mta.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * TestPostgres - a private PostgreSQL server for the test run, started once and shared.
 *
 * <p>Writes a cluster ({@code initdb}, no fsync) under a temporary directory and runs
 * {@code postgres} in the foreground on a free port on 127.0.0.1, with its UNIX socket in that
 * directory, as {@code nobody} when the tests run as root. The superuser {@code postgres} logs in
 * without a password; other roles need theirs (scram-sha-256). {@link #stop} (a fast shutdown)
 * and {@link #start} let a test take the database away and bring it back on the same port.
 */
public final class TestPostgres {
    private static TestPostgres instance;

    public final int port;
    public final Path dir;
    private final ServerProcess server;

    private TestPostgres(int port, Path dir, ServerProcess server) {
        this.port = port;
        this.dir = dir;
        this.server = server;
    }

    /** The shared server, started on first use. */
    public static synchronized TestPostgres get() throws IOException, InterruptedException {
        if (instance != null) {
            instance.start();
            return instance;
        }
        Path bin = binDir();
        ServerProcess.require(bin.resolve("postgres"), "postgresql");
        Path dir = ServerProcess.directory("mta-pgsql");
        Path data = dir.resolve("data");
        ServerProcess.run(ServerProcess.asNobody(List.of(bin.resolve("initdb").toString(), "-D", data.toString(),
                "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--no-locale")), dir);
        Files.writeString(data.resolve("pg_hba.conf"), """
                local all all trust
                host all postgres 127.0.0.1/32 trust
                host all all 127.0.0.1/32 scram-sha-256
                """);
        int port = TestSite.freePort();
        ServerProcess p = new ServerProcess("PostgreSQL", dir.resolve("postgres.log"), ServerProcess.asNobody(List.of(
                bin.resolve("postgres").toString(), "-D", data.toString(), "-p", Integer.toString(port),
                "-k", dir.toString(), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
                "-c", "full_page_writes=off", "-c", "synchronous_commit=off", "-c", "max_connections=200")));
        instance = new TestPostgres(port, dir, p);
        instance.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            p.stop("INT");
            ServerProcess.delete(dir);
        }));
        return instance;
    }

    private static Path binDir() throws IOException {
        Path base = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(base)) return base.resolve("missing/bin");
        try (Stream<Path> s = Files.list(base)) {
            return s.max(Comparator.comparing(p -> {
                try {
                    return Integer.parseInt(p.getFileName().toString());
                } catch (NumberFormatException e) {
                    return 0;
                }
            })).orElse(base.resolve("missing")).resolve("bin");
        }
    }

    /** Starts the server (again) and waits until it takes connections. */
    public void start() throws IOException, InterruptedException {
        server.start(() -> {
            try (Connection c = admin("postgres")) {
                return true;
            } catch (SQLException e) {
                return false;
            }
        });
    }

    /** A fast shutdown: every connection is cut, the port closes. */
    public void stop() {
        server.stop("INT");
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    /** A superuser connection to {@code db}. */
    public Connection admin(String db) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "2");
        return new org.postgresql.Driver().connect("jdbc:postgresql://127.0.0.1:" + port + "/" + db, p);
    }

    /** Creates database {@code db} owned by a new role {@code user} with {@code password} (dropping old ones), then runs {@code sql} in it as that role's owner. */
    public void createDatabase(String db, String user, String password, String... sql) throws SQLException {
        try (Connection c = admin("postgres"); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            st.execute("DROP ROLE IF EXISTS " + user);
            st.execute("CREATE ROLE " + user + " LOGIN PASSWORD '" + password.replace("'", "''") + "'");
            st.execute("CREATE DATABASE " + db + " OWNER " + user);
        }
        execute(db, sql);
        try (Connection c = admin(db); Statement st = c.createStatement()) {
            st.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + user);
        }
    }

    /** Runs statements in {@code db} as the superuser. */
    public void execute(String db, String... sql) throws SQLException {
        try (Connection c = admin(db); Statement st = c.createStatement()) {
            for (String s : sql) st.execute(s);
        }
    }
}
