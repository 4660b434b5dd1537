package mta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    void newaliasesRebuildsAndAnOpenTableSeesIt() throws Exception {
        assertEquals(new CommandRun(0, "", ""), CommandRun.of(Newaliases::run, "", "-C", conf.toString()));
        Table open = Tables.open("hash:" + aliases);
        assertEquals("root", open.get("postmaster"));

        Files.writeString(aliases, "postmaster: alice\n");
        assertEquals(0, CommandRun.of(Newaliases::run, "", "-C", conf.toString()).exit());
        assertEquals("alice", open.get("postmaster"));
        assertEquals(null, open.get("list"));
    }

    @Test
    void newaliasesTakesSendmailsOptions() throws Exception {
        // -C names the directory or its main.cf, attached or not; -v and -oi are accepted.
        for (String[] args : List.of(new String[] {"-C", conf.toString()}, new String[] {"-C" + conf},
                new String[] {"-v", "-C", conf.resolve("main.cf").toString()}, new String[] {"-oi", "-C", conf.toString()})) {
            Files.deleteIfExists(Path.of(aliases + ".db"));
            assertEquals(new CommandRun(0, "", ""), CommandRun.of(Newaliases::run, "", args), String.join(" ", args));
            assertEquals(new CommandRun(0, "root\n", ""), postalias("-q", "postmaster", "hash:" + aliases));
        }
        // -oA names another aliases file; sendmail -bi and -I are newaliases too.
        Path other = dir.resolve("other");
        Files.writeString(other, "abuse: root\n");
        assertEquals(0, CommandRun.of(Newaliases::run, "", "-C", conf.toString(), "-oA" + other).exit());
        assertEquals("root\n", postalias("-q", "abuse", "hash:" + other).out());
        Files.delete(Path.of(aliases + ".db"));
        assertEquals(0, CommandRun.of(Sendmail::run, "", "-C", conf.toString(), "-bi").exit());
        assertEquals(0, CommandRun.of(Sendmail::run, "", "-I", "-C", conf.toString()).exit());
        assertTrue(Files.exists(Path.of(aliases + ".db")));
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
    void noFileIsAUsageErrorAsInPostfix() {
        // Postfix's postalias needs a file name (newaliases is what rebuilds alias_database).
        for (String[] args : List.of(new String[] {}, new String[] {"-c", conf.toString()})) {
            CommandRun r = postalias(args);
            assertEquals(1, r.exit(), r.err());
            assertEquals("", r.out());
            assertTrue(r.err().startsWith("postalias: fatal: usage: postalias [-Ninoprsuvw] [-c config_dir] [-d key] [-q key]"
                    + " [map_type:]file...\n  -c config_dir"), r.err());
        }
        assertTrue(Files.notExists(Path.of(aliases + ".db")), "nothing was built");
    }

    @Test
    void newaliasesRefusesRecipients() {
        // "-c" is one of sendmail's ignored flags, so the directory after it is a recipient.
        for (String[] args : List.of(new String[] {aliases.toString()}, new String[] {"-c", conf.toString()})) {
            CommandRun r = CommandRun.of(Newaliases::run, "", args);
            assertEquals(new CommandRun(75, "", "newaliases: fatal: alias initialization mode requires no recipient\n"), r);
        }
    }

    @Test
    void newaliasesWithMissingSourceIsFatal() throws Exception {
        Files.delete(aliases);
        CommandRun r = CommandRun.of(Newaliases::run, "", "-C", conf.toString());
        assertEquals(new CommandRun(75, "", "newaliases: fatal: open " + aliases + ": No such file or directory\n"), r);
    }
}
