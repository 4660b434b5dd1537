package mta.e2e;

import static mta.e2e.WalkingSkeletonTest.read;
import static mta.e2e.WalkingSkeletonTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import mta.master.Master;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SyslogRsyslogTest - with maillog_file empty (Postfix's default) the mail log reaches a real
 * rsyslogd through its /dev/log-style socket, filed by syslog_facility: a private rsyslogd (own
 * configuration, own socket and files under a temporary directory) stands in for the system's.
 */
class SyslogRsyslogTest {
    static final Path RSYSLOGD = Path.of("/usr/sbin/rsyslogd");

    @TempDir
    Path tmp;

    @Test
    void theMailLogReachesRsyslogByFacility() throws Exception {
        if (!Files.isExecutable(RSYSLOGD)) {
            Assumptions.assumeTrue(System.getenv("CI") == null, "rsyslog is installed by .ci/run");
            Assumptions.abort("rsyslog not installed (apt-get install rsyslog)");
        }
        Path dir = Files.createDirectories(tmp.resolve("rsyslog"));
        Files.createDirectories(dir.resolve("work"));
        Path socket = dir.resolve("log");
        Path mail = dir.resolve("mail.log");
        Path local3 = dir.resolve("local3.log");
        Files.writeString(dir.resolve("rsyslog.conf"), String.join("\n",
                "global(workDirectory=\"" + dir.resolve("work") + "\")",
                "module(load=\"imuxsock\" SysSock.Use=\"off\")",
                "input(type=\"imuxsock\" Socket=\"" + socket + "\")",
                "mail.* action(type=\"omfile\" file=\"" + mail + "\" template=\"RSYSLOG_TraditionalFileFormat\")",
                "local3.* action(type=\"omfile\" file=\"" + local3 + "\" template=\"RSYSLOG_TraditionalFileFormat\")", ""));
        Process rsyslogd = new ProcessBuilder(RSYSLOGD.toString(), "-n", "-f", dir.resolve("rsyslog.conf").toString(),
                "-i", dir.resolve("pid").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("rsyslogd.out").toFile()).start();
        try {
            waitFor(() -> Files.exists(socket), "rsyslogd listens");
            System.setProperty("mta.syslog.socket", socket.toString());
            TestSite site = new TestSite(tmp.resolve("site")).param("maillog_file", "").write();
            try (Master m = Master.start(site.config, Master.Options.defaults())) {
                Transcript.mail(site.smtpdPort, "alice@example.test", "root@example.test", "Subject: via syslog", "", "hi");
                waitFor(() -> read(mail).contains("status=sent"), "the delivery reaches rsyslog's mail.log");
            }
            String log = read(mail);
            assertTrue(log.matches("(?s)[A-Z][a-z]{2} [ 1-3]\\d \\d\\d:\\d\\d:\\d\\d \\S+ postfix/master\\[\\d+\\]: daemon started.*"),
                    log);
            assertTrue(log.matches("(?s).* postfix/smtpd\\[\\d+\\]: connect from .*"), log);
            assertTrue(log.matches("(?s).* postfix/local\\[\\d+\\]: [0-9A-F]+: to=<root@example.test>, relay=local, .*"
                    + "status=sent .*"), log);
            // Another facility: the lines go to the other file.
            TestSite other = new TestSite(tmp.resolve("other")).param("maillog_file", "").param("syslog_facility", "local3")
                    .param("syslog_name", "relay").write();
            try (Master m = Master.start(other.config, Master.Options.defaults())) {
                waitFor(() -> read(local3).contains("relay/master["), "local3 is filed apart");
            }
            assertTrue(!read(mail).contains("relay/master["), read(mail));
        } finally {
            System.clearProperty("mta.syslog.socket");
            rsyslogd.destroy();
            rsyslogd.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
