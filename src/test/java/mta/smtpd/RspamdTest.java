package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * RspamdTest - smtpd_milters with the real rspamd in milter mode: GTUBE is refused, clean mail gets rspamd's headers.
 *
 * <p>rspamd (Debian package rspamd; .ci/run installs it) runs privately: only its proxy worker,
 * in milter mode and scanning by itself ({@code self_scan}), on its own port on 127.0.0.1, with
 * its state, log and local settings under a temporary directory and the stock rules of
 * /etc/rspamd. No Redis. Its DNS questions go to the project's {@link TestDnsServer}. To start in
 * seconds rather than minutes it is given a four-line public-suffix list and no Hyperscan
 * (both would be compiled at every start otherwise). The milter_headers module adds
 * X-Spamd-Result, X-Rspamd-Server and X-Rspamd-Queue-Id.
 */
class RspamdTest {
    static Path dir;
    static TestDnsServer dns;
    static ServerProcess rspamd;
    static TestSite site;
    static Master m;
    static SmtpdTestSupport sup;

    static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

    @BeforeAll
    static void start() throws Exception {
        ServerProcess.require(Path.of("/usr/bin/rspamd"), "rspamd");
        dir = ServerProcess.directory("rspamd");
        dns = TestDnsServer.start();
        int port = TestSite.freePort();
        Files.createDirectories(dir.resolve("local/local.d"));
        Files.createDirectories(dir.resolve("db"));
        Files.writeString(dir.resolve("tld.dat"), "com\norg\nnet\ntest\n");
        Files.writeString(dir.resolve("local/local.d/milter_headers.conf"), String.join("\n",
                "use = [\"x-spamd-result\", \"x-rspamd-server\", \"x-rspamd-queue-id\"];",
                "skip_local = false;",
                "skip_authenticated = false;", ""));
        Files.writeString(dir.resolve("rspamd.conf"), String.join("\n",
                ".include \"$CONFDIR/common.conf\"",
                "options {",
                "  pidfile = \"" + dir.resolve("rspamd.pid") + "\";",
                "  filters = \"\";",
                "  cache_file = \"$DBDIR/symbols.cache\";",
                "  dynamic_conf = \"$DBDIR/rspamd_dynamic\";",
                "  history_file = \"$DBDIR/rspamd.history\";",
                "  control_socket = \"$DBDIR/rspamd.sock mode=0600\";",
                "  url_tld = \"" + dir.resolve("tld.dat") + "\";",
                "  disable_hyperscan = true;",
                "  tempdir = \"" + dir + "\";",
                "  local_addrs = [];",
                "  task_timeout = 8s;",
                "  dns {",
                "    nameserver = [\"127.0.0.1:" + dns.port() + "\"];",
                "    timeout = 1s;",
                "    retransmits = 1;",
                "  }",
                "}",
                "logging {",
                "  type = \"file\";",
                "  filename = \"" + dir.resolve("rspamd.log") + "\";",
                "  level = \"info\";",
                "}",
                "worker \"rspamd_proxy\" {",
                "  bind_socket = \"127.0.0.1:" + port + "\";",
                "  milter = yes;",
                "  timeout = 120s;",
                "  upstream \"local\" {",
                "    default = yes;",
                "    self_scan = yes;",
                "  }",
                "  count = 1;",
                "}", ""));
        if (ServerProcess.ROOT) ServerProcess.run(List.of("chown", "-R", "nobody:nogroup", dir.toString()), dir);
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/rspamd", "-f", "-c", dir.resolve("rspamd.conf").toString(),
                "--var=DBDIR=" + dir.resolve("db"), "--var=LOCAL_CONFDIR=" + dir.resolve("local"),
                "--var=RUNDIR=" + dir, "--var=LOGDIR=" + dir));
        if (ServerProcess.ROOT) cmd.addAll(List.of("-u", "nobody", "-g", "nogroup"));
        rspamd = new ServerProcess("rspamd", dir.resolve("rspamd.out"), cmd);
        rspamd.start(port);

        site = new TestSite(Files.createTempDirectory("rspamd-site"));
        site.param("smtpd_milters", "inet:127.0.0.1:" + port).write();
        m = Master.start(site.config, Master.Options.defaults());
        sup = new SmtpdTestSupport(site, m);
    }

    @AfterAll
    static void stop() {
        if (m != null) m.close();
        if (rspamd != null) rspamd.stop();
        if (dns != null) dns.close();
        ServerProcess.delete(dir);
        if (site != null) ServerProcess.delete(site.root);
    }

    private static String send(String subject, String body) throws Exception {
        try (Transcript t = Transcript.connectFrom("127.0.0.2", site.smtpdPort)) {
            t.expect("220 ");
            t.send("EHLO sender.example.org").expect("250 ");
            t.send("MAIL FROM:<jane@sender.example.org>").expect("250 ");
            t.send("RCPT TO:<root@example.test>").expect("250 ");
            t.send("DATA").expect("354 ");
            t.send("From: Jane <jane@sender.example.org>").send("To: root@example.test").send("Subject: " + subject)
                    .send("Date: Sun, 6 Dec 2026 10:00:00 +0000").send("Message-ID: <" + subject.hashCode() + "@sender.example.org>")
                    .send("").send(body);
            String reply = t.send(".").reply();
            t.send("QUIT").expect("221 ");
            return reply;
        }
    }

    @Test
    void gtubeIsRefusedAtTheEndOfTheMessage() throws Exception {
        String reply = send("gtube", "This is spam.\r\n" + GTUBE);
        assertTrue(reply.startsWith("554 5.7.1 ") || reply.startsWith("550 5.7.1 "), reply);
        assertTrue(reply.contains("Gtube pattern"), reply);
        sup.awaitLog(": milter-reject: END-OF-MESSAGE from unknown[127.0.0.2]: 5.7.1 Gtube pattern;"
                + " from=<jane@sender.example.org> to=<root@example.test> proto=ESMTP helo=<sender.example.org>");
        assertEquals(0, sup.queueFilesContaining("Subject: gtube"));
    }

    @Test
    void cleanMailIsDeliveredWithRspamdsHeaders() throws Exception {
        SmtpdTestSupport.queuedId(send("clean", "Hello, this is an ordinary message."));
        Path maildir = site.maildir("root");
        SmtpdTestSupport.waitFor(() -> Maildirs.bySubject(maildir, "clean") != null, "delivery to root");
        MimeMessage msg = Maildirs.bySubject(maildir, "clean");
        String result = msg.getHeader("X-Spamd-Result", null);
        assertNotNull(result, String.join("\n", java.util.Collections.list(msg.getAllHeaderLines())));
        assertTrue(result.startsWith("default: False ["), result);
        assertNotNull(msg.getHeader("X-Rspamd-Server", null));
        assertNotNull(msg.getHeader("X-Rspamd-Queue-Id", null));
    }
}
