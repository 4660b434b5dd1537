package mta.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import mta.config.Config;
import mta.config.ConfigException;
import mta.util.MailLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PolicyClientTest - the policy client against a server of our own: connection reuse, the request
 * limit, max_idle, and the failure modes (a server that hangs, dies in the middle of a request,
 * answers garbage, or is not there), each ending in "no answer" within the time limits and with
 * Postfix's warnings; the settings syntax with per-service overrides. The real servers (postgrey,
 * policyd-spf) are in mta.smtpd's tests.
 */
class PolicyClientTest {
    @TempDir
    Path tmp;
    FakePolicyServer server;
    MailLog mailLog;
    Path logFile;

    @BeforeEach
    void start() throws IOException {
        server = new FakePolicyServer();
        logFile = tmp.resolve("maillog");
        mailLog = MailLog.open(logFile, "mx.example.test", "postfix");
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private Config config(String... params) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("queue_directory", tmp.toString());
        for (int i = 0; i < params.length; i += 2) m.put(params[i], params[i + 1]);
        return Config.of(m);
    }

    private PolicyClient client(String argument, String... params) {
        return new PolicyClient(PolicySettings.parse(argument, config(params)), mailLog.channel("smtpd"));
    }

    private static PolicyRequest request(String rcpt) {
        return new PolicyRequest().add("request", "smtpd_access_policy").add("protocol_state", "RCPT")
                .add("recipient", rcpt).add("instance", "1.2.3");
    }

    private String log() throws IOException {
        return Files.exists(logFile) ? Files.readString(logFile) : "";
    }

    private static void waitFor(BooleanSupplier cond, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) fail("timed out waiting until " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void requestsOfOneSessionShareAConnectionThatTheNextSessionReuses() {
        server.answer(a -> "DUNNO " + a.get("recipient"));
        try (PolicyClient c = client(server.endpoint())) {
            PolicyLeases session = new PolicyLeases();
            assertEquals("DUNNO a@x", c.query(request("a@x"), session));
            assertEquals("DUNNO b@x", c.query(request("b@x"), session));
            assertEquals("DUNNO c@x", c.query(request("c@x"), session));
            assertEquals(0, c.pooled(), "held by the session while it lasts");
            session.close();
            assertEquals(1, c.pooled());
            PolicyLeases next = new PolicyLeases();
            assertEquals("DUNNO d@x", c.query(request("d@x"), next));
            next.close();
        }
        assertEquals(1, server.connections());
        assertEquals(List.of(1, 1, 1, 1), server.requests().stream().map(FakePolicyServer.Request::connection).toList());
        FakePolicyServer.Request first = server.requests().get(0);
        assertEquals(Map.of("request", "smtpd_access_policy", "protocol_state", "RCPT", "recipient", "a@x",
                "instance", "1.2.3"), first.attributes());
    }

    @Test
    void requestLimitClosesTheConnectionAfterThatManyRequests() throws Exception {
        try (PolicyClient c = client("{ " + server.endpoint() + ", request_limit=2 }")) {
            PolicyLeases session = new PolicyLeases();
            for (int i = 0; i < 5; i++) assertEquals("DUNNO", c.query(request("r" + i + "@x"), session));
            session.close();
        }
        assertEquals(List.of(1, 1, 2, 2, 3), server.requests().stream().map(FakePolicyServer.Request::connection).toList());
        waitFor(() -> server.closedByClient() >= 2, "the client closed the two used-up connections");
    }

    @Test
    void maxIdleClosesAPooledConnection() throws Exception {
        try (PolicyClient c = client("{ " + server.endpoint() + ", max_idle=1s }")) {
            PolicyLeases session = new PolicyLeases();
            c.query(request("a@x"), session);
            session.close();
            assertEquals(1, c.pooled());
            waitFor(() -> c.pooled() == 0 && server.closedByClient() == 1, "the idle connection is closed");
        }
    }

    @Test
    void aConnectionTheServerClosedIsReplacedWithoutAWarning() throws Exception {
        try (PolicyClient c = client(server.endpoint())) {
            PolicyLeases session = new PolicyLeases();
            c.query(request("a@x"), session);
            server.dropConnections();
            Thread.sleep(100); // let the close arrive
            assertEquals("DUNNO", c.query(request("b@x"), session));
            session.close();
        }
        assertEquals(2, server.connections());
        assertTrue(!log().contains("warning"), log());
    }

    @Test
    void aServerThatHangsIsGivenUpAfterTimeoutTimesTries() throws Exception {
        server.mode(FakePolicyServer.Mode.HANG);
        long start = System.nanoTime();
        try (PolicyClient c = client("{ " + server.endpoint() + ", timeout=1s, try_limit=2, retry_delay=1s }")) {
            assertNull(c.query(request("a@x"), new PolicyLeases()));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(Duration.ofMillis(2900)) >= 0 && took.compareTo(Duration.ofSeconds(10)) < 0,
                "two tries of 1s and a pause of 1s: " + took);
        assertEquals(2, server.requests().size());
        String warning = "warning: problem talking to server 127.0.0.1:" + server.port() + ": Connection timed out";
        assertEquals(2, log().split(java.util.regex.Pattern.quote(warning), -1).length - 1, log());
    }

    @Test
    void aServerThatDiesInTheMiddleOfARequestIsRetriedThenGivenUp() throws Exception {
        server.mode(FakePolicyServer.Mode.DIE);
        try (PolicyClient c = client("{ " + server.endpoint() + ", try_limit=3, retry_delay=1s }")) {
            assertNull(c.query(request("a@x"), new PolicyLeases()));
        }
        assertEquals(3, server.requests().size(), "three tries");
        // a peer that went away is retried quietly; only the last failure is reported
        String warning = "warning: problem talking to server 127.0.0.1:" + server.port() + ": lost connection";
        assertEquals(1, log().split(java.util.regex.Pattern.quote(warning), -1).length - 1, log());
    }

    @Test
    void garbageIsNoAnswer() throws Exception {
        server.mode(FakePolicyServer.Mode.GARBAGE);
        try (PolicyClient c = client("{ " + server.endpoint() + ", try_limit=1 }")) {
            assertNull(c.query(request("a@x"), new PolicyLeases()));
        }
        assertTrue(log().contains("warning: problem talking to server 127.0.0.1:" + server.port()
                + ": malformed reply: missing '=' after attribute name: HTTP/1.0 400 Bad Request"), log());
    }

    @Test
    void aReplyWithoutActionIsNoAnswer() throws Exception {
        server.answer(a -> "DUNNO\nfoo=bar"); // action=DUNNO, but we check a reply of only foo= below
        try (PolicyClient c = client("{ " + server.endpoint() + ", try_limit=1 }")) {
            assertEquals("DUNNO", c.query(request("a@x"), new PolicyLeases()), "extra attributes are ignored");
        }
        try (ServerSocket ss = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (var s = ss.accept()) {
                    new BufferedReader(new InputStreamReader(s.getInputStream())).readLine();
                    s.getOutputStream().write("foo=bar\n\n".getBytes(StandardCharsets.UTF_8));
                    s.getInputStream().read();
                } catch (IOException ignored) {
                    // done
                }
            });
            try (PolicyClient c = client("{ inet:127.0.0.1:" + ss.getLocalPort() + ", try_limit=1 }")) {
                assertNull(c.query(request("a@x"), new PolicyLeases()));
            }
        }
        assertTrue(log().contains(": missing attribute action in reply"), log());
    }

    @Test
    void aServerThatIsNotThereIsReportedAsPostfixDoes() throws Exception {
        int port;
        try (ServerSocket ss = new ServerSocket(0)) {
            port = ss.getLocalPort();
        }
        try (PolicyClient c = client("{ inet:127.0.0.1:" + port + ", try_limit=2, retry_delay=1s }")) {
            assertNull(c.query(request("a@x"), new PolicyLeases()));
        }
        assertTrue(log().contains("warning: connect to 127.0.0.1:" + port + ": Connection refused"), log());
        assertTrue(log().contains("warning: problem talking to server 127.0.0.1:" + port + ": Connection refused"), log());
    }

    @Test
    void aUnixSocketPathIsRelativeToTheQueueDirectory() throws Exception {
        Files.createDirectories(tmp.resolve("private"));
        Path socket = tmp.resolve("private/policy");
        try (ServerSocketChannel ss = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ss.bind(UnixDomainSocketAddress.of(socket));
            Thread.ofVirtual().start(() -> {
                try (SocketChannel s = ss.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(s),
                            StandardCharsets.UTF_8));
                    String recipient = "";
                    for (String l = in.readLine(); l != null && !l.isEmpty(); l = in.readLine()) {
                        if (l.startsWith("recipient=")) recipient = l.substring(10);
                    }
                    Channels.newOutputStream(s).write(("action=REJECT no " + recipient + "\n\n").getBytes(StandardCharsets.UTF_8));
                    in.readLine();
                } catch (IOException ignored) {
                    // done
                }
            });
            try (PolicyClient c = client("unix:private/policy")) {
                assertEquals("private/policy", c.name());
                assertEquals("REJECT no a@x", c.query(request("a@x"), new PolicyLeases()));
            }
        }
    }

    @Test
    void settingsComeFromMainCfAndThePerServiceOverrides() {
        PolicySettings d = PolicySettings.parse("inet:127.0.0.1:10023", config());
        assertEquals(Duration.ofSeconds(100), d.timeout());
        assertEquals(Duration.ofSeconds(300), d.maxIdle());
        assertEquals(Duration.ofSeconds(1000), d.maxTtl());
        assertEquals(0, d.requestLimit());
        assertEquals(2, d.tryLimit());
        assertEquals(Duration.ofSeconds(1), d.retryDelay());
        assertEquals("451 4.3.5 Server configuration problem", d.defaultAction());
        assertEquals("", d.policyContext());
        assertEquals("127.0.0.1:10023", d.endpoint().name());

        PolicySettings m = PolicySettings.parse("inet:127.0.0.1:10023",
                config("smtpd_policy_service_timeout", "20s", "smtpd_policy_service_default_action", "DUNNO"));
        assertEquals(Duration.ofSeconds(20), m.timeout());
        assertEquals("DUNNO", m.defaultAction());

        PolicySettings o = PolicySettings.parse("{ inet:[::1]:9998, timeout=10s, max_idle=1m, max_ttl=2m, request_limit=5,"
                + " try_limit=3, retry_delay=2s, { default_action = 450 4.7.1 Try again later }, policy_context=submission }",
                config());
        assertEquals(Duration.ofSeconds(10), o.timeout());
        assertEquals(Duration.ofSeconds(60), o.maxIdle());
        assertEquals(Duration.ofSeconds(120), o.maxTtl());
        assertEquals(5, o.requestLimit());
        assertEquals(3, o.tryLimit());
        assertEquals(Duration.ofSeconds(2), o.retryDelay());
        assertEquals("450 4.7.1 Try again later", o.defaultAction());
        assertEquals("submission", o.policyContext());
        assertEquals("[::1]:9998", o.endpoint().name());

        PolicySettings u = PolicySettings.parse("unix:/run/policyd.sock", config());
        assertEquals(UnixDomainSocketAddress.of("/run/policyd.sock"), u.endpoint().address());
    }

    @Test
    void malformedSettingsStopTheStartWithAClearMessage() {
        for (String bad : List.of("127.0.0.1:10023", "tcp:127.0.0.1:10023", "inet:127.0.0.1", "inet:host:99999",
                "{ inet:127.0.0.1:1, timeout=soon }", "{ inet:127.0.0.1:1, tries=3 }", "{ inet:127.0.0.1:1, timeout }",
                "{ inet:127.0.0.1:1, try_limit=0 }", "{ }", "{ inet:127.0.0.1:1")) {
            ConfigException e = assertThrows(ConfigException.class, () -> PolicySettings.parse(bad, config()), bad);
            assertTrue(!e.getMessage().isBlank(), bad);
        }
    }
}
