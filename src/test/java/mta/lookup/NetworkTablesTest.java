package mta.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import mta.testing.TestLookupServer;
import mta.testing.TestPostsrsd;
import mta.testing.TestSite;
import org.junit.jupiter.api.Test;

/**
 * NetworkTablesTest - the {@code tcp:} client against a real tcp_table(5) server (postsrsd), the
 * {@code socketmap:} client against a socketmap server, and the failure modes of both.
 */
class NetworkTablesTest {
    @Test
    void tcpTableAgainstPostsrsd() throws Exception {
        TestPostsrsd srs = TestPostsrsd.get();
        try (Table forward = Tables.open("tcp:127.0.0.1:" + srs.forwardPort);
             Table reverse = Tables.open("tcp:127.0.0.1:" + srs.reversePort)) {
            String rewritten = forward.get("alice@outside.example");
            assertTrue(rewritten != null && rewritten.matches("SRS0=[^=]+=[^=]+=outside\\.example=alice@srs\\.example"),
                    rewritten);
            assertEquals("alice@outside.example", reverse.get(rewritten));
            assertEquals("bob@" + TestPostsrsd.DOMAIN, forward.get("bob@" + TestPostsrsd.DOMAIN), "its own domain unchanged");
            assertNull(reverse.get("nobody@elsewhere.example"), "not an SRS address: not found");
            assertTrue(forward.matchesPatterns(), "the server sees whole keys only");
            // several lookups, one connection (kept open between them)
            for (int i = 0; i < 3; i++) assertEquals(rewritten, forward.get("alice@outside.example"));
        }
    }

    @Test
    void tcpTableFailures() throws Exception {
        try (TestLookupServer server = new TestLookupServer(TestLookupServer::line, req -> switch (req) {
            case "get found" -> "200 a%20b%25c\n".getBytes(StandardCharsets.UTF_8);
            case "get tempfail" -> "400 try%20later\n".getBytes(StandardCharsets.UTF_8);
            case "get garbage" -> "hello\n".getBytes(StandardCharsets.UTF_8);
            case "get long" -> ("200 " + "x".repeat(5000) + "\n").getBytes(StandardCharsets.UTF_8);
            case "get silent" -> new byte[0];
            case "get a%20key%25with%0Aspace" -> "200 encoded\n".getBytes(StandardCharsets.UTF_8);
            default -> "500 not found\n".getBytes(StandardCharsets.UTF_8);
        }); Table t = new TcpTable("tcp:127.0.0.1:" + server.port, "127.0.0.1:" + server.port, 1000)) {
            assertEquals("a b%c", t.get("found"));
            assertEquals("encoded", t.get("a key%with\nspace"), "the request is encoded");
            assertNull(t.get("other"));
            assertEquals(1, server.connections.get(), "one connection for several lookups");
            assertTrue(assertThrows(TableLookupException.class, () -> t.get("tempfail")).getMessage()
                    .endsWith("tcp server 127.0.0.1:" + server.port + " replied: try later"));
            assertThrows(TableLookupException.class, () -> t.get("garbage"));
            assertThrows(TableLookupException.class, () -> t.get("long"));
            TableLookupException timeout = assertThrows(TableLookupException.class, () -> t.get("silent"));
            assertTrue(timeout.getMessage().contains("timed out"), timeout.getMessage());
            assertEquals("a b%c", t.get("found"), "a new connection after a failure");
        }
        int closed = TestSite.freePort();
        try (Table t = Tables.open("tcp:127.0.0.1:" + closed)) {
            TableLookupException e = assertThrows(TableLookupException.class, () -> t.get("x"));
            assertTrue(e.getMessage().contains("connect to tcp server 127.0.0.1:" + closed), e.getMessage());
        }
    }

    @Test
    void socketmapLookupsAndFailures() throws Exception {
        Map<String, String> answers = Map.of(
                "virtual ann@box.example", "OK ann@box.example",
                "virtual odd' key", "OK found odd",
                "virtual tempfail", "TEMP database down",
                "virtual permfail", "PERM no such map",
                "virtual timeout", "TIMEOUT slow backend");
        try (TestLookupServer server = new TestLookupServer(TestLookupServer::netstring, req -> {
            if (req.equals("virtual garbage")) return "5:hello,".getBytes(StandardCharsets.UTF_8);
            if (req.equals("virtual huge")) return "200000:".getBytes(StandardCharsets.UTF_8);
            if (req.equals("virtual silent")) return new byte[0];
            if (req.equals("virtual hangup")) return null;
            return SocketmapTable.netstring(answers.getOrDefault(req, "NOTFOUND "));
        }); Table t = new SocketmapTable("socketmap:inet:127.0.0.1:" + server.port + ":virtual",
                "inet:127.0.0.1:" + server.port + ":virtual", 1000)) {
            assertEquals("ann@box.example", t.get("ann@box.example"));
            assertEquals("found odd", t.get("odd' key"));
            assertNull(t.get("nobody@box.example"));
            assertTrue(t.matchesPatterns());
            for (String k : new String[] {"tempfail", "permfail", "timeout", "garbage", "huge", "silent", "hangup"}) {
                TableLookupException e = assertThrows(TableLookupException.class, () -> t.get(k), k);
                assertTrue(e.getMessage().contains("socketmap server 127.0.0.1:" + server.port), e.getMessage());
            }
            assertEquals("ann@box.example", t.get("ann@box.example"), "a new connection after failures");
        }
        assertThrows(TableException.class, () -> Tables.open("socketmap:127.0.0.1:9:x"), "inet: or unix: is required");
        try (Table t = Tables.open("socketmap:inet:127.0.0.1:" + TestSite.freePort() + ":virtual")) {
            assertThrows(TableLookupException.class, () -> t.get("x"));
        }
    }
}
