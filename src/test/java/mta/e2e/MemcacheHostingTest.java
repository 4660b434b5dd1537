package mta.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mta.testing.TestMemcached;

/**
 * MemcacheHostingTest - {@link DatabaseHostingTest} with every table a {@code memcache:} cache
 * (a private memcached) in front of the SQLite tables of {@link SqliteHostingTest}. Taking the
 * data away means stopping memcached and moving the database aside: with memcached alone gone
 * the backup keeps answering (MemcacheTableTest).
 */
class MemcacheHostingTest extends DatabaseHostingTest {
    private final SqliteHostingTest backup = new SqliteHostingTest();
    TestMemcached mc;

    @Override
    String type() {
        return "memcache";
    }

    @Override
    List<String> tables(Path dir) throws Exception {
        mc = TestMemcached.get();
        List<String> backups = backup.tables(dir);
        List<String> out = new ArrayList<>();
        String[] names = {"domains", "mailboxes", "aliases"};
        String prefix = "t" + System.nanoTime() + "-"; // a fresh key space for each test
        for (int i = 0; i < 3; i++) {
            out.add(cf(dir, "memcache", "memcache-" + names[i], "memcache = inet:127.0.0.1:" + mc.port + "\n"
                    + "backup = " + backups.get(i) + "\nkey_format = " + prefix + names[i] + ":%s\ntimeout = 1\nttl = 1\n"));
        }
        return out;
    }

    @Override
    String warnedType() {
        return "sqlite";
    }

    @Override
    String serverLabel() {
        return backup.serverLabel();
    }

    @Override
    void stopServer() throws Exception {
        mc.stop();
        backup.stopServer();
    }

    @Override
    void startServer() throws Exception {
        backup.startServer();
        mc.start();
    }
}
