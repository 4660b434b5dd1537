package mta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mta.queue.QueueFile;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.testing.TestSite;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import mta.postdrop.Poster;

/** SendmailCommandTest - sendmail's options and exit codes, positive and negative, with no system running. */
class SendmailCommandTest {
    @TempDir
    Path tmp;
    TestSite site;
    Queues queues;

    @BeforeEach
    void setUp() throws Exception {
        site = new TestSite(tmp).write();
        queues = new Queues(site.queue);
    }

    private record Result(int code, String out, String err) {}

    private Result sendmail(String stdin, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "-C";
        all[1] = site.config.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Sendmail.run(all, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private QueueFile.Envelope onlyMaildropFile() throws Exception {
        List<String> ids = queues.list(QueueName.MAILDROP);
        assertEquals(1, ids.size(), ids.toString());
        return QueueFile.readEnvelope(queues.file(QueueName.MAILDROP, ids.get(0)));
    }

    private List<String> content() throws Exception {
        String id = queues.list(QueueName.MAILDROP).get(0);
        Path f = queues.file(QueueName.MAILDROP, id);
        List<String> lines = new java.util.ArrayList<>();
        QueueFile.forEachLine(f, QueueFile.readEnvelope(f).contentOffset(),
                (b, n) -> lines.add(new String(b, 0, n, StandardCharsets.UTF_8)));
        return lines;
    }

    @Test
    void postsToMaildropWithSenderAndRecipients() throws Exception {
        Result r = sendmail("Subject: a\n\nbody\n.\nafter\n", "-f", "alice@example.test", "-F", "Alice A", "bob@x.example,carol@y.example");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("unable to look up public/pickup"), "no pickup running: warned, still posted");
        QueueFile.Envelope env = onlyMaildropFile();
        assertEquals("alice@example.test", env.sender());
        assertEquals("Alice A", env.fullName());
        assertEquals(List.of("bob@x.example", "carol@y.example"), env.recipients().stream().map(QueueFile.Recipient::address).toList());
        assertEquals(List.of("Subject: a", "", "body"), content(), "a lone dot ends the message");
    }

    @Test
    void dashIKeepsDotLinesAndCrlfIsAccepted() throws Exception {
        assertEquals(0, sendmail("Subject: b\r\n\r\n.\r\nend\r\n", "-oi", "root").code());
        assertEquals(List.of("Subject: b", "", ".", "end"), content());
    }

    @Test
    void dashTMarksTheFileForExtractionAndNullSender() throws Exception {
        assertEquals(0, sendmail("To: x@y.example\n\nhi\n", "-t", "-f", "<>").code());
        QueueFile.Envelope env = onlyMaildropFile();
        assertEquals("", env.sender());
        assertEquals("yes", env.attribute("extract_recipients"));
    }

    @Test
    void errorsExitWithExTempfailAsPostfixsSendmail() throws Exception {
        Result none = sendmail("x\n");
        assertEquals(75, none.code());
        assertTrue(none.err().contains("(" + mta.queue.MaildropFile.uid() + "): Recipient addresses must be specified on the"
                + " command line or via the -t option"), none.err());
        Result bad = sendmail("x\n", "-Z", "root");
        assertEquals(75, bad.code());
        assertTrue(bad.err().startsWith("sendmail: invalid option -- 'Z'\nsendmail: fatal: usage: sendmail [options]"
                + " [recipient ...]\n  -t "), bad.err());
        assertEquals("", bad.out());
        for (String[] args : List.of(new String[] {"-bt"}, new String[] {"-qS"}, new String[] {"-bp", "root"},
                new String[] {"-f"}, new String[] {"-n", "root"}, new String[] {"-B", "9BIT", "root"},
                new String[] {"-bi", "-t"}, new String[] {"-q", "root"}, new String[] {"-bs", "root"})) {
            Result r = sendmail("x\n", args);
            assertEquals(75, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("sendmail: "), r.err());
        }
        assertEquals("sendmail: fatal: display queue mode requires no recipient\n", sendmail("", "-bp", "root").err());
        assertEquals("sendmail: fatal: -t can be used only in delivery mode\n", sendmail("", "-bi", "-t").err());
        assertEquals("sendmail: fatal: -n option not supported\n", sendmail("", "-n", "root").err());
        assertTrue(queues.list(QueueName.MAILDROP).isEmpty() || !Files.exists(queues.dir(QueueName.MAILDROP))
                || queues.list(QueueName.MAILDROP).isEmpty());
    }

    @Test
    void badDsnValuesAreWarnedAboutAndIgnoredAsPostfixDoes() throws Exception {
        Result r = sendmail("x\n", "-N", "never,success", "-R", "most", "-V", "", "root");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("sendmail: warning: bad -N option value -- ignored\n"), r.err());
        assertTrue(r.err().contains("sendmail: warning: bad -R option value -- ignored\n"), r.err());
        assertTrue(r.err().contains("sendmail: warning: bad syntax in -V option value -- ignored\n"), r.err());
        QueueFile.Envelope env = onlyMaildropFile();
        assertEquals(null, env.attribute("dsn_ret"));
    }

    @Test
    void optionsEndAtTheFirstRecipientAsInPostfix() throws Exception {
        // Postfix's sendmail does not reorder its arguments: "-bp" after a recipient is a recipient.
        assertEquals(0, sendmail("x\n", "root", "-bp").code());
        assertEquals(List.of("root", "-bp"), onlyMaildropFile().recipients().stream().map(QueueFile.Recipient::address).toList());
    }

    @Test
    void recipientArgumentsAreAddressLists() throws Exception {
        // As Postfix's sendmail reads them: one argument may hold several addresses; phrases,
        // comments and group names go; what cannot be an atom is quoted; "foo@" stays.
        assertEquals(0, sendmail("x\n", "a b@localhost", "Joe <joe@x.example>, (c) c@x.example; team: m1@x, m2@y;",
                "foo@", "foo@@bar", "<foo", "foo>", "\"a b\"@localhost", "<@relay:r@x.example>", "<>").code());
        assertEquals(List.of("a", "b@localhost", "joe@x.example", "c@x.example", "m1@x", "m2@y", "foo@", "\"foo@\"@bar",
                "\"<foo\"", "foo", "\"a b\"@localhost", "r@x.example", "MAILER-DAEMON"),
                onlyMaildropFile().recipients().stream().map(QueueFile.Recipient::address).toList());
    }

    @Test
    void helpNamesTheCommandItWasCalledAs() throws Exception {
        for (String prog : List.of("sendmail", "mailq", "newaliases")) {
            CommandRun r = CommandRun.of((a, in, out, err) -> Sendmail.run(prog, a, in, out, err, Poster.ofProcess()),
                    "", "--help");
            assertEquals(0, r.exit(), prog);
            assertEquals("", r.err());
            assertTrue(r.out().startsWith("usage: " + prog + " [options]"), r.out());
            assertTrue(r.out().contains("\n  -C dir ") && r.out().contains("\n  -bp "), r.out());
            CommandRun bad = CommandRun.of((a, in, out, err) -> Sendmail.run(prog, a, in, out, err, Poster.ofProcess()),
                    "", "-Z");
            assertEquals(75, bad.exit(), prog);
            assertTrue(bad.err().startsWith(prog + ": invalid option -- 'Z'\n" + prog + ": fatal: usage: " + prog + " [options]"),
                    bad.err());
        }
    }

    @Test
    void mailqTakesDashCAsSendmailDoes() throws Exception {
        for (String[] args : List.of(new String[] {"-C", site.config.toString()}, new String[] {"-C" + site.config},
                new String[] {"-C", site.config.resolve("main.cf").toString()})) {
            CommandRun r = CommandRun.of((a, in, out, err) -> Sendmail.run("mailq", a, in, out, err, Poster.ofProcess()),
                    "", args);
            assertEquals(new CommandRun(0, "Mail queue is empty\n", ""), r, String.join(" ", args));
        }
        CommandRun r = CommandRun.of((a, in, out, err) -> Sendmail.run("mailq", a, in, out, err, Poster.ofProcess()),
                "", "-C", site.config.toString(), "root");
        assertEquals(new CommandRun(75, "", "mailq: fatal: display queue mode requires no recipient\n"), r);
    }

    @Test
    void otherModes() throws Exception {
        Result bp = sendmail("", "-bp");
        assertEquals(0, bp.code());
        assertEquals("Mail queue is empty\n", bp.out());
        assertEquals(69, sendmail("", "-q").code(), "flush with the system down");
        assertEquals(0, sendmail("", "-bi").code());
        assertTrue(Files.exists(site.config.resolve("aliases.db")));
        assertEquals(0, sendmail("x\n", "-oem", "-N", "never", "-R", "hdrs", "-V", "env1", "-B", "8BITMIME", "-c", "-m",
                "-x", "-U", "-G", "-e", "m", "-p", "x", "-A", "c", "-O", "x=y", "-L", "tag", "-h", "10", "root").code(),
                "historical and DSN options are accepted");
        assertEquals(0, sendmail("", "-q30m").code(), "a queue interval does nothing more");
    }
}
