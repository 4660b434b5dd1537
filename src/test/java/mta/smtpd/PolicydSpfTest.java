package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mta.dns.TestDnsServer;
import mta.master.Master;
import mta.testing.Maildirs;
import mta.testing.ServerProcess;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PolicydSpfTest - SPF checks with the real policyd-spf (Debian package postfix-policyd-spf-python)
 * as the policy server, against SPF records served by the project's {@link TestDnsServer}.
 *
 * <p>policyd-spf reads requests on standard input and answers on standard output (Postfix runs it
 * as a spawn service); here socat gives it a private port on 127.0.0.1, one policyd-spf per
 * connection, run as nobody with its own configuration file. Its DNS library would ask the
 * resolvers of /etc/resolv.conf, which cannot name a port; a {@code sitecustomize.py} on its
 * PYTHONPATH points the library (pydns, or dnspython where that is what python3-spf uses) at the
 * test DNS server instead, before policyd-spf starts, so no question reaches the machine's resolver.
 * A sender whose domain's SPF record fails for the client is refused with policyd-spf's
 * {@code 550 5.7.23}; a pass is accepted and the delivered message carries policyd-spf's
 * {@code Received-SPF:} header (a PREPEND action), above our Received: header.
 */
class PolicydSpfTest {
    static TestDnsServer dns;
    static Path dir;
    static ServerProcess spf;
    static TestSite site;
    static Master m;
    static SmtpdTestSupport sup;

    @BeforeAll
    static void start() throws Exception {
        ServerProcess.require(Path.of("/usr/bin/policyd-spf"), "postfix-policyd-spf-python");
        ServerProcess.require(Path.of("/usr/bin/socat"), "socat");
        dns = TestDnsServer.start();
        dns.txt("pass.example", "v=spf1 ip4:127.0.0.0/8 -all");
        dns.txt("fail.example", "v=spf1 ip4:192.0.2.1 -all");
        dir = ServerProcess.directory("policyd-spf");
        Files.writeString(dir.resolve("policyd-spf.conf"), String.join("\n",
                "debugLevel = 1", "TestOnly = 1", "HELO_reject = Fail", "Mail_From_reject = Fail",
                "PermError_reject = False", "TempError_Defer = False",
                "skip_addresses = 192.0.2.0/24", // not loopback, which the stock file skips
                "Lookup_Time = 10", ""));
        Files.writeString(dir.resolve("sitecustomize.py"), String.join("\n",
                "# Points policyd-spf's DNS library at the test DNS server (a private resolv.conf cannot name a port).",
                "try:",
                "    import DNS",
                "    DNS.defaults['server'] = ['127.0.0.1']",
                "    DNS.defaults['port'] = " + dns.port(),
                "except ImportError:",
                "    pass",
                "try:",
                "    import dns.resolver",
                "    _r = dns.resolver.Resolver(configure=False)",
                "    _r.nameservers = ['127.0.0.1']",
                "    _r.port = " + dns.port(),
                "    dns.resolver.default_resolver = _r",
                "except ImportError:",
                "    pass", ""));
        int port = TestSite.freePort();
        spf = new ServerProcess("policyd-spf", dir.resolve("socat.log"), ServerProcess.asNobody(List.of("/usr/bin/socat",
                "TCP-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr,fork",
                "EXEC:env PYTHONPATH=" + dir + " /usr/bin/policyd-spf " + dir.resolve("policyd-spf.conf"))));
        spf.start(port);

        site = new TestSite(Files.createTempDirectory("spf-site"));
        site.param("smtpd_recipient_restrictions", "reject_unauth_destination, check_policy_service inet:127.0.0.1:" + port)
                .write();
        m = Master.start(site.config, Master.Options.defaults());
        sup = new SmtpdTestSupport(site, m);
    }

    @AfterAll
    static void stop() {
        if (m != null) m.close();
        if (spf != null) spf.stop();
        if (dns != null) dns.close();
        ServerProcess.delete(dir);
        if (site != null) ServerProcess.delete(site.root);
    }

    @Test
    void anSpfFailIsRefusedAndAPassIsAcceptedWithItsReceivedSpfHeader() throws Exception {
        try (Transcript t = Transcript.connectFrom("127.0.0.2", site.smtpdPort)) {
            t.expect("220 ");
            t.send("EHLO client.example").expect("250 ");
            t.send("MAIL FROM:<jane@fail.example>").expect("250 ");
            t.send("RCPT TO:<alice@example.test>").expect("550 5.7.23 <alice@example.test>: Recipient address rejected:"
                    + " Message rejected due to: SPF fail - not authorized.");
            t.send("RSET").expect("250 ");
            t.send("MAIL FROM:<jane@pass.example>").expect("250 ");
            t.send("RCPT TO:<alice@example.test>").expect("250 ");
            t.send("DATA").expect("354 ");
            t.send("Subject: spf pass").send("").send("hello");
            t.send(".").expect("250 2.0.0 Ok: queued as ");
            t.send("QUIT").expect("221 ");
        }
        sup.awaitLog("NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 550 5.7.23 <alice@example.test>: Recipient address"
                + " rejected: Message rejected due to: SPF fail - not authorized.");
        Path maildir = site.maildir("root");
        SmtpdTestSupport.waitFor(() -> Maildirs.bySubject(maildir, "spf pass") != null, "delivery to root");
        MimeMessage msg = Maildirs.bySubject(maildir, "spf pass");
        String received = msg.getHeader("Received-SPF", null);
        assertTrue(received != null && received.startsWith("Pass (mailfrom) identity=mailfrom; client-ip=127.0.0.2;")
                && received.contains("envelope-from=jane@pass.example"), String.valueOf(received));
        String all = String.join("\n", java.util.Collections.list(msg.getAllHeaderLines()));
        assertTrue(all.indexOf("Received-SPF:") < all.indexOf("Received: from"), all);
        assertTrue(dns.questions().stream().anyMatch(q -> q.startsWith("pass.example.")), dns.questions().toString());
    }
}
