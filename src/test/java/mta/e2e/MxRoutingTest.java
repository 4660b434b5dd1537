package mta.e2e;

import static mta.e2e.WalkingSkeletonTest.count;
import static mta.e2e.WalkingSkeletonTest.inboxSize;
import static mta.e2e.WalkingSkeletonTest.queueEmpty;
import static mta.e2e.WalkingSkeletonTest.read;
import static mta.e2e.WalkingSkeletonTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import mta.dns.DnsjavaResolver;
import mta.dns.TestDnsServer;
import mta.master.Master;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MxRoutingTest - the whole system routing by DNS over the wire: the test DNS server answers the
 * MTA's own dnsjava resolver; GreenMail is the MX. The first MX is down, so the second takes the
 * mail; a relayhost without brackets is looked up by MX too; a null MX domain bounces at once.
 */
class MxRoutingTest {
    @TempDir
    Path tmp;

    @Test
    void mxOrderFallbackAndNullMx() throws Exception {
        int mxPort = TestSite.freePort();
        GreenMail gm = new GreenMail(new ServerSetup(mxPort, "127.0.0.1", "smtp"));
        gm.start();
        try (TestDnsServer dns = TestDnsServer.start()) {
            dns.mx("remote.example", 10, "mx1.remote.example").mx("remote.example", 20, "mx2.remote.example")
                    .a("mx1.remote.example", "127.0.0.2")      // nothing listens there
                    .a("mx2.remote.example", "127.0.0.1")      // GreenMail
                    .nullMx("nomail.example");
            TestSite site = new TestSite(tmp).param("smtp_connect_timeout", "2s").write();
            Master.Options options = new Master.Options(new DnsjavaResolver(List.of(dns.address())), mxPort);
            try (Master m = Master.start(site.config, options)) {
                Transcript.mail(site.smtpdPort, "root@example.test", "bob@remote.example", "Subject: by mx", "", "x");
                waitFor(() -> inboxSize(gm, "bob@remote.example") == 1, "delivery through the second MX");
                waitFor(() -> read(site.maillog).contains("to=<bob@remote.example>, relay=mx2.remote.example[127.0.0.1]:"
                        + mxPort), "the delivery is logged with the second MX as relay");

                Transcript.mail(site.smtpdPort, "root@example.test", "carol@nomail.example", "Subject: by mx", "", "x");
                Path newDir = site.maildir("root").resolve("new");
                waitFor(() -> count(newDir) == 1, "the null MX bounce reaches the sender");
                String bounce;
                try (Stream<Path> s = Files.list(newDir)) {
                    bounce = Files.readString(s.findFirst().orElseThrow());
                }
                assertTrue(bounce.contains("Final-Recipient: rfc822; carol@nomail.example"), bounce);
                assertTrue(bounce.contains("Status: 5.1.10"), bounce);
                waitFor(() -> queueEmpty(m), "the queue empties");
            }

            // A relayhost without brackets is a domain: its MX records are used.
            dns.mx("relay.example", 10, "mx2.remote.example");
            TestSite viaRelay = new TestSite(tmp.resolve("relay")).param("relayhost", "relay.example").write();
            try (Master m = Master.start(viaRelay.config, options)) {
                Transcript.mail(viaRelay.smtpdPort, "root@example.test", "dave@elsewhere.example", "Subject: by mx", "", "x");
                waitFor(() -> inboxSize(gm, "dave@elsewhere.example") == 1, "delivery through the relayhost's MX");
                waitFor(() -> read(viaRelay.maillog).contains("to=<dave@elsewhere.example>, relay=mx2.remote.example[127.0.0.1]:"
                        + mxPort), "the delivery is logged with the relayhost's MX as relay");
            }
        } finally {
            gm.stop();
        }
    }
}
