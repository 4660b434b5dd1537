package mta.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import mta.testing.TestMemcached;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MemcacheTableTest - memcache_table(5) against a private memcached: a cache in front of a
 * backup table, filled on a miss; memcached away (the backup answers, or a temporary failure).
 */
class MemcacheTableTest {
    static TestMemcached mc;

    @TempDir
    Path tmp;

    @BeforeAll
    static void server() throws Exception {
        mc = TestMemcached.get();
    }

    Table open(String body) throws Exception {
        Path cf = Files.createTempFile(tmp, "memcache", ".cf");
        Files.writeString(cf, "memcache = inet:127.0.0.1:" + mc.port + "\n" + body);
        return Tables.open("memcache:" + cf);
    }

    @Test
    void aMissIsLookedUpInTheBackupAndCached() throws Exception {
        Path backup = tmp.resolve("virtual");
        Files.writeString(backup, "info@box.example ann@box.example\n");
        try (Table t = open("backup = texthash:" + backup + "\nkey_format = test1:%s\nttl = 60\n")) {
            assertEquals("ann@box.example", t.get("Info@Box.Example"));
            assertEquals("ann@box.example", memcachedGet("test1:info@box.example"), "stored in memcached");
            assertNull(t.get("nobody@box.example"));
            assertNull(memcachedGet("test1:nobody@box.example"), "a miss is not stored");
            Files.writeString(backup, "");
            assertEquals("ann@box.example", t.get("info@box.example"), "the cache answers first");
        }
    }

    @Test
    void memcachedAwayWithAndWithoutBackup() throws Exception {
        try (Table withBackup = open("backup = inline:{ a@b.example=c@d.example }\nkey_format = test2:%s\ntimeout = 1\n");
             Table alone = open("key_format = test2:%s\ntimeout = 1\n")) {
            assertEquals("c@d.example", withBackup.get("a@b.example"));
            assertEquals("c@d.example", alone.get("a@b.example"), "the cached copy");
            mc.stop();
            try {
                assertEquals("c@d.example", withBackup.get("a@b.example"), "the backup answers alone");
                TableLookupException e = assertThrows(TableLookupException.class, () -> alone.get("a@b.example"));
                assertTrue(e.getMessage().contains("memcache server 127.0.0.1:" + mc.port), e.getMessage());
            } finally {
                mc.start();
            }
            assertNull(alone.get("a@b.example"), "back, empty");
        }
    }

    @Test
    void keysMemcachedCannotTakeGoToTheBackupOnly() throws Exception {
        try (Table t = open("backup = inline:{ {a b@c.example = found} }\n")) {
            assertEquals("found", t.get("a b@c.example"));
        }
        try (Table t = open("backup = inline:{ x@y.example=z }\ndomain = other.example\n")) {
            assertNull(t.get("x@y.example"), "outside domain");
        }
    }

    static String memcachedGet(String key) throws Exception {
        try (Socket s = new Socket("127.0.0.1", mc.port)) {
            OutputStream out = s.getOutputStream();
            out.write(("get " + key + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line.equals("END")) return null;
            return in.readLine();
        }
    }
}
