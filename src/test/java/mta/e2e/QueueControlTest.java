package mta.e2e;

import static mta.e2e.WalkingSkeletonTest.inboxSize;
import static mta.e2e.WalkingSkeletonTest.queueEmpty;
import static mta.e2e.WalkingSkeletonTest.read;
import static mta.e2e.WalkingSkeletonTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import mta.cli.CliAccess;
import mta.master.Master;
import mta.queue.QueueName;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QueueControlTest - the administrator's queue controls end to end, with GreenMail as the remote
 * MX: deferred mail delivered by {@code postqueue -f}; held mail stays put until
 * {@code postsuper -H}; an expired message comes back as a DSN in the remote sender's mailbox.
 */
class QueueControlTest {
    @TempDir
    Path tmp;

    private static boolean inQueue(Master m, QueueName q, int n) {
        try {
            return m.queues().list(q).size() == n;
        } catch (Exception e) {
            return false;
        }
    }

    private static int postqueueFlush(TestSite site) {
        return CliAccess.postqueue(new String[] {"-c", site.config.toString(), "-f"}, new PrintStream(new ByteArrayOutputStream()));
    }

    @Test
    void holdReleaseAndFlush() throws Exception {
        int mxPort = TestSite.freePort();
        TestSite site = new TestSite(tmp).param("relayhost", "[127.0.0.1]:" + TestSite.freePort())
                .param("minimal_backoff_time", "300s").param("maximal_backoff_time", "300s").param("queue_run_delay", "300s")
                .write();
        GreenMail gm = new GreenMail(new ServerSetup(mxPort, "127.0.0.1", "smtp"));
        gm.start();
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            Transcript.mail(site.smtpdPort, "alice@example.test", "bob@remote.example", "Subject: held", "", "body");
            Transcript.mail(site.smtpdPort, "alice@example.test", "carol@remote.example", "Subject: flushed", "", "body");
            waitFor(() -> inQueue(m, QueueName.DEFERRED, 2), "both deferred");
            String held = null;
            for (String id : m.queues().list(QueueName.DEFERRED)) {
                if (read(m.queues().file(QueueName.DEFERRED, id)).contains("bob@remote.example")) held = id;
            }
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(0, CliAccess.postsuper(new String[] {"-c", site.config.toString(), "-h", held}, new PrintStream(err)));
            assertTrue(err.toString().contains(held + ": placed on hold"), err.toString());

            site.param("relayhost", "[127.0.0.1]:" + mxPort).write();
            m.reload();
            assertEquals(0, postqueueFlush(site));
            waitFor(() -> inboxSize(gm, "carol@remote.example") == 1, "postqueue -f delivers the deferred message");
            assertEquals(0, inboxSize(gm, "bob@remote.example"), "held mail is not delivered by a flush");
            assertTrue(inQueue(m, QueueName.HOLD, 1));

            assertEquals(0, CliAccess.postsuper(new String[] {"-c", site.config.toString(), "-H", held}, new PrintStream(err)));
            assertEquals(0, postqueueFlush(site));
            waitFor(() -> inboxSize(gm, "bob@remote.example") == 1, "released mail is delivered");
            waitFor(() -> queueEmpty(m), "the queue empties");
        } finally {
            gm.stop();
        }
    }

    /**
     * GreenMail refuses the null sender that every DSN carries, so the remote sender's server here
     * is a scripted SMTP server that records what it receives.
     */
    @Test
    void anExpiredMessageReturnsToTheRemoteSender() throws Exception {
        TestSite site = new TestSite(tmp).param("relayhost", "[127.0.0.1]:" + TestSite.freePort())
                .param("maximal_queue_lifetime", "0").param("queue_run_delay", "300s").write();
        try (mta.smtp.ScriptedSmtpServer mx = mta.smtp.ScriptedSmtpServer.start();
             Master m = Master.start(site.config, Master.Options.defaults())) {
            Transcript.mail(site.smtpdPort, "alice@remote.example", "bob@far.example", "Subject: never arrives", "", "body");
            waitFor(() -> read(site.maillog).contains("status=expired, returned to sender"), "the message expires");
            // The notice itself waits for the (still dead) relayhost; point it at the sender's server.
            site.param("relayhost", mx.nexthop()).write();
            m.reload();
            assertEquals(0, postqueueFlush(site));
            waitFor(() -> String.join("\n", mx.dataLines()).contains("Final-Recipient: rfc822; bob@far.example"),
                    "the DSN reaches the sender's server");
            assertTrue(mx.commands().contains("MAIL FROM:<>") || mx.commands().stream().anyMatch(c -> c.startsWith("MAIL FROM:<> ")),
                    mx.commands().toString());
            assertTrue(mx.commands().stream().anyMatch(c -> c.startsWith("RCPT TO:<alice@remote.example>")), mx.commands().toString());
            String text = String.join("\n", mx.dataLines());
            assertTrue(text.contains("Subject: Undelivered Mail Returned to Sender"), text);
            assertTrue(text.contains("Action: failed"), text);
            assertTrue(text.contains("Subject: never arrives"), text);
            waitFor(() -> queueEmpty(m), "the queue empties");
        }
    }
}
