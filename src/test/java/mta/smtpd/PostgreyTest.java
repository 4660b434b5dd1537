package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import mta.master.Master;
import mta.testing.Maildirs;
import mta.testing.ServerProcess;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreyTest - greylisting with the real postgrey as the policy server (check_policy_service).
 *
 * <p>postgrey (Debian package postgrey; .ci/run installs it) runs privately: its own port on
 * 127.0.0.1, a database directory of its own under a temporary directory, empty allow lists, and
 * the shortest delay it knows, 1 second (its option {@code --delay}; 0 would mean its default of
 * 300). The first try of a sender/recipient pair is refused {@code 450 4.2.0 ... Greylisted}
 * (postgrey answers {@code DEFER_IF_PERMIT}); a retry once the delay has passed is accepted, and
 * the message carries postgrey's {@code X-Greylist:} header (a PREPEND action). A relay attempt is
 * refused as such, not greylisted: DEFER_IF_PERMIT gives way to a later reject.
 */
class PostgreyTest {
    static Path dir;
    static ServerProcess postgrey;
    static int port;
    static TestSite site;
    static Master m;
    static SmtpdTestSupport sup;

    @BeforeAll
    static void start() throws Exception {
        ServerProcess.require(Path.of("/usr/sbin/postgrey"), "postgrey");
        dir = ServerProcess.directory("postgrey");
        Path allow = dir.resolve("empty-list");
        Files.writeString(allow, "");
        port = TestSite.freePort();
        List<String> cmd = new ArrayList<>(List.of("/usr/sbin/postgrey", "--inet=127.0.0.1:" + port,
                "--dbdir=" + dir, "--delay=1", "--whitelist-clients=" + allow, "--whitelist-recipients=" + allow,
                "--hostname=mx.example.test"));
        // postgrey drops its privileges to --user itself (default: postgrey); run it as nobody
        if (ServerProcess.ROOT) {
            cmd.addAll(List.of("--user=nobody", "--group=nogroup"));
        } else {
            cmd.add("--user=" + System.getProperty("user.name"));
            cmd.add("--group=" + ServerProcess.run(List.of("id", "-gn"), dir).strip());
        }
        postgrey = new ServerProcess("postgrey", Files.createTempFile("postgrey", ".log"), cmd);
        postgrey.start(port);

        site = new TestSite(Files.createTempDirectory("postgrey-site"));
        site.param("smtpd_relay_restrictions", "")
                .param("smtpd_recipient_restrictions", "check_policy_service inet:127.0.0.1:" + port
                        + ", reject_unauth_destination")
                .write();
        m = Master.start(site.config, Master.Options.defaults());
        sup = new SmtpdTestSupport(site, m);
    }

    @AfterAll
    static void stop() {
        if (m != null) m.close();
        if (postgrey != null) postgrey.stop();
        ServerProcess.delete(dir);
        if (site != null) ServerProcess.delete(site.root);
    }

    private static String rcpt(Transcript t, String from, String to) throws IOException {
        t.send("RSET").expect("250 ");
        t.send("MAIL FROM:<" + from + ">").expect("250 ");
        return t.send("RCPT TO:<" + to + ">").reply();
    }

    @Test
    void firstTryIsGreylistedAndARetryAfterTheDelayIsAccepted() throws Exception {
        List<String> replies = Collections.synchronizedList(new ArrayList<>());
        try (Transcript t = Transcript.connectFrom("127.0.0.2", site.smtpdPort)) {
            t.expect("220 ");
            t.send("EHLO sender.example").expect("250 ");
            String first = rcpt(t, "jane@sender.example", "alice@example.test");
            assertEquals("450 4.2.0 <alice@example.test>: Recipient address rejected: Greylisted, see"
                    + " http://postgrey.schweikert.ch/help/example.test.html", first);
            long deadline = System.nanoTime() + 20_000_000_000L;
            String reply;
            while (!(reply = rcpt(t, "jane@sender.example", "alice@example.test")).startsWith("250 ")) {
                assertTrue(reply.startsWith("450 4.2.0 "), reply);
                replies.add(reply);
                if (System.nanoTime() > deadline) fail("never accepted after the greylisting delay: " + replies);
                Thread.sleep(200);
            }
            t.send("DATA").expect("354 ");
            t.send("Subject: greylisted").send("").send("patience");
            t.send(".").expect("250 2.0.0 Ok: queued as ");
            t.send("QUIT").expect("221 ");
        }
        sup.awaitLog("NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 450 4.2.0 <alice@example.test>: Recipient address"
                + " rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.test.html;"
                + " from=<jane@sender.example> to=<alice@example.test> proto=ESMTP helo=<sender.example>");
        Path maildir = site.maildir("root");
        SmtpdTestSupport.waitFor(() -> Maildirs.bySubject(maildir, "greylisted") != null, "delivery to root");
        MimeMessage msg = Maildirs.bySubject(maildir, "greylisted");
        String greylist = msg.getHeader("X-Greylist", null);
        assertTrue(greylist != null && greylist.startsWith("delayed ") && greylist.contains(" by postgrey-")
                && greylist.contains(" at mx.example.test;"), String.valueOf(greylist));
        String all = String.join("\n", java.util.Collections.list(msg.getAllHeaderLines()));
        assertTrue(all.indexOf("X-Greylist:") < all.indexOf("Received:"), "postgrey's header is above ours: " + all);
    }

    @Test
    void aRelayAttemptIsRefusedNotGreylisted() throws Exception {
        try (Transcript t = Transcript.connectFrom("127.0.0.3", site.smtpdPort)) {
            t.expect("220 ");
            t.send("EHLO relay.example").expect("250 ");
            assertEquals("554 5.7.1 <bob@elsewhere.example>: Relay access denied",
                    rcpt(t, "jane@sender.example", "bob@elsewhere.example"));
            t.send("QUIT").expect("221 ");
        }
    }
}
