package mta.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * TestMariadb - a private MariaDB server for the test run, started once and shared.
 *
 * <p>Writes a data directory ({@code mariadb-install-db}, root without a password) under a
 * temporary directory and runs {@code mariadbd} in the foreground on a free port on 127.0.0.1,
 * with its UNIX socket in that directory. {@link #stop} and {@link #start} let a test take the
 * database away and bring it back on the same port.
 */
public final class TestMariadb {
    private static final Path MARIADBD = Path.of("/usr/sbin/mariadbd");
    private static TestMariadb instance;

    public final int port;
    public final Path socket;
    private final ServerProcess server;

    private TestMariadb(int port, Path socket, ServerProcess server) {
        this.port = port;
        this.socket = socket;
        this.server = server;
    }

    public static synchronized TestMariadb get() throws IOException, InterruptedException {
        if (instance != null) {
            instance.start();
            return instance;
        }
        ServerProcess.require(MARIADBD, "mariadb-server");
        Path dir = ServerProcess.directory("mta-mariadb");
        Path data = dir.resolve("data");
        List<String> install = new ArrayList<>(List.of("mariadb-install-db", "--no-defaults", "--datadir=" + data,
                "--auth-root-authentication-method=normal", "--skip-test-db"));
        if (ServerProcess.ROOT) install.add("--user=root");
        ServerProcess.run(install, dir);
        int port = TestSite.freePort();
        Path socket = dir.resolve("mysqld.sock");
        List<String> cmd = new ArrayList<>(List.of(MARIADBD.toString(), "--no-defaults", "--datadir=" + data,
                "--socket=" + socket, "--port=" + port, "--bind-address=127.0.0.1", "--skip-log-bin",
                "--innodb-buffer-pool-size=16M", "--skip-name-resolve", "--pid-file=" + dir.resolve("mysqld.pid"),
                "--log-error=" + dir.resolve("error.log"), "--innodb-flush-log-at-trx-commit=0"));
        if (ServerProcess.ROOT) cmd.add("--user=root");
        ServerProcess p = new ServerProcess("MariaDB", dir.resolve("mariadbd.out"), cmd);
        instance = new TestMariadb(port, socket, p);
        instance.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            p.stop();
            ServerProcess.delete(dir);
        }));
        return instance;
    }

    public void start() throws IOException, InterruptedException {
        server.start(() -> {
            try (Connection c = admin("")) {
                return true;
            } catch (SQLException e) {
                return false;
            }
        });
    }

    public void stop() {
        server.stop();
    }

    public Connection admin(String db) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "root");
        p.setProperty("connectTimeout", "2000");
        return new org.mariadb.jdbc.Driver().connect("jdbc:mariadb://127.0.0.1:" + port + "/" + db, p);
    }

    /** Creates database {@code db} and user {@code user}@'%' with read access to it, then runs {@code sql} in it. */
    public void createDatabase(String db, String user, String password, String... sql) throws SQLException {
        try (Connection c = admin(""); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + db);
            st.execute("DROP USER IF EXISTS '" + user + "'@'%'");
            st.execute("CREATE DATABASE " + db);
            st.execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password.replace("'", "''") + "'");
            st.execute("GRANT SELECT, EXECUTE ON " + db + ".* TO '" + user + "'@'%'");
        }
        execute(db, sql);
    }

    public void execute(String db, String... sql) throws SQLException {
        try (Connection c = admin(db); Statement st = c.createStatement()) {
            for (String s : sql) st.execute(s);
        }
    }
}
