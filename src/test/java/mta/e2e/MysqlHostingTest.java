package mta.e2e;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import mta.testing.TestMariadb;

/** MysqlHostingTest - {@link DatabaseHostingTest} with every table in MariaDB ({@code mysql:}), ISPmail's layout. */
class MysqlHostingTest extends DatabaseHostingTest {
    TestMariadb db;

    @Override
    String type() {
        return "mysql";
    }

    @Override
    List<String> tables(Path dir) throws Exception {
        db = TestMariadb.get();
        db.createDatabase("mailserver", "mailserver", "Hosting-S3cret", Arrays.stream(new String[] {
            "CREATE TABLE virtual_domains (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL)",
            "CREATE TABLE virtual_users (id INT AUTO_INCREMENT PRIMARY KEY, domain_id INT NOT NULL,"
                    + " email VARCHAR(100) NOT NULL, password VARCHAR(150) NOT NULL, quota BIGINT NOT NULL DEFAULT 0)",
            "CREATE TABLE virtual_aliases (id INT AUTO_INCREMENT PRIMARY KEY, domain_id INT NOT NULL,"
                    + " source VARCHAR(100) NOT NULL, destination VARCHAR(100) NOT NULL)",
            "INSERT INTO virtual_domains (name) VALUES ('box.example')",
            "INSERT INTO virtual_users (domain_id, email, password) VALUES (1, 'ann@box.example', 'x'), (1, 'ben@box.example', 'x')",
            "INSERT INTO virtual_aliases (domain_id, source, destination) VALUES (1, 'info@box.example', 'ann@box.example'),"
                    + " (1, 'team@box.example', 'ann@box.example'), (1, 'team@box.example', 'ben@box.example'),"
                    + " (1, 'o''brien\"%*()\\\\x@box.example', 'ann@box.example')",
        }).toArray(String[]::new));
        String connect = "user = mailserver\npassword = Hosting-S3cret\nhosts = 127.0.0.1:" + db.port
                + "\ndbname = mailserver\nretry_interval = 1\nconnect_timeout = 2\n";
        return List.of(
                cf(dir, "mysql", "domains", connect + "query = SELECT 1 FROM virtual_domains WHERE name='%s'\n"),
                cf(dir, "mysql", "mailboxes", connect
                        + "query = SELECT CONCAT('%d', '/', '%u', '/') FROM virtual_users WHERE email='%s'\n"),
                cf(dir, "mysql", "aliases", connect
                        + "query = SELECT destination FROM virtual_aliases WHERE source='%s'\n"));
    }

    @Override
    String serverLabel() {
        return "mysql server 127.0.0.1:" + db.port;
    }

    @Override
    void stopServer() {
        db.stop();
    }

    @Override
    void startServer() throws Exception {
        db.start();
    }
}
