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
import mta.queue.QueueFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DeliveryProtocolTest - requests and statuses survive the trip over private/local; a dead server defers. */
class DeliveryProtocolTest {
    private static DeliveryRequest request() {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("client_name", "host with space % and !");
        attrs.put("empty", "");
        List<QueueFile.Recipient> rcpts = List.of(
                new QueueFile.Recipient("\"odd user\"@example.test", null, 120, false, null, null),
                new QueueFile.Recipient("zoë@example.test", "Zoë@Example.test", 190, false, "SUCCESS,DELAY",
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
                DeliveryStatus.bounced(req.recipients().get(0), "5.1.1", "local", "unknown user: \"odd user\"\nnext"));
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

    @Test
    void noServerDefersEveryRecipient(@TempDir Path tmp) {
        DeliveryRequest req = request();
        List<DeliveryStatus> out = new DeliveryClient("local", tmp.resolve("local")).deliver(req);
        assertEquals(2, out.size());
        for (DeliveryStatus s : out) {
            assertEquals(DeliveryStatus.Outcome.DEFERRED, s.outcome());
            assertEquals("4.3.0", s.dsn());
            assertTrue(s.reason().startsWith("delivery temporarily suspended: connect to transport private/local: "),
                    s.reason());
        }
    }
}
