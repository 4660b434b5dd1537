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
    void usageErrorsExitWithExUsage() throws Exception {
        Result none = sendmail("x\n");
        assertEquals(64, none.code());
        assertTrue(none.err().contains("Recipient addresses must be specified on the command line or via the -t option"));
        Result bad = sendmail("x\n", "-Z", "root");
        assertEquals(64, bad.code());
        assertEquals("sendmail: invalid option -- 'Z'\nsendmail: fatal: usage: sendmail [options]\n", bad.err());
        assertEquals(64, sendmail("x\n", "-bt").code());
        assertEquals(64, sendmail("x\n", "-qS").code());
        assertEquals(64, sendmail("x\n", "-bp", "root").code());
        assertEquals(64, sendmail("x\n", "-f").code());
        assertTrue(queues.list(QueueName.MAILDROP).isEmpty() || !Files.exists(queues.dir(QueueName.MAILDROP))
                || queues.list(QueueName.MAILDROP).isEmpty());
    }

    @Test
    void otherModes() throws Exception {
        Result bp = sendmail("", "-bp");
        assertEquals(0, bp.code());
        assertEquals("Mail queue is empty\n", bp.out());
        assertEquals(69, sendmail("", "-q").code(), "flush with the system down");
        assertEquals(0, sendmail("", "-bi").code());
        assertTrue(Files.exists(site.config.resolve("aliases.db")));
        assertEquals(0, sendmail("x\n", "-oem", "-N", "never", "-R", "hdrs", "-V", "env1", "-B", "8BITMIME", "root").code(),
                "historical and DSN options are accepted");
    }
}
