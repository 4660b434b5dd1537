package mta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import mta.lookup.Table;
import mta.lookup.Tables;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostaliasCommandTest - postalias and newaliases: aliases(5) input, the {@code @} entry, alias_database.
 */
class PostaliasCommandTest {
    static final String LIST = "alice, bob, \"|/usr/bin/procmail\", /var/mail/archive, :include:/etc/postfix/list.txt";

    @TempDir Path dir;
    Path conf;
    Path aliases;

    @BeforeEach
    void setUp() throws Exception {
        conf = Files.createDirectory(dir.resolve("conf"));
        aliases = dir.resolve("aliases");
        Files.writeString(conf.resolve("main.cf"), "myhostname = mx.example.test\nalias_database = hash:" + aliases + "\n");
        Files.writeString(aliases, """
                # local aliases
                postmaster: root
                list: alice, bob,
                    "|/usr/bin/procmail",
                    /var/mail/archive, :include:/etc/postfix/list.txt
                """);
    }

    private CommandRun postalias(String... args) {
        return CommandRun.of(Postalias::run, "", args);
    }

    @Test
    void buildsAndReturnsTheRawRightHandSide() {
        assertEquals(new CommandRun(0, "", ""), postalias("hash:" + aliases));
        assertEquals(new CommandRun(0, LIST + "\n", ""), postalias("-q", "LIST", "hash:" + aliases));
    }

    @Test
    void addsTheAtEntry() {
        postalias("hash:" + aliases);
        assertEquals(new CommandRun(0, "@\t@\nlist\t" + LIST + "\npostmaster\troot\n", ""),
                postalias("-s", "hash:" + aliases));
    }

    @Test
    void withoutFileRebuildsAliasDatabase() {
        assertEquals(new CommandRun(0, "", ""), postalias("-c", conf.toString()));
        assertEquals(new CommandRun(0, "root\n", ""), postalias("-q", "postmaster", "hash:" + aliases));
    }

    @Test
    void newaliasesRebuildsAndAnOpenTableSeesIt() throws Exception {
        assertEquals(new CommandRun(0, "", ""), CommandRun.of(this::newaliases, "", "-c", conf.toString()));
        Table open = Tables.open("hash:" + aliases);
        assertEquals("root", open.get("postmaster"));

        Files.writeString(aliases, "postmaster: alice\n");
        assertEquals(0, CommandRun.of(this::newaliases, "", "-c", conf.toString()).exit());
        assertEquals("alice", open.get("postmaster"));
        assertEquals(null, open.get("list"));
    }

    private int newaliases(String[] args, java.io.InputStream in, java.io.PrintStream out, java.io.PrintStream err) {
        return Newaliases.run(args, out, err);
    }

    // ------------------------------------------------------------------ negative

    @Test
    void badLinesAreWarnedAboutAndSkipped() throws Exception {
        Files.writeString(aliases, "no colon\nok: fine\n");
        CommandRun r = postalias("hash:" + aliases);
        assertEquals(new CommandRun(0, "", "postalias: warning: " + aliases + ", line 1: need name:value pair\n"), r);
        assertEquals("fine\n", postalias("-q", "ok", "hash:" + aliases).out());
    }

    @Test
    void missingDatabaseIsFatal() {
        assertEquals(new CommandRun(1, "", "postalias: fatal: open database " + aliases
                + ".db: No such file or directory\n"), postalias("-q", "postmaster", "hash:" + aliases));
    }

    @Test
    void queryWithoutFileIsUsage() {
        CommandRun r = postalias("-q", "postmaster");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("postalias: fatal: usage: postalias "), r.err());
    }

    @Test
    void newaliasesRefusesFileArguments() {
        CommandRun r = CommandRun.of(this::newaliases, "", aliases.toString());
        assertEquals(new CommandRun(1, "", "newaliases: fatal: usage: newaliases [-v] [-c config_dir]\n"), r);
    }

    @Test
    void newaliasesWithMissingSourceIsFatal() throws Exception {
        Files.delete(aliases);
        CommandRun r = CommandRun.of(this::newaliases, "", "-c", conf.toString());
        assertEquals(new CommandRun(1, "", "newaliases: fatal: open " + aliases + ": No such file or directory\n"), r);
    }
}
