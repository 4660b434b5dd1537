package mta.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** JsonLogLineTest - Postfix-format texts split into JSON fields, the text kept in message. */
class JsonLogLineTest {
    private static final Instant T = Instant.parse("2026-12-06T17:40:01.250Z");

    private static String json(int severity, String text) {
        return JsonLogLine.format(T, "mx", "postfix/smtpd", 42, severity, text);
    }

    @Test
    void deliveryLine() {
        String text = "4F1A2B3C4D5: to=<bob@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=1.2,"
                + " delays=0.1/0/0.5/0.6, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as X, id=1)";
        assertEquals("{\"time\":\"2026-12-06T17:40:01.250Z\",\"host\":\"mx\",\"program\":\"postfix/smtpd\",\"pid\":42,"
                + "\"severity\":\"info\",\"queue_id\":\"4F1A2B3C4D5\",\"to\":\"bob@example.org\","
                + "\"relay\":\"mx.example.org[192.0.2.1]:25\",\"delay\":1.2,\"delays\":\"0.1/0/0.5/0.6\",\"dsn\":\"2.0.0\","
                + "\"status\":\"sent\",\"status_detail\":\"250 2.0.0 Ok: queued as X, id=1\",\"message\":\"" + text + "\"}",
                json(6, text));
    }

    @Test
    void pickupLineWithSpaceSeparatedPairs() {
        assertEquals("{\"time\":\"2026-12-06T17:40:01.250Z\",\"host\":\"mx\",\"program\":\"postfix/smtpd\",\"pid\":42,"
                + "\"severity\":\"info\",\"queue_id\":\"4F1A2B3C4D5\",\"uid\":0,\"from\":\"root\","
                + "\"message\":\"4F1A2B3C4D5: uid=0 from=<root>\"}", json(6, "4F1A2B3C4D5: uid=0 from=<root>"));
        assertEquals("{\"time\":\"2026-12-06T17:40:01.250Z\",\"host\":\"mx\",\"program\":\"postfix/smtpd\",\"pid\":42,"
                + "\"severity\":\"info\",\"queue_id\":\"4F1A2B3C4D5\",\"from\":\"a@b\",\"size\":310,"
                + "\"nrcpt\":\"1 (queue active)\",\"message\":\"4F1A2B3C4D5: from=<a@b>, size=310, nrcpt=1 (queue active)\"}",
                json(6, "4F1A2B3C4D5: from=<a@b>, size=310, nrcpt=1 (queue active)"));
    }

    @Test
    void disconnectCounts() {
        assertEquals("{\"time\":\"2026-12-06T17:40:01.250Z\",\"host\":\"mx\",\"program\":\"postfix/smtpd\",\"pid\":42,"
                + "\"severity\":\"info\",\"event\":\"disconnect_from\",\"client\":\"localhost[127.0.0.1]\",\"ehlo\":1,"
                + "\"rcpt\":\"0/1\",\"commands\":\"2/3\","
                + "\"message\":\"disconnect from localhost[127.0.0.1] ehlo=1 rcpt=0/1 commands=2/3\"}",
                json(6, "disconnect from localhost[127.0.0.1] ehlo=1 rcpt=0/1 commands=2/3"));
    }

    @Test
    void rejectConnectAndWarning() {
        assertEquals("{\"time\":\"2026-12-06T17:40:01.250Z\",\"host\":\"mx\",\"program\":\"postfix/smtpd\",\"pid\":42,"
                + "\"severity\":\"info\",\"queue_id\":\"NOQUEUE\",\"event\":\"reject\",\"stage\":\"RCPT\","
                + "\"client\":\"unknown[192.0.2.9]\",\"reply\":\"554 5.7.1 <x@y>: Relay access denied\","
                + "\"from\":\"a@b\",\"to\":\"x@y\",\"proto\":\"ESMTP\",\"helo\":\"h\","
                + "\"message\":\"NOQUEUE: reject: RCPT from unknown[192.0.2.9]: 554 5.7.1 <x@y>: Relay access denied;"
                + " from=<a@b> to=<x@y> proto=ESMTP helo=<h>\"}",
                json(6, "NOQUEUE: reject: RCPT from unknown[192.0.2.9]: 554 5.7.1 <x@y>: Relay access denied;"
                        + " from=<a@b> to=<x@y> proto=ESMTP helo=<h>"));
        assertEquals("{\"time\":\"2026-12-06T17:40:01.250Z\",\"host\":\"mx\",\"program\":\"postfix/smtpd\",\"pid\":42,"
                + "\"severity\":\"info\",\"event\":\"connect_from\",\"client\":\"localhost[127.0.0.1]\","
                + "\"message\":\"connect from localhost[127.0.0.1]\"}", json(6, "connect from localhost[127.0.0.1]"));
        assertEquals("{\"time\":\"2026-12-06T17:40:01.250Z\",\"host\":\"mx\",\"program\":\"postfix/smtpd\",\"pid\":42,"
                + "\"severity\":\"warning\",\"message\":\"warning: a \\\"quoted\\\"\\tthing\"}",
                json(4, "warning: a \"quoted\"\tthing"));
    }
}
