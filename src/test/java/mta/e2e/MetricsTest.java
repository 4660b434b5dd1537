package mta.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mta.master.Master;
import mta.testing.TestPem;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MetricsTest - {@code metrics_listen}: the master's {@code /metrics} in Prometheus's text format
 * is accepted by {@code promtool check metrics} and counts what happened (mail received and
 * delivered, a rejection by restriction name, queue sizes, fsync, table lookups, JVM); a private
 * Prometheus (own configuration, data directory and port, scraping every second) sees a non-zero
 * {@code rate()} of received messages; {@code /healthz} answers 200 while everything is up.
 */
class MetricsTest {
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    static Path tmp;
    static TestSite site;
    static Master master;
    static int metricsPort;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        metricsPort = TestSite.freePort();
        TestPem.Pair key = TestPem.make(tmp.resolve("keys"), TestPem.Form.RSA_PKCS8);
        site = new TestSite(tmp.resolve("site"))
                .param("smtpd_tls_security_level", "may")
                .param("smtpd_tls_cert_file", key.cert().toString())
                .param("smtpd_tls_key_file", key.key().toString())
                .param("metrics_listen", "127.0.0.1:" + metricsPort)
                .param("smtpd_recipient_restrictions", "check_recipient_access inline:{ spam@example.test=REJECT }")
                .write();
        master = Master.start(site.config, Master.Options.defaults());
    }

    @AfterAll
    static void stop() {
        if (master != null) master.close();
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String metrics() throws IOException, InterruptedException {
        HttpResponse<String> r = get("http://127.0.0.1:" + metricsPort + "/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        return r.body();
    }

    /** The value of one sample line, or -1 when the exposition has none. */
    static double value(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(exposition);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void theExpositionCountsMailAndPassesPromtool() throws Exception {
        assumeTrue(Files.isExecutable(PROMTOOL), "needs promtool (Debian package prometheus)");
        // The counters belong to the JVM: other tests in it may have counted already.
        String rejects = "postfix_smtpd_rejects_total{stage=\"rcpt\",restriction=\"check_recipient_access\"}";
        double rejectsBefore = Math.max(0, value(metrics(), rejects));
        Transcript.mail(site.smtpdPort, "sender@example.test", "alice@example.test", "Subject: m1", "", "x");
        try (Transcript t = Transcript.connect(site.smtpdPort)) {
            t.expect("220 ");
            t.send("EHLO client.example.test").expect("250 ");
            t.send("MAIL FROM:<sender@example.test>").expect("250 ");
            t.send("RCPT TO:<spam@example.test>").expect("554 5.7.1 ");
            t.send("QUIT").expect("221 ");
        }
        WalkingSkeletonTest.waitFor(() -> WalkingSkeletonTest.read(site.maillog).contains("status=sent"), "delivery");
        String text = metrics();

        Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String verdict = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), verdict + "\n" + text);
        assertEquals("", verdict.strip(), verdict);

        assertTrue(value(text, "postfix_messages_received_total") >= 1, text);
        assertTrue(value(text, "postfix_deliveries_total{transport=\"local\",status=\"sent\"}") >= 1, text);
        assertEquals(rejectsBefore + 1, value(text, rejects), text);
        assertTrue(value(text, "postfix_smtpd_replies_total{class=\"5xx\"}") >= 1, text);
        assertTrue(value(text, "postfix_smtpd_connections_total{service=\"127.0.0.1:" + site.smtpdPort + "\"}") >= 2, text);
        assertTrue(value(text, "postfix_fsync_duration_seconds_count") >= 1, text);
        assertTrue(value(text, "postfix_delivery_delay_seconds_count{transport=\"local\"}") >= 1, text);
        assertTrue(value(text, "postfix_table_lookups_total{type=\"inline\"}") >= 1, text);
        assertEquals(0, value(text, "postfix_queue_messages{queue=\"deferred\"}"), text);
        assertTrue(value(text, "jvm_memory_used_bytes{area=\"heap\"}") > 0, text);
        assertEquals(1, value(text, "postfix_process_up{process=\"master\"}"), text);
        assertTrue(!text.contains("@"), "no label carries an address");

        // TLS: a handshake that works, and one that fails (plain text after STARTTLS).
        String ok = "postfix_tls_handshakes_total{role=\"server\"}";
        String failed = "postfix_tls_handshake_failures_total{role=\"server\"}";
        double okBefore = Math.max(0, value(text, ok));
        double failedBefore = Math.max(0, value(text, failed));
        try (Transcript t = Transcript.connect(site.smtpdPort)) {
            t.expect("220 ");
            t.send("EHLO client.example.test").expect("250 ");
            t.send("STARTTLS").expect("220 ");
            t.startTls();
            t.send("EHLO client.example.test").expect("250 ");
            t.send("QUIT").expect("221 ");
        }
        try (Transcript t = Transcript.connect(site.smtpdPort)) {
            t.expect("220 ");
            t.send("EHLO client.example.test").expect("250 ");
            t.send("STARTTLS").expect("220 ");
            t.send("this is not a TLS record");
            t.awaitClosed();
        }
        WalkingSkeletonTest.waitFor(() -> {
            try {
                String now = metrics();
                return value(now, ok) == okBefore + 1 && value(now, failed) == failedBefore + 1;
            } catch (IOException | InterruptedException e) {
                return false;
            }
        }, "one TLS handshake and one failure counted");

        HttpResponse<String> health = get("http://127.0.0.1:" + metricsPort + "/healthz");
        assertEquals(200, health.statusCode(), health.body());
        assertEquals("ok\n", health.body());
    }

    @Test
    void aPrivatePrometheusSeesTheRateOfReceivedMail() throws Exception {
        assumeTrue(Files.isExecutable(PROMETHEUS), "needs prometheus (Debian package prometheus)");
        Path dir = tmp.resolve("prometheus");
        Files.createDirectories(dir.resolve("data"));
        int port = TestSite.freePort();
        Files.writeString(dir.resolve("prometheus.yml"), String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  evaluation_interval: 1s",
                "scrape_configs:",
                "  - job_name: mta",
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + metricsPort + "']", ""));
        Process prom = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            String api = "http://127.0.0.1:" + port + "/api/v1/query?query=";
            // Scraped at least twice before the mail, so that rate() has a sample before the increase.
            poll(() -> body(api + enc("count_over_time(up{job=\"mta\"}[1m])")).matches("(?s).*\"value\":\\[[0-9.]+,\"([2-9]|\\d\\d+)\"\\].*"),
                    "Prometheus has scraped the master", dir);
            Transcript.mail(site.smtpdPort, "sender@example.test", "alice@example.test", "Subject: rate", "", "y");
            String query = api + enc("rate(postfix_messages_received_total[15s])");
            poll(() -> {
                Matcher m = Pattern.compile("\"value\":\\[[0-9.]+,\"([^\"]+)\"\\]").matcher(body(query));
                return m.find() && Double.parseDouble(m.group(1)) > 0;
            }, "a non-zero rate of received messages", dir);

            // Every query of conf/grafana-dashboard.json is valid PromQL, about metrics the master serves.
            String exposition = metrics();
            String dashboard = Files.readString(Path.of("conf/grafana-dashboard.json"));
            Matcher e = Pattern.compile("\"expr\": \"((?:[^\"\\\\]|\\\\.)*)\"").matcher(dashboard);
            int queries = 0;
            while (e.find()) {
                String expr = e.group(1).replace("\\\"", "\"").replace("$__rate_interval", "1m")
                        .replace("$instance", ".*");
                String answer = body(api + enc(expr));
                assertTrue(answer.contains("\"status\":\"success\""), expr + " -> " + answer);
                Matcher name = Pattern.compile("\\b((?:postfix|jvm)_[a-z_]+?)(?:_bucket)?\\b").matcher(expr);
                while (name.find()) {
                    assertTrue(exposition.contains("# TYPE " + name.group(1) + " "), name.group(1) + " in " + expr);
                }
                queries++;
            }
            assertTrue(queries >= 20, "the dashboard's queries: " + queries);
        } finally {
            prom.destroy();
            if (!prom.waitFor(20, TimeUnit.SECONDS)) prom.destroyForcibly();
        }
    }

    private static String enc(String q) {
        return URLEncoder.encode(q, StandardCharsets.UTF_8);
    }

    private static String body(String url) {
        try {
            return get(url).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void poll(Check c, String what, Path dir) throws Exception {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!c.ok()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what + "\n"
                        + WalkingSkeletonTest.read(dir.resolve("prometheus.log")));
            }
            Thread.sleep(200);
        }
    }
}
