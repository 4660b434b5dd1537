package mta.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

/**
 * SqliteHostingTest - {@link DatabaseHostingTest} with every table in an SQLite file
 * ({@code sqlite:}, Mail-in-a-Box's layout); the database "goes away" by being moved aside.
 */
class SqliteHostingTest extends DatabaseHostingTest {
    Path file;

    @Override
    String type() {
        return "sqlite";
    }

    @Override
    List<String> tables(Path dir) throws Exception {
        file = dir.resolve("users.sqlite");
        try (Connection c = new org.sqlite.JDBC().connect("jdbc:sqlite:" + file, new java.util.Properties());
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL UNIQUE,"
                    + " password TEXT NOT NULL, extra, privileges TEXT NOT NULL DEFAULT '')");
            st.execute("CREATE TABLE aliases (id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL UNIQUE,"
                    + " destination TEXT NOT NULL, permitted_senders TEXT)");
            st.execute("INSERT INTO users (email, password) VALUES ('ann@box.example', 'x'), ('ben@box.example', 'x')");
            st.execute("INSERT INTO aliases (source, destination) VALUES ('info@box.example', 'ann@box.example'),"
                    + " ('team@box.example', 'ann@box.example,ben@box.example'),"
                    + " ('o''brien\"%*()\\x@box.example', 'ann@box.example')");
        }
        String db = "dbpath=" + file + "\n";
        return List.of(
                cf(dir, "sqlite", "domains", db + "query = SELECT 1 FROM users WHERE email LIKE '%%@%s' UNION "
                        + "SELECT 1 FROM aliases WHERE source LIKE '%%@%s'\n"),
                cf(dir, "sqlite", "mailboxes", db + "query = SELECT '%d/%u/' FROM users WHERE email='%s'\n"),
                cf(dir, "sqlite", "aliases", db + "query = SELECT destination FROM aliases WHERE source='%s'\n"));
    }

    @Override
    String serverLabel() {
        return "sqlite server " + file;
    }

    @Override
    void stopServer() throws Exception {
        Files.move(file, file.resolveSibling("aside"), StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    void startServer() throws Exception {
        Files.move(file.resolveSibling("aside"), file, StandardCopyOption.ATOMIC_MOVE);
    }
}
