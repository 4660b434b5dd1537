package mta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import mta.util.PosixAccounts;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostmapCommandTest - postmap's options, output and exit status, positive and negative.
 */
class PostmapCommandTest {
    @TempDir Path dir;
    Path conf;
    Path virtual;

    @BeforeEach
    void setUp() throws Exception {
        conf = Files.createDirectory(dir.resolve("conf"));
        Files.writeString(conf.resolve("main.cf"), "myhostname = mx.example.test\ndefault_database_type = btree\n");
        virtual = dir.resolve("virtual");
        Files.writeString(virtual, """
                # virtual aliases
                Postmaster@Example.COM   root
                sales@example.com        bob,
                    carol
                """);
    }

    private CommandRun withInput(String stdin, String... args) {
        return CommandRun.of(Postmap::run, stdin, args);
    }

    private CommandRun postmap(String... args) {
        return withInput("", args);
    }

    @Test
    void buildsTheDbAndQueriesItCaseInsensitively() {
        CommandRun build = postmap("hash:" + virtual);
        assertEquals(new CommandRun(0, "", ""), build);
        assertTrue(Files.exists(dir.resolve("virtual.db")));

        assertEquals(new CommandRun(0, "root\n", ""), postmap("-q", "postmaster@example.com", "hash:" + virtual));
        assertEquals(new CommandRun(0, "bob, carol\n", ""), postmap("-q", "SALES@example.com", "hash:" + virtual));
    }

    @Test
    void lmdbAndCdbTablesAreBuiltBesideTheSourceWithTheirOwnSuffix() {
        for (String type : new String[] {"lmdb", "cdb"}) {
            assertEquals(new CommandRun(0, "", ""), postmap(type + ":" + virtual));
            assertTrue(Files.exists(dir.resolve("virtual." + type)), type);
            assertEquals(new CommandRun(0, "root\n", ""), postmap("-q", "postmaster@example.com", type + ":" + virtual));
            assertEquals(0, postmap("-d", "postmaster@example.com", type + ":" + virtual).exit());
            assertEquals(1, postmap("-q", "postmaster@example.com", type + ":" + virtual).exit());
        }
        assertFalse(Files.exists(dir.resolve("virtual.db")), "no .db for lmdb: and cdb:");
    }

    @Test
    void databaseTablesAreQueriedButNotBuilt() throws Exception {
        Path cf = dir.resolve("pgsql.cf");
        Files.writeString(cf, "hosts = 127.0.0.1:" + mta.testing.TestSite.freePort()
                + "\nuser = u\npassword = Pa55word\nquery = SELECT 1 WHERE '%s' = ''\nretry_interval = 0\n");
        assertEquals(new CommandRun(1, "", "postmap: fatal: unsupported dictionary type: pgsql does not support"
                + " bulk-mode creation.\n"), postmap("pgsql:" + cf));
        assertEquals(new CommandRun(1, "", "postmap: fatal: table pgsql:" + cf
                + ": sequence operation is not supported\n"), postmap("-s", "pgsql:" + cf));
        CommandRun q = postmap("-q", "a@b.example", "pgsql:" + cf);
        assertEquals(1, q.exit());
        assertTrue(q.err().startsWith("postmap: fatal: pgsql:" + cf + ": table lookup problem: connect to pgsql server 127.0.0.1:"),
                q.err());
        assertFalse(q.err().contains("Pa55word"), q.err());
    }

    @Test
    void missPrintsNothingAndExitsOne() {
        postmap("hash:" + virtual);
        assertEquals(new CommandRun(1, "", ""), postmap("-q", "nobody@example.com", "hash:" + virtual));
    }

    @Test
    void fileWithoutTypeUsesDefaultDatabaseTypeFromMainCf() {
        assertEquals(0, postmap("-c", conf.toString(), virtual.toString()).exit());
        assertEquals(new CommandRun(0, "root\n", ""),
                postmap("-c", conf.toString(), "-q", "postmaster@example.com", virtual.toString()));
        assertEquals(new CommandRun(0, "root\n", ""), postmap("-q", "postmaster@example.com", "btree:" + virtual));
    }

    @Test
    void queryKeysFromStandardInput() {
        postmap("hash:" + virtual);
        CommandRun r = withInput("nobody\nSales@Example.com\n\npostmaster@example.com\n", "-q", "-", "hash:" + virtual);
        assertEquals(new CommandRun(0, "Sales@Example.com\tbob, carol\npostmaster@example.com\troot\n", ""), r);
        assertEquals(1, withInput("nobody\n", "-q", "-", "hash:" + virtual).exit());
    }

    @Test
    void dumpListsEveryEntry() {
        postmap("hash:" + virtual);
        assertEquals(new CommandRun(0, "postmaster@example.com\troot\nsales@example.com\tbob, carol\n", ""),
                postmap("-s", "hash:" + virtual));
    }

    @Test
    void deleteSaysWhetherTheKeyWasThere() {
        postmap("hash:" + virtual);
        assertEquals(new CommandRun(0, "", ""), postmap("-d", "Postmaster@example.com", "hash:" + virtual));
        assertEquals(new CommandRun(1, "", ""), postmap("-d", "postmaster@example.com", "hash:" + virtual));
        assertEquals(new CommandRun(0, "sales@example.com\tbob, carol\n", ""), postmap("-s", "hash:" + virtual));
    }

    @Test
    void queriesFirstHitAcrossTablesAndInlineTables() {
        postmap("hash:" + virtual);
        assertEquals(new CommandRun(0, "x\n", ""),
                postmap("-q", "postmaster@example.com", "inline:{postmaster@example.com=x}", "hash:" + virtual));
        assertEquals(new CommandRun(0, "anything\n", ""), postmap("-q", "k", "static:anything"));
    }

    @Test
    void rebuildReplacesOldContent() throws Exception {
        postmap("hash:" + virtual);
        Files.writeString(virtual, "new@example.com new\n");
        postmap("hash:" + virtual);
        assertEquals(new CommandRun(0, "new@example.com\tnew\n", ""), postmap("-s", "hash:" + virtual));
    }

    @Test
    void incrementalAddsFromStandardInput() {
        postmap("hash:" + virtual);
        assertEquals(0, withInput("extra@example.com e\nPostmaster@example.com ignored\n", "-i", "hash:" + virtual).exit());
        assertEquals(new CommandRun(0, "root\n", ""), postmap("-q", "postmaster@example.com", "hash:" + virtual));
        assertEquals(new CommandRun(0, "e\n", ""), postmap("-q", "extra@example.com", "hash:" + virtual));
    }

    @Test
    void duplicatesWarnByDefaultAndObeyRAndW() throws Exception {
        Files.writeString(virtual, "a 1\nA 2\n");
        CommandRun warn = postmap("hash:" + virtual);
        assertEquals(new CommandRun(0, "", "postmap: warning: " + virtual + ", line 2: duplicate entry: \"a\"\n"), warn);
        assertEquals("1\n", postmap("-q", "a", "hash:" + virtual).out());

        assertEquals(new CommandRun(0, "", ""), postmap("-r", "hash:" + virtual));
        assertEquals("2\n", postmap("-q", "a", "hash:" + virtual).out());

        assertEquals(new CommandRun(0, "", ""), postmap("-w", "hash:" + virtual));
        assertEquals("1\n", postmap("-q", "a", "hash:" + virtual).out());
    }

    @Test
    void queriesRegexpCidrAndTexthashTablesWithoutBuilding() throws Exception {
        Path regexp = dir.resolve("access.regexp");
        Files.writeString(regexp, "/^(.*)-outgoing@(.*)$/  550 Use ${1}@${2} instead\n/^postmaster@/ OK\n");
        assertEquals(new CommandRun(0, "550 Use list@example.com instead\n", ""),
                postmap("-q", "list-outgoing@example.com", "regexp:" + regexp));
        assertEquals(new CommandRun(0, "OK\n", ""), postmap("-q", "Postmaster@x", "pcre:" + regexp));
        assertEquals(new CommandRun(1, "", ""), postmap("-q", "nobody@x", "regexp:" + regexp));

        Path cidr = dir.resolve("client.cidr");
        Files.writeString(cidr, "192.0.2.0/24 REJECT\n2001:db8::/32 OK\n");
        assertEquals(new CommandRun(0, "REJECT\n", ""), postmap("-q", "192.0.2.1", "cidr:" + cidr));
        assertEquals(new CommandRun(0, "2001:db8::1\tOK\n", ""),
                withInput("198.51.100.1\n2001:db8::1\n", "-q", "-", "cidr:" + cidr));

        assertEquals(new CommandRun(0, "bob, carol\n", ""), postmap("-q", "sales@EXAMPLE.com", "texthash:" + virtual));
        assertFalse(Files.exists(dir.resolve("virtual.db")));
    }

    @Test
    void patternTableWarningsGoToStandardError() throws Exception {
        Path regexp = dir.resolve("bad.regexp");
        Files.writeString(regexp, "/^a(/ x\n/^b$/ b\n");
        CommandRun r = postmap("-q", "b", "regexp:" + regexp);
        assertEquals(0, r.exit());
        assertEquals("b\n", r.out());
        assertEquals("postmap: warning: regexp map " + regexp + ", line 1: Unclosed group in \"^a(\": skipping this rule\n",
                r.err());
    }

    @Test
    void patternAndTexthashTablesCannotBeBuiltListedOrChanged() throws Exception {
        Path regexp = dir.resolve("r");
        Files.writeString(regexp, "/a/ b\n");
        assertEquals(new CommandRun(1, "", "postmap: fatal: unsupported dictionary type: regexp does not support"
                + " bulk-mode creation.\n"), postmap("regexp:" + regexp));
        assertEquals(new CommandRun(1, "", "postmap: fatal: table regexp:" + regexp
                + ": sequence operation is not supported\n"), postmap("-s", "regexp:" + regexp));
        assertEquals(1, postmap("-d", "sales@example.com", "texthash:" + virtual).exit());
        assertEquals(new CommandRun(1, "", "postmap: fatal: open " + dir.resolve("none") + ": No such file or directory\n"),
                postmap("-q", "a", "cidr:" + dir.resolve("none")));
    }

    // ------------------------------------------------------------------ negative

    @Test
    void missingDatabaseIsFatal() {
        Path x = dir.resolve("x");
        assertEquals(new CommandRun(1, "", "postmap: fatal: open database " + x + ".db: No such file or directory\n"),
                postmap("-q", "a", "hash:" + x));
    }

    @Test
    void missingSourceIsFatal() {
        Path x = dir.resolve("nosuch");
        assertEquals(new CommandRun(1, "", "postmap: fatal: open " + x + ": No such file or directory\n"),
                postmap("hash:" + x));
        assertFalse(Files.exists(dir.resolve("nosuch.db")));
    }

    @Test
    void unknownTypeIsFatal() {
        assertEquals(new CommandRun(1, "", "postmap: fatal: unsupported dictionary type: foo\n"),
                postmap("-q", "a", "foo:" + virtual));
        assertEquals(new CommandRun(1, "", "postmap: fatal: unsupported dictionary type: foo\n"),
                postmap("foo:" + virtual));
    }

    @Test
    void inlineCannotBeBuiltOrChanged() {
        CommandRun build = postmap("inline:{a=b}");
        assertEquals(1, build.exit());
        assertTrue(build.err().startsWith("postmap: fatal: "), build.err());
        CommandRun delete = postmap("-d", "a", "inline:{a=b}");
        assertEquals(new CommandRun(1, "", "postmap: fatal: inline:{a=b}: table is read-only\n"), delete);
    }

    @Test
    void badOptionOrNoFilePrintsUsageAndTheOptions() {
        String usage = "postmap: fatal: usage: postmap [-Ninoprsuvw] [-c config_dir] [-d key] [-q key] [map_type:]file...\n"
                + "  -c config_dir ";
        CommandRun bad = postmap("-Z", "hash:" + virtual);
        assertEquals(1, bad.exit());
        assertEquals("", bad.out());
        assertTrue(bad.err().startsWith("postmap: invalid option -- 'Z'\n" + usage), bad.err());
        assertTrue(bad.err().contains("\n  -q key ") && bad.err().contains("\n  -s "), bad.err());
        CommandRun none = postmap();
        assertEquals(1, none.exit());
        assertTrue(none.err().startsWith(usage), none.err());
        assertTrue(postmap("-q").err().startsWith("postmap: option requires an argument -- 'q'\n" + usage));
    }

    @Test
    void helpPrintsTheOptionsOnStandardOutput() {
        for (CommandRun r : List.of(postmap("--help"), CommandRun.of(Postalias::run, "", "--help"))) {
            assertEquals(0, r.exit());
            assertEquals("", r.err());
            assertTrue(r.out().matches("(?s)usage: post(map|alias) \\[-Ninoprsuvw\\].*\n  -i .*\n  -p .*"), r.out());
        }
    }

    @Test
    void conflictingModesAreFatal() {
        assertEquals(new CommandRun(1, "", "postmap: fatal: specify only one of -s -q or -d\n"),
                postmap("-s", "-q", "a", "hash:" + virtual));
    }

    @Test
    void missingMainCfIsFatalWhenTheTypeMustComeFromIt() {
        Path empty = dir.resolve("empty");
        CommandRun r = postmap("-c", empty.toString(), virtual.toString());
        assertEquals(new CommandRun(1, "", "postmap: fatal: open " + empty.resolve("main.cf")
                + ": No such file or directory\n"), r);
    }

    @Test
    void aNewTableTakesTheSourcesOwnerGroupAndModeAndAnOldOneKeepsItsOwn() throws Exception {
        // As Postfix: a 0640 root:mail source gives a 0640 root:mail table that the daemons can read.
        assumeTrue(PosixAccounts.ROOT, "only root can give a file to another group");
        int mail = PosixAccounts.group("mail").orElseThrow();
        Path src = dir.resolve("secret");
        Files.writeString(src, "user@example.com secret\n");
        Files.setAttribute(src, "unix:gid", mail);
        Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("rw-r-----"));
        Path db = dir.resolve("secret.db");
        Path aliasSrc = dir.resolve("secret-aliases");
        Files.copy(src, aliasSrc, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        Files.writeString(aliasSrc, "user: root\n");
        assertEquals(new CommandRun(0, "", ""), postmap("hash:" + src));
        assertEquals(new CommandRun(0, "", ""), CommandRun.of(Postalias::run, "", "hash:" + aliasSrc));
        for (Path table : List.of(db, dir.resolve("secret-aliases.db"))) {
            assertEquals(mail, Files.getAttribute(table, "unix:gid"), table.toString());
            assertEquals(0, Files.getAttribute(table, "unix:uid"), table.toString());
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(table)), table.toString());
        }
        // A table that exists keeps what the administrator gave it.
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-------"));
        Files.setAttribute(db, "unix:gid", 0);
        assertEquals(0, postmap("hash:" + src).exit());
        assertEquals(0, Files.getAttribute(db, "unix:gid"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db)));
        // -p: a new table gets mode 0644, still with the source's group.
        Files.delete(db);
        assertEquals(0, postmap("-p", "hash:" + src).exit());
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(db)));
        assertEquals(mail, Files.getAttribute(db, "unix:gid"));
    }
}
