package mta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import mta.queue.Queues;
import mta.testing.TestSite;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import mta.postdrop.Poster;

/**
 * CommandLineTest - every command's answer to --help (its usage and its options or commands on
 * standard output, exit 0) and to a usage error (Postfix's "PROG: fatal: usage:" line and the same
 * list on standard error, with Postfix's exit code); and the exact words of Postfix for the cases
 * where they were missing: postfix without a command, postsuper and postqueue on an ID that is
 * not there or cannot be one.
 */
class CommandLineTest {
    @TempDir
    Path tmp;
    TestSite site;
    String c;

    @BeforeEach
    void setUp() throws Exception {
        site = new TestSite(tmp).write();
        c = site.config.toString();
        new Queues(site.queue).create();
    }

    private static CommandRun postfix(String... args) {
        return CommandRun.of((a, in, out, err) -> Postfix.run(a, out, err), "", args);
    }

    private static CommandRun postconf(String... args) {
        return CommandRun.of((a, in, out, err) -> Postconf.run(a, out, err), "", args);
    }

    private static CommandRun postqueue(String... args) {
        return CommandRun.of((a, in, out, err) -> Postqueue.run(a, out, err), "", args);
    }

    private static CommandRun postsuper(String... args) {
        return CommandRun.of(Postsuper::run, "", args);
    }

    private static CommandRun postcat(String... args) {
        return CommandRun.of((a, in, out, err) -> Postcat.run(a, out, err), "", args);
    }

    private static CommandRun sendmailAs(String prog, String... args) {
        return CommandRun.of((a, in, out, err) -> Sendmail.run(prog, a, in, out, err, Poster.ofProcess()), "", args);
    }

    /** The commands, each with an option it does not have and what it must list. */
    private Map<String, CommandRun.Main> commands() {
        return Map.of(
                "postfix", (a, in, out, err) -> Postfix.run(a, out, err),
                "postconf", (a, in, out, err) -> Postconf.run(a, out, err),
                "postmap", Postmap::run,
                "postalias", Postalias::run,
                "postqueue", (a, in, out, err) -> Postqueue.run(a, out, err),
                "postsuper", Postsuper::run,
                "postcat", (a, in, out, err) -> Postcat.run(a, out, err),
                "sendmail", (a, in, out, err) -> Sendmail.run("sendmail", a, in, out, err, Poster.ofProcess()),
                "mailq", (a, in, out, err) -> Sendmail.run("mailq", a, in, out, err, Poster.ofProcess()),
                "newaliases", (a, in, out, err) -> Sendmail.run("newaliases", a, in, out, err, Poster.ofProcess()));
    }

    /** A line each list must hold. */
    private static final Map<String, String> LISTS = Map.of(
            "postfix", "  reload ", "postconf", "  -n ", "postmap", "  -q key ", "postalias", "  -s ",
            "postqueue", "  -f ", "postsuper", "  -H queue_id ", "postcat", "  -q ", "sendmail", "  -t ",
            "mailq", "  -bp ", "newaliases", "  -bi, -I ");

    /** Postfix 3.7's exit code for a bad option. */
    private static final Map<String, Integer> USAGE_EXIT = Map.of(
            "postfix", 1, "postconf", 1, "postmap", 1, "postalias", 1, "postqueue", 69, "postsuper", 1, "postcat", 1,
            "sendmail", 75, "mailq", 75, "newaliases", 75);

    @Test
    void everyCommandAnswersHelpWithItsUsageAndList() {
        commands().forEach((prog, main) -> {
            CommandRun r = CommandRun.of(main, "", "--help");
            assertEquals(0, r.exit(), prog + ": " + r.err());
            assertEquals("", r.err(), prog);
            assertTrue(r.out().startsWith("usage: " + prog + " "), prog + ": " + r.out());
            assertTrue(r.out().contains("\n" + LISTS.get(prog)), prog + ": " + r.out());
        });
        // Where -h is no option of the command's own, it asks for help too.
        assertEquals(postfix("--help"), postfix("-h"));
        assertEquals(postqueue("--help"), postqueue("-h"));
    }

    @Test
    void everyCommandAnswersABadOptionWithTheUsageListAndPostfixsExitCode() {
        commands().forEach((prog, main) -> {
            CommandRun r = CommandRun.of(main, "", "-Z");
            assertEquals(USAGE_EXIT.get(prog), r.exit(), prog + ": " + r.err());
            assertEquals("", r.out(), prog);
            assertTrue(r.err().startsWith(prog + ": invalid option -- 'Z'\n" + prog + ": fatal: usage: " + prog + " "),
                    prog + ": " + r.err());
            assertTrue(r.err().contains("\n" + LISTS.get(prog)), prog + ": " + r.err());
        });
    }

    @Test
    void postfixWithoutACommandListsItsCommands() {
        for (String[] args : List.of(new String[] {}, new String[] {"-c", c}, new String[] {"-c", c, "bogus"})) {
            CommandRun r = postfix(args);
            assertEquals(1, r.exit());
            String command = args.length == 3 ? "bogus" : "";
            assertTrue(r.err().startsWith("postfix/postfix-script: fatal: unknown command: '" + command + "'. Usage: postfix"
                    + " start (or stop, "), r.err());
            for (String word : List.of("start", "stop", "abort", "reload", "status", "check", "flush", "set-permissions",
                    "install", "uninstall")) {
                assertTrue(r.err().contains("\n  " + word + " "), word + ": " + r.err());
            }
        }
    }

    @Test
    void postsuperCountsWhatItDidEvenWhenItDidNothing() {
        // As Postfix 3.7: an ID that is not in the queue is no error, and the count says 0.
        assertEquals(new CommandRun(0, "", "postsuper: Placed on hold: 0 messages\n"), postsuper("-c", c, "-h", "NOSUCHID"));
        assertEquals(new CommandRun(0, "", "postsuper: Deleted: 0 messages\n"), postsuper("-c", c, "-d", "NOSUCHID"));
        assertEquals(new CommandRun(0, "", "postsuper: Released from hold: 0 messages\n"), postsuper("-c", c, "-H", "NOSUCHID"));
        assertEquals(new CommandRun(0, "", "postsuper: Requeued: 0 messages\n"), postsuper("-c", c, "-r", "NOSUCHID"));
        // "all" in lower case is a queue ID; one that cannot be is warned about.
        assertEquals(new CommandRun(0, "", "postsuper: Deleted: 0 messages\n"), postsuper("-c", c, "-d", "all"));
        assertEquals(new CommandRun(0, "", "postsuper: warning: invalid mail queue id: x.y\npostsuper: Deleted: 0 messages\n"),
                postsuper("-c", c, "-d", "x.y"));
        // Several operations report in Postfix's order.
        assertEquals(new CommandRun(0, "", "postsuper: Requeued: 0 messages\npostsuper: Deleted: 0 messages\n"),
                postsuper("-c", c, "-d", "A1", "-r", "B2"));
        // Without an operation: the structure check and the purge, silently.
        assertEquals(new CommandRun(0, "", ""), postsuper("-c", c));
        assertEquals(new CommandRun(1, "", "postsuper: fatal: invalid directory name: nosuch\n"),
                postsuper("-c", c, "-p", "nosuch"));
    }

    @Test
    void postqueueOnAnIdThatIsNotThereOrCannotBe() throws Exception {
        // The system down: Postfix's words and exit code.
        assertEquals(new CommandRun(69, "", "postqueue: fatal: Cannot flush mail queue - mail system is down\n"),
                postqueue("-c", c, "-i", "NOSUCHID"));
        assertEquals(new CommandRun(69, "", "postqueue: fatal: Cannot flush queue ID - invalid name: \"foo/bar\"\n"),
                postqueue("-c", c, "-i", "foo/bar"));
        // The system up (a listener on public/qmgr): an ID that is not deferred is no error.
        Path socket = site.queue.resolve("public").resolve("qmgr");
        try (ServerSocketChannel qmgr = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            qmgr.bind(UnixDomainSocketAddress.of(socket));
            assertEquals(new CommandRun(0, "", ""), postqueue("-c", c, "-i", "NOSUCHID"));
        } finally {
            Files.deleteIfExists(socket);
        }
    }

    @Test
    void postqueueAndPostcatWithoutWhatTheyNeedPrintTheirUsage() {
        CommandRun q = postqueue("-c", c);
        assertEquals(69, q.exit());
        assertTrue(q.err().startsWith("postqueue: fatal: usage: postqueue -f | postqueue -i queueid | postqueue -j"
                + " | postqueue -p | postqueue -s site\n"), q.err());
        CommandRun cat = postcat();
        assertEquals(1, cat.exit());
        assertTrue(cat.err().startsWith("postcat: fatal: usage: postcat "), cat.err());
        CommandRun conf = postconf("-c");
        assertEquals(1, conf.exit());
        assertTrue(conf.err().startsWith("postconf: option requires an argument -- 'c'\npostconf: fatal: usage: postconf "),
                conf.err());
        CommandRun mailq = sendmailAs("mailq", "-C", c, "extra");
        assertEquals(new CommandRun(75, "", "mailq: fatal: display queue mode requires no recipient\n"), mailq);
    }
}
