package mta.cli;

import static mta.e2e.WalkingSkeletonTest.count;
import static mta.e2e.WalkingSkeletonTest.read;
import static mta.e2e.WalkingSkeletonTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mta.master.Master;
import mta.queue.QueueFile;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.smtpd.SmtpdStdio;
import mta.testing.TestSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SendmailBsTest - sendmail -bs: an SMTP dialogue on standard input and output ends in maildrop/,
 * and with the mail system running, in a mailbox.
 */
class SendmailBsTest {
    @TempDir
    Path tmp;

    private static final String DIALOGUE = String.join("\r\n",
            "EHLO me",
            "MAIL FROM:<alice@example.test>",
            "RCPT TO:<someone@remote.example>",
            "RCPT TO:<root@example.test>",
            "DATA",
            "Subject: stand-alone",
            "",
            "hello over stdio",
            ".",
            "QUIT", "");

    @Test
    void dialogueOnPipesLeavesTheMessageInMaildrop() throws Exception {
        // mynetworks does not hold 127.0.0.1: the relay recipient passes only because a user's
        // stand-alone server applies no access restrictions.
        TestSite site = new TestSite(tmp).param("mynetworks", "192.0.2.0/24").write();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = SmtpdStdio.run(new String[] {"-c", site.config.toString()},
                new ByteArrayInputStream(DIALOGUE.getBytes(StandardCharsets.US_ASCII)), out,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(0, rc);
        String replies = out.toString(StandardCharsets.UTF_8);
        assertTrue(replies.startsWith("220 mx.example.test ESMTP"), replies);
        assertTrue(replies.contains("\r\n354 "), replies);
        assertTrue(replies.contains("\r\n221 2.0.0 Bye\r\n"), replies);
        String id = replies.replaceAll("(?s).*250 2\\.0\\.0 Ok: queued as (\\w+).*", "$1");

        Queues queues = new Queues(site.queue);
        assertEquals(List.of(id), queues.list(QueueName.MAILDROP));
        Path file = queues.file(QueueName.MAILDROP, id);
        QueueFile.Envelope env = QueueFile.readEnvelope(file);
        assertEquals("alice@example.test", env.sender());
        assertEquals(List.of("someone@remote.example", "root@example.test"),
                env.recipients().stream().map(QueueFile.Recipient::address).toList());
        StringBuilder content = new StringBuilder();
        QueueFile.forEachLine(file, env.contentOffset(),
                (b, n) -> content.append(new String(b, 0, n, StandardCharsets.UTF_8)).append('\n'));
        assertTrue(content.toString().startsWith("Received: from me (localhost [127.0.0.1])\n"), content.toString());
        assertTrue(content.toString().contains("with ESMTP id " + id), content.toString());
        assertTrue(content.toString().endsWith("Subject: stand-alone\n\nhello over stdio\n"), content.toString());

        String log = read(site.maillog);
        assertTrue(log.contains("postfix/smtpd[") && log.contains("connect from localhost[127.0.0.1]"), log);
        assertTrue(log.contains(id + ": client=localhost[127.0.0.1]"), log);
        assertTrue(log.contains("disconnect from localhost[127.0.0.1] ehlo=1 mail=1 rcpt=2 data=1 quit=1 commands=6"), log);
    }

    @Test
    void sendmailDashBsRunsTheServerAndTheMessageIsDelivered() throws Exception {
        TestSite site = new TestSite(tmp).write();
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                    "-cp", System.getProperty("java.class.path"), "mta.cli.Sendmail", "-C", site.config.toString(), "-bs")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (var in = p.getOutputStream()) {
                in.write(DIALOGUE.replace("RCPT TO:<someone@remote.example>\r\n", "").getBytes(StandardCharsets.US_ASCII));
            }
            String replies = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "sendmail -bs finished");
            assertEquals(0, p.exitValue(), replies);
            assertTrue(replies.contains("250 2.0.0 Ok: queued as "), replies);
            Path newDir = site.maildir("root").resolve("new");
            waitFor(() -> count(newDir) == 1, "delivery of the -bs message to root");
            try (var files = Files.list(newDir)) {
                String text = Files.readString(files.findFirst().orElseThrow());
                assertTrue(text.contains("Received: from me (localhost [127.0.0.1])"), text);
                assertTrue(text.contains("hello over stdio"), text);
            }
            String log = read(site.maillog);
            assertTrue(log.contains("postfix/pickup["), log);
        }
    }
}
