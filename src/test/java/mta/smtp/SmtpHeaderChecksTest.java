package mta.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import mta.config.Config;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpHeaderChecksTest - smtp_header_checks, smtp_mime_header_checks, smtp_nested_header_checks
 * and smtp_body_checks on what the SMTP client sends. The expected wire lines and log lines are
 * those Postfix 3.7 produced for the same tables and message (run by hand against smtp-sink).
 */
class SmtpHeaderChecksTest {
    @TempDir
    Path dir;

    private final List<String> log = new CopyOnWriteArrayList<>();

    private static final String HEADER_RULES = String.join("\n",
            "/^Subject: mime test/ REPLACE Subject: replaced subject",
            "/^Mime-Version: 1.0/  REPLACE MIME-Version: 1.0 (replaced-by-header)",
            "/^X-Strip-Me:/        IGNORE",
            "/^X-Warn-Me:/         WARN warned text",
            "/^X-Info-Me:/         INFO info text",
            "/^X-Strip2:/          STRIP strip text",
            "/^X-Prepend-Me:/      PREPEND X-Prepended: yes",
            "/^X-Reject-Me:/       REJECT rejected text",
            "/^X-Hold-Me:/         HOLD held",
            "/^X-Part-Header:/     REPLACE X-Part-Header: by-header-checks",
            "/^X-Nested:/          REPLACE X-Nested: by-header-checks",
            "/^Subject: nested/    REPLACE Subject: nested-by-header-checks",
            "/^Content-Type:/      WARN content-type-by-header-checks",
            "/^X-Multi:/           WARN multi",
            "/^X-Long:/            WARN long", "");
    private static final String BODY_RULES = String.join("\n",
            "/^body-replace/   REPLACE body replaced",
            "/^body-ignore/    IGNORE",
            "/^body-warn/      WARN body warned",
            "/^body-prepend/   PREPEND prepended body line",
            "/^--BOUND/        WARN boundary seen by body checks", "");

    private static final List<String> MESSAGE = List.of(
            "From: a@example.test", "To: b@remote.test", "Subject: mime test", "Mime-Version: 1.0",
            "X-Strip-Me: secret", "X-Warn-Me: w", "X-Info-Me: i", "X-Strip2: s", "X-Prepend-Me: p",
            "X-Reject-Me: r", "X-Hold-Me: h", "X-Multi: one", " two", "\tthree", "X-Long: " + "z".repeat(300),
            "Content-Type: multipart/mixed; boundary=\"BOUND\"", "",
            "preamble", "--BOUND", "Content-Type: text/plain", "X-Part-Header: original", "",
            "body-replace this", "body-ignore this", "body-warn this", "body-prepend this", "normal line",
            "--BOUND", "Content-Type: message/rfc822", "",
            "Subject: nested original", "X-Nested: original", "Content-Type: text/plain", "", "nested body",
            "--BOUND--", "epilogue");

    private List<String> send(String... params) throws Exception {
        Path header = Files.writeString(dir.resolve("smtp_header_checks"), HEADER_RULES);
        Path body = Files.writeString(dir.resolve("smtp_body_checks"), BODY_RULES);
        Map<String, String> m = new HashMap<>(Map.of("myhostname", "client.test", "smtp_connection_cache_on_demand", "no",
                "smtp_header_checks", "regexp:" + header, "smtp_body_checks", "regexp:" + body));
        for (int i = 0; i < params.length; i += 2) m.put(params[i], params[i + 1].replace("HEADER", "regexp:" + header));
        try (RawSmtpSink sink = RawSmtpSink.start()) {
            DeliveryRequest req = TestMessages.request(dir, sink.nexthop(), "a@example.test", List.of("b@remote.test"), MESSAGE);
            SmtpAgent agent = new SmtpAgent(Config.of(m), null, 25, log::add);
            assertEquals(Outcome.SENT, agent.deliver(req).get(0).outcome());
            String all = new String(sink.sessions(1).get(0), StandardCharsets.UTF_8);
            int start = all.indexOf("DATA\r\n") + 6;
            log.replaceAll(l -> l.replace(req.queueId(), "QID"));
            return Arrays.asList(all.substring(start, all.indexOf("\r\n.\r\n", start)).split("\r\n", -1));
        }
    }

    @Test
    void headerAndBodyChecksActAsInPostfixAndLeaveMimeAndNestedHeadersToTheirOwnTables() throws Exception {
        List<String> wire = send();

        assertEquals(List.of("From: a@example.test", "To: b@remote.test", "Subject: replaced subject",
                "Mime-Version: 1.0",                                   // a MIME header: smtp_mime_header_checks is empty
                "X-Warn-Me: w", "X-Info-Me: i", "X-Prepended: yes", "X-Prepend-Me: p",
                "X-Reject-Me: r", "X-Hold-Me: h",                      // actions the SMTP client does not support
                "X-Multi: one", " two", "\tthree", "X-Long: " + "z".repeat(300),
                "Content-Type: multipart/mixed; boundary=\"BOUND\"", "",
                "preamble", "--BOUND", "Content-Type: text/plain", "X-Part-Header: original", "",
                "body replaced", "body-warn this", "prepended body line", "body-prepend this", "normal line",
                "--BOUND", "Content-Type: message/rfc822", "",
                "Subject: nested original", "X-Nested: original", "Content-Type: text/plain", "", "nested body",
                "--BOUND--", "epilogue"), wire);
        assertEquals(List.of(
                "QID: replace: header Subject: mime test: Subject: replaced subject",
                "QID: warning: header X-Warn-Me: w: warned text",
                "QID: info: header X-Info-Me: i: info text",
                "QID: strip: header X-Strip2: s: strip text",
                "QID: prepend: header X-Prepend-Me: p: X-Prepended: yes",
                "warning: unsupported command in smtp_header_checks map: REJECT rejected text",
                "warning: unsupported command in smtp_header_checks map: HOLD held",
                "QID: warning: header X-Multi: one? two??three: multi",
                "QID: warning: header X-Long: " + "z".repeat(52) + ": long",
                "QID: warning: body --BOUND: boundary seen by body checks",
                "QID: replace: body body-replace this: body replaced",
                "QID: warning: body body-warn this: body warned",
                "QID: prepend: body body-prepend this: prepended body line",
                "QID: warning: body --BOUND: boundary seen by body checks",
                "QID: warning: body --BOUND--: boundary seen by body checks"), log);
    }

    @Test
    void mimeAndNestedHeaderChecksSeeTheirOwnHeaders() throws Exception {
        List<String> wire = send("smtp_mime_header_checks", "HEADER", "smtp_nested_header_checks", "HEADER",
                "smtp_body_checks", "");

        assertTrue(wire.contains("MIME-Version: 1.0 (replaced-by-header)"), wire.toString());
        assertTrue(wire.contains("X-Part-Header: by-header-checks"), "a MIME part's header: " + wire);
        assertTrue(wire.contains("Subject: nested-by-header-checks"), "an attached message's header: " + wire);
        assertTrue(wire.contains("X-Nested: by-header-checks"), wire.toString());
        assertTrue(wire.contains("body-ignore this"), "no body checks: " + wire);
        assertEquals(List.of(
                "QID: warning: header Content-Type: multipart/mixed; boundary=\"BOUND\": content-type-by-header-checks",
                "QID: warning: header Content-Type: text/plain: content-type-by-header-checks",
                "QID: warning: header Content-Type: message/rfc822: content-type-by-header-checks",
                "QID: warning: header Content-Type: text/plain: content-type-by-header-checks"),
                log.stream().filter(l -> l.contains("Content-Type")).toList());
        assertTrue(log.contains("QID: replace: header X-Part-Header: original: X-Part-Header: by-header-checks"), log.toString());
    }

    @Test
    void mailcowStripsInternalReceivedHeadersAndMailers() throws Exception {
        // The rules of mailcow's anonymize_headers.pcre, as regexp: (the same patterns).
        Path rules = Files.writeString(dir.resolve("anonymize_headers"), String.join("\n",
                "/^\\s*Received:.*with ESMTPSA/       IGNORE",
                "/^\\s*X-Originating-IP:/             IGNORE",
                "/^\\s*X-Mailer:/                     IGNORE",
                "/^\\s*Mime-Version: 1.0.*/           REPLACE MIME-Version: 1.0",
                "/^\\s*User-Agent/                    IGNORE", ""));
        Map<String, String> m = Map.of("myhostname", "client.test", "smtp_connection_cache_on_demand", "no",
                "smtp_header_checks", "regexp:" + rules);
        try (RawSmtpSink sink = RawSmtpSink.start()) {
            DeliveryRequest req = TestMessages.request(dir, sink.nexthop(), "a@example.test", List.of("b@remote.test"),
                    List.of("Received: from laptop (laptop [192.0.2.7])", "\tby mail.example.test with ESMTPSA id 1;",
                            "\tMon, 1 Jan 2024 00:00:00 +0000",
                            "Received: from mx.example.net by mail.example.test with ESMTP id 2",
                            "X-Mailer: SecretClient 1.0", "User-Agent: Thunderbird", "X-Originating-IP: 192.0.2.7",
                            "Subject: hello", "", "X-Mailer: in the body stays", "body"));
            new SmtpAgent(Config.of(m), null, 25, log::add).deliver(req);
            String all = new String(sink.sessions(1).get(0), StandardCharsets.UTF_8);
            String data = all.substring(all.indexOf("DATA\r\n") + 6, all.indexOf("\r\n.\r\n"));
            assertEquals("Received: from mx.example.net by mail.example.test with ESMTP id 2\r\nSubject: hello\r\n\r\n"
                    + "X-Mailer: in the body stays\r\nbody", data);
        }
    }
}
