package mta.e2e;

import java.nio.file.Path;
import java.util.List;
import mta.testing.TestPostgres;

/** PgsqlHostingTest - {@link DatabaseHostingTest} with every table in PostgreSQL ({@code pgsql:}). */
class PgsqlHostingTest extends DatabaseHostingTest {
    static final String[] SCHEMA = {
        "CREATE TABLE domains (domain VARCHAR(255) PRIMARY KEY)",
        "CREATE TABLE mailboxes (email VARCHAR(255) PRIMARY KEY, maildir VARCHAR(255) NOT NULL, active BOOLEAN NOT NULL)",
        "CREATE TABLE aliases (source VARCHAR(255) NOT NULL, destination VARCHAR(255) NOT NULL)",
        "INSERT INTO domains VALUES ('box.example')",
        "INSERT INTO mailboxes VALUES ('ann@box.example', 'box.example/ann/', true), ('ben@box.example', 'box.example/ben/', true)",
        "INSERT INTO aliases VALUES ('info@box.example', 'ann@box.example'), ('team@box.example', 'ann@box.example'),"
                + " ('team@box.example', 'ben@box.example'), ('o''brien\"%*()\\x@box.example', 'ann@box.example')",
    };
    TestPostgres pg;

    @Override
    String type() {
        return "pgsql";
    }

    @Override
    List<String> tables(Path dir) throws Exception {
        pg = TestPostgres.get();
        pg.createDatabase("hosting", "mailserver", "Hosting-S3cret", SCHEMA);
        String connect = "hosts = 127.0.0.1:" + pg.port + "\nuser = mailserver\npassword = Hosting-S3cret\n"
                + "dbname = hosting\nretry_interval = 1\nconnect_timeout = 2\n";
        return List.of(
                cf(dir, "pgsql", "domains", connect + "query = SELECT domain FROM domains WHERE domain = '%s'\n"),
                cf(dir, "pgsql", "mailboxes", connect + "query = SELECT maildir FROM mailboxes WHERE email = '%s' AND active\n"),
                cf(dir, "pgsql", "aliases", connect + "query = SELECT destination FROM aliases WHERE source = '%s'\n"));
    }

    @Override
    String serverLabel() {
        return "pgsql server 127.0.0.1:" + pg.port;
    }

    @Override
    void stopServer() {
        pg.stop();
    }

    @Override
    void startServer() throws Exception {
        pg.start();
    }
}
