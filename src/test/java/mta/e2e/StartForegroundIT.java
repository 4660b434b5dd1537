package mta.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * StartForegroundIT - {@code postfix start-fg} as container images run it: the mail system in
 * the foreground, {@code maillog_file = /dev/stdout} writing the mail log to the command's
 * standard output, SIGTERM stopping it with exit status 0, and a configuration that cannot start
 * giving exit status 1 with the reason. Also {@code maillog_file_prefixes}.
 */
class StartForegroundIT {
    @TempDir
    Path tmp;

    private static Process startFg(TestSite site, Path out) throws Exception {
        return new ProcessBuilder(Path.of("bin/postfix").toAbsolutePath().toString(), "-c", site.config.toString(), "start-fg")
                .redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    void runsInTheForegroundLogsToStandardOutputAndStopsOnSigterm() throws Exception {
        TestSite site = new TestSite(tmp).param("maillog_file", "/dev/stdout")
                .param("maillog_file_prefixes", "/var, /dev/stdout").write();
        Path out = tmp.resolve("stdout");
        Process p = startFg(site, out);
        try {
            WalkingSkeletonTest.waitFor(() -> read(out).contains("postfix/master: ready"), "the master is up");
            try (Transcript t = Transcript.connect(site.smtpdPort)) {
                t.expect("220 ");
                t.send("QUIT").expect("221 ");
            }
            WalkingSkeletonTest.waitFor(() -> read(out).matches("(?s).*postfix/smtpd\\[\\d+\\]: disconnect from .*"),
                    "the mail log line on standard output");
            assertTrue(read(out).matches("(?s).*\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d mx postfix/master\\[\\d+\\]: daemon started.*"),
                    read(out));
            assertTrue(p.isAlive(), "still in the foreground");
        } finally {
            p.destroy(); // SIGTERM, as docker stop sends it
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stopped");
        assertEquals(0, p.exitValue(), read(out));
        assertTrue(read(out).contains("terminating on signal 15"), read(out));
        assertTrue(Files.notExists(site.queue.resolve("pid/master.pid")), "the pid file is gone");
    }

    @Test
    void aConfigurationThatCannotStartExitsOneWithTheReasonAlsoInTheMailLog() throws Exception {
        TestSite site = new TestSite(tmp).param("smtpd_milters", "bogus:127.0.0.1:8891").write();
        Path out = tmp.resolve("stdout");
        Process p = startFg(site, out);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "gave up");
        assertEquals(1, p.exitValue(), read(out));
        String fatal = "fatal: parameter smtpd_milters: milter bogus:127.0.0.1:8891: unsupported transport type:"
                + " \"bogus\" (use inet: or unix:)";
        assertTrue(read(out).contains("postfix/master: " + fatal), read(out));
        assertTrue(read(site.maillog).matches("(?s).*postfix/master\\[\\d+\\]: " + java.util.regex.Pattern.quote(fatal) + ".*"),
                read(site.maillog));
    }

    @Test
    void aMailLogFileOutsideTheAllowedPrefixesIsRefused() throws Exception {
        TestSite site = new TestSite(tmp).param("maillog_file_prefixes", "/var, /dev/stdout").write();
        Path out = tmp.resolve("stdout");
        Process p = new ProcessBuilder(Path.of("bin/postfix").toAbsolutePath().toString(), "-c", site.config.toString(), "start")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), read(out));
        assertTrue(read(out).contains("fatal: maillog_file value '" + site.maillog
                + "' does not match any prefix in maillog_file_prefixes"), read(out));
    }
}
