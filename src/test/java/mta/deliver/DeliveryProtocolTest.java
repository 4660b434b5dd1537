package mta.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mta.mail.Dsn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DeliveryProtocolTest - requests and statuses survive the trip over private/local; a dead server defers. */
class DeliveryProtocolTest {
    private static DeliveryRequest request() {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("client_name", "host with space % and !");
        attrs.put("empty", "");
        List<Recipient> rcpts = List.of(
                new Recipient("\"odd user\"@example.test", null, 120, null, null),
                new Recipient("zoë@example.test", "Zoë@Example.test", 190, "SUCCESS,DELAY",
                        "rfc822;zoë@example.test"));
        return new DeliveryRequest("4B7E21A3F9", Path.of("/var/spool/postfix/active/4B7E21A3F9"), "local",
                "mx.example.test", "", rcpts, Instant.parse("2024-05-01T10:00:00.123Z"),
                Instant.parse("2024-05-01T10:00:01Z"), 300, 1234, attrs);
    }

    @Test
    void aRequestAndItsStatusesRoundTrip() throws Exception {
        DeliveryRequest req = request();
        StringWriter w = new StringWriter();
        DeliveryProtocol.writeRequest(w, req);
        DeliveryRequest back = DeliveryProtocol.readRequest(new BufferedReader(new StringReader(w.toString())));
        assertEquals(req, back);

        List<DeliveryStatus> statuses = List.of(
                DeliveryStatus.sent(req.recipients().get(1), "local", "delivered to maildir", 0, 0.25).asFinalDelivery(),
                DeliveryStatus.bounced(req.recipients().get(0), Dsn.parse("5.1.1"), "local", "unknown user: \"odd user\"\nnext"));
        StringWriter sw = new StringWriter();
        DeliveryProtocol.writeStatuses(sw, statuses);
        assertEquals(3, sw.toString().lines().count(), sw.toString());
        List<DeliveryStatus> read = DeliveryProtocol.readStatuses(new BufferedReader(new StringReader(sw.toString())),
                req.recipients());
        assertEquals(statuses, read);
    }

    @Test
    void aTruncatedOrUnknownAnswerIsAnError() {
        DeliveryRequest req = request();
        assertThrows(java.io.EOFException.class, () -> DeliveryProtocol.readStatuses(
                new BufferedReader(new StringReader("status 120 SENT 2.0.0 local ok 0.0 0.0 0 0\n")), req.recipients()));
        assertThrows(DeliveryProtocol.ProtocolException.class, () -> DeliveryProtocol.readStatuses(
                new BufferedReader(new StringReader("status 999 SENT 2.0.0 local ok 0.0 0.0 0 0\nend\n")),
                req.recipients()));
        assertThrows(DeliveryProtocol.ProtocolException.class, () -> DeliveryProtocol.readRequest(
                new BufferedReader(new StringReader("queue_id X\nend\n"))));
    }

    /**
     * mailbox_transport under privilege separation: the server hands a recipient back, the client
     * delivers it through its own transports and answers; the server gets that status (logged).
     */
    @Test
    void aRecipientHandedBackIsDeliveredByTheClient() throws Exception {
        DeliveryRequest req = request();
        java.io.PipedWriter toClient = new java.io.PipedWriter();
        java.io.PipedWriter toServer = new java.io.PipedWriter();
        BufferedReader clientIn = new BufferedReader(new java.io.PipedReader(toClient));
        BufferedReader serverIn = new BufferedReader(new java.io.PipedReader(toServer));
        Recipient zoe = req.recipients().get(1);
        Recipient dave = new Recipient("dave@example.test", zoe.original(), zoe.offset(),
                zoe.dsnNotify(), zoe.dsnOrcpt());
        DeliveryStatus[] serverGot = new DeliveryStatus[1];
        Thread server = Thread.ofVirtual().start(() -> {
            try {
                DeliveryStatus st = DeliveryProtocol.passBack(serverIn, toClient)
                        .pass("lmtp:unix:private/dovecot-lmtp", req, dave);
                serverGot[0] = st;
                DeliveryProtocol.writeStatuses(toClient, List.of(st.forRecipient(zoe),
                        DeliveryStatus.sent(req.recipients().get(0), "local", "delivered to maildir", 0, 0)));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        List<String> asked = new java.util.ArrayList<>();
        DeliveryPass pass = (transport, r, rcpt) -> {
            asked.add(transport + " " + rcpt.address() + " " + rcpt.original() + " " + rcpt.offset() + " " + r.queueId());
            return DeliveryStatus.sent(rcpt, "mx.example.test[private/dovecot-lmtp]", "250 2.0.0 <dave@example.test> Saved",
                    0, 0.1).asLogged();
        };
        List<DeliveryStatus> read = DeliveryProtocol.readStatuses(clientIn, toServer, req, pass);
        server.join();
        assertEquals(List.of("lmtp:unix:private/dovecot-lmtp dave@example.test Zoë@Example.test 190 4B7E21A3F9"), asked);
        assertEquals("dave@example.test", serverGot[0].recipient().address());
        assertTrue(serverGot[0].logged());
        assertEquals(2, read.size());
        assertEquals("zoë@example.test", read.get(0).recipient().address());
        assertTrue(read.get(0).logged() && read.get(0).relay().equals("mx.example.test[private/dovecot-lmtp]"));
        assertTrue(!read.get(1).logged());
    }

    @Test
    void noServerDefersEveryRecipient(@TempDir Path tmp) {
        DeliveryRequest req = request();
        List<DeliveryStatus> out = new DeliveryClient("local", tmp.resolve("local")).deliver(req);
        assertEquals(2, out.size());
        for (DeliveryStatus s : out) {
            assertEquals(DeliveryStatus.Outcome.DEFERRED, s.outcome());
            assertEquals("4.3.0", s.dsn().toString());
            assertTrue(s.reason().startsWith("delivery temporarily suspended: connect to transport private/local: "),
                    s.reason());
        }
    }
}
