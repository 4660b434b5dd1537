package mta.e2e;

import static mta.e2e.WalkingSkeletonTest.queueEmpty;
import static mta.e2e.WalkingSkeletonTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import mta.master.Master;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LocalCommandAliasTest - mail over SMTP to an alias that pipes into a command: the command gets the
 * message with its envelope headers, and the log says "delivered to command".
 */
class LocalCommandAliasTest {
    @TempDir
    Path tmp;

    @Test
    void anAliasToACommandReceivesTheMessage() throws Exception {
        // Run as root, a command from a root-owned alias table runs as default_privs (nobody).
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path msg = out.resolve("msg");
        TestSite site = new TestSite(tmp)
                .aliases("postmaster: root\nrobot: \"|cat > " + msg + ".tmp && mv " + msg + ".tmp " + msg + "\"\n")
                .write();
        try (Master m = Master.start(site.config, Master.Options.defaults());
             Transcript t = Transcript.connect(site.smtpdPort)) {
            t.expect("220 ");
            t.send("EHLO outside.example").expect("250 ");
            t.send("MAIL FROM:<someone@outside.example>").expect("250 ");
            t.send("RCPT TO:<robot@example.test>").expect("250 2.1.5 Ok");
            t.send("DATA").expect("354 ");
            t.send("Subject: job");
            t.send("");
            t.send("From here");
            t.send(".").expect("250 2.0.0 Ok: queued as ");
            t.send("QUIT").expect("221 ");
            waitFor(() -> Files.exists(msg), "the command wrote its input");
            waitFor(() -> queueEmpty(m), "the queue empties");
            String text = Files.readString(msg);
            assertTrue(text.startsWith("From someone@outside.example  "), text);
            assertTrue(text.contains("\nReturn-Path: <someone@outside.example>\nX-Original-To: robot@example.test\n"
                    + "Delivered-To: robot@example.test\n"), text);
            assertTrue(text.contains("Subject: job\n"), text);
            assertTrue(text.endsWith("\nFrom here\n"), text);
            String log = Files.readString(site.maillog);
            assertTrue(log.contains("to=<robot@example.test>, relay=local"), log);
            assertTrue(log.contains("status=sent (delivered to command: cat > " + msg + ".tmp && mv "), log);
        }
    }
}
