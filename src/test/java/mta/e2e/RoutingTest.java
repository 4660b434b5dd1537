package mta.e2e;

import static mta.e2e.WalkingSkeletonTest.inboxSize;
import static mta.e2e.WalkingSkeletonTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import mta.master.Master;
import mta.smtp.ScriptedSmtpServer;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RoutingTest - transport_maps end to end: each form of entry sends mail to its own next-hop
 * (GreenMail servers and a scripted server on loopback ports), error: bounces, discard: drops, and
 * a transport entry never makes a domain relayable.
 */
class RoutingTest {
    @TempDir
    Path tmp;

    private static GreenMail greenMail(int port) {
        GreenMail gm = new GreenMail(new ServerSetup(port, "127.0.0.1", "smtp"));
        gm.start();
        return gm;
    }

    /** The default master.cf plus the error and discard transports. */
    static final String MASTER_CF = String.join("\n",
            "SMTPD inet n - n - - smtpd",
            "pickup unix n - n 60 1 pickup",
            "qmgr unix n - n 300 1 qmgr",
            "smtp unix - - n - - smtp",
            "relay unix - - n - - smtp",
            "error unix - - n - - error",
            "retry unix - - n - - error",
            "discard unix - - n - - discard",
            "virtual unix - n n - - virtual",
            "local unix - n n - - local", "");

    private static String log(TestSite site) {
        try {
            return Files.readString(site.maillog);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static void send(Transcript t, String from, String... rcpts) throws Exception {
        t.send("MAIL FROM:<" + from + ">").expect("250 2.1.0 Ok");
        for (String r : rcpts) t.send("RCPT TO:<" + r + ">").expect("250 2.1.5 Ok");
        t.send("DATA").expect("354 ");
        t.send("Subject: routing");
        t.send("");
        t.send("hello");
        t.send(".").expect("250 2.0.0 Ok: queued as ");
    }

    @Test
    void transportMapsEntriesChooseTransportAndNexthop() throws Exception {
        int portA = TestSite.freePort();
        int portB = TestSite.freePort();
        GreenMail a = greenMail(portA);
        GreenMail b = greenMail(portB);
        Path transport = tmp.resolve("transport");
        Files.writeString(transport, String.join("\n",
                "one.example            smtp:[127.0.0.1]:" + portA,
                ".sub.example           smtp:[127.0.0.1]:" + portB,
                "special@two.example    smtp:[127.0.0.1]:" + portB,
                "two.example            relay:[127.0.0.1]:" + portA,
                "dead.example           error:5.7.1 this domain takes no mail",
                "void.example           discard:",
                "keep.example           :",
                ""));
        TestSite site = new TestSite(tmp.resolve("site")).param("relayhost", "[127.0.0.1]:" + portA)
                .param("transport_maps", "texthash:" + transport).masterCf(MASTER_CF).write();
        try (Master m = Master.start(site.config, Master.Options.defaults());
             Transcript t = Transcript.connect(site.smtpdPort)) {
            t.expect("220 "); t.send("EHLO client.example.test").expect("250 ");
            send(t, "alice@client.example.test", "x@one.example", "y@a.sub.example", "special@two.example",
                    "other@two.example", "z@dead.example", "w@void.example", "k@keep.example");
            t.send("QUIT").expect("221 ");

            waitFor(() -> inboxSize(a, "x@one.example") == 1 && inboxSize(b, "y@a.sub.example") == 1
                    && inboxSize(b, "special@two.example") == 1 && inboxSize(a, "other@two.example") == 1
                    && inboxSize(a, "k@keep.example") == 1, "each recipient at its next-hop");
            // z@dead.example is returned to the sender (GreenMail refuses the null sender, so only the log shows it).
            waitFor(() -> log(site).contains("sender non-delivery notification"), "the bounce is sent");
            waitFor(() -> WalkingSkeletonTest.queueEmpty(m), "the queue empties");
            assertEquals(0, inboxSize(a, "y@a.sub.example") + inboxSize(a, "special@two.example")
                    + inboxSize(b, "x@one.example") + inboxSize(b, "other@two.example"));
            String log = Files.readString(site.maillog);
            assertTrue(log.matches("(?s).*to=<z@dead\\.example>, relay=none, .*dsn=5\\.7\\.1, status=bounced "
                    + "\\(this domain takes no mail\\).*"), log);
            assertTrue(log.matches("(?s).*postfix/discard\\[\\d+\\]: [0-9A-F]+: to=<w@void\\.example>, relay=none, "
                    + ".*status=sent \\(void\\.example\\).*"), log);
        } finally {
            a.stop();
            b.stop();
        }
    }

    @Test
    void wildcardRoutesEverythingAndAScriptedNexthopSeesTheEnvelope() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start()) {
            Path transport = tmp.resolve("transport");
            Files.writeString(transport, "* smtp:" + server.nexthop() + "\n");
            TestSite site = new TestSite(tmp.resolve("site")).param("transport_maps", "texthash:" + transport).write();
            try (Master m = Master.start(site.config, Master.Options.defaults());
                 Transcript t = Transcript.connect(site.smtpdPort)) {
                t.expect("220 "); t.send("EHLO client.example.test").expect("250 ");
                send(t, "alice@client.example.test", "bob@far.example", "alice@example.test");
                t.send("QUIT").expect("221 ");
                waitFor(() -> WalkingSkeletonTest.queueEmpty(m), "the queue empties");
            }
            assertTrue(server.commands().contains("RCPT TO:<bob@far.example>"), server.commands().toString());
            // '*' also matches local domains: transport_maps apply to every class.
            assertTrue(server.commands().contains("RCPT TO:<alice@example.test>"), server.commands().toString());
        }
    }

    @Test
    void aTransportEntryDoesNotMakeADomainRelayable() throws Exception {
        Path transport = tmp.resolve("transport");
        Files.writeString(transport, "one.example smtp:[127.0.0.1]:9\nrelayed.example smtp:[127.0.0.1]:9\n");
        TestSite site = new TestSite(tmp.resolve("site")).param("transport_maps", "texthash:" + transport)
                .param("relay_domains", "relayed.example").write();
        try (Master m = Master.start(site.config, Master.Options.defaults());
             Transcript t = Transcript.connectFrom("127.0.0.2", site.smtpdPort)) {
            t.expect("220 "); t.send("HELO outside.example").expect("250 ");
            t.send("MAIL FROM:<someone@outside.example>").expect("250 2.1.0 Ok");
            t.send("RCPT TO:<x@one.example>").expect("554 5.7.1 <x@one.example>: Relay access denied");
            t.send("RCPT TO:<x@relayed.example>").expect("250 2.1.5 Ok");
            t.send("QUIT").expect("221 ");
        }
    }
}
