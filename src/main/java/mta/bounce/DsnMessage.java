package mta.bounce;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mta.cleanup.CleanupService;
import mta.mail.MailAttributes;
import mta.queue.QueueFile;

/**
 * DsnMessage - the text of one RFC 3464 notice: headers, a readable part, the
 * message/delivery-status part (with the sender's ENVID as {@code Original-Envelope-Id} and each
 * recipient's ORCPT as {@code Original-Recipient}), and the returned message or its headers.
 *
 * <p>Reads the original message's content from its queue file; writes lines into a cleanup
 * transaction that the caller has opened (envelope already set) and commits.
 */
final class DsnMessage {
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z (z)", Locale.ROOT);

    /** What is returned of the original: everything, or only its headers. */
    enum Returned { MESSAGE, HEADERS }

    private final List<String> out = new ArrayList<>();
    private final String boundary;

    /**
     * @param subject the Subject line ("Undelivered Mail Returned to Sender")
     * @param to      the To header: the notice's recipient
     */
    DsnMessage(String myhostname, String queueId, String subject, String to) {
        this.boundary = queueId + "." + Instant.now().getEpochSecond() + "/" + myhostname;
        out.add("From: MAILER-DAEMON@" + myhostname + " (Mail Delivery System)");
        out.add("Subject: " + subject);
        out.add("To: " + to);
        out.add("Auto-Submitted: auto-replied");
        out.add("MIME-Version: 1.0");
        out.add("Content-Type: multipart/report; report-type=delivery-status;");
        out.add("\tboundary=\"" + boundary + "\"");
        out.add("Content-Transfer-Encoding: 8bit");
        out.add("");
        out.add("This is a MIME-encapsulated message.");
        out.add("");
    }

    /** The first part: text for people. */
    DsnMessage notification(List<String> text, List<DsnRecipient> recipients) {
        out.add("--" + boundary);
        out.add("Content-Description: Notification");
        out.add("Content-Type: text/plain; charset=us-ascii");
        out.add("");
        out.addAll(text);
        out.add("");
        for (DsnRecipient r : recipients) out.add("<" + r.address() + ">: " + r.reason());
        out.add("");
        return this;
    }

    /** The second part: message/delivery-status, one block per recipient. */
    DsnMessage status(String myhostname, String queueId, QueueFile.Envelope env, List<DsnRecipient> recipients,
                      Instant retryUntil) {
        out.add("--" + boundary);
        out.add("Content-Description: Delivery report");
        out.add("Content-Type: message/delivery-status");
        out.add("");
        String envid = env.attribute(MailAttributes.DSN_ENVID);
        if (envid != null) out.add("Original-Envelope-Id: " + envid);
        out.add("Reporting-MTA: dns; " + myhostname);
        out.add("X-Postfix-Queue-ID: " + queueId);
        out.add("X-Postfix-Sender: rfc822; " + env.sender());
        out.add("Arrival-Date: " + date(Instant.ofEpochMilli(env.arrivalMillis())));
        for (DsnRecipient r : recipients) {
            out.add("");
            out.add("Final-Recipient: rfc822; " + r.address());
            String original = r.originalRecipient();
            if (original != null) out.add("Original-Recipient: " + original);
            out.add("Action: " + r.action());
            out.add("Status: " + r.status());
            if (r.remoteMta() != null) out.add("Remote-MTA: dns; " + r.remoteMta());
            out.add("Diagnostic-Code: " + r.diagnosticCode());
            if (retryUntil != null) out.add("Will-Retry-Until: " + date(retryUntil));
        }
        out.add("");
        return this;
    }

    private static String date(Instant t) {
        return DATE.format(t.atZone(ZoneId.systemDefault()));
    }

    /** Writes everything to {@code t}: the parts so far, then the original (the third part). */
    void writeTo(CleanupService.Transaction t, Path queueFile, QueueFile.Envelope env, Returned returned,
                 boolean undelivered) throws IOException {
        out.add("--" + boundary);
        if (returned == Returned.MESSAGE) {
            out.add("Content-Description: " + (undelivered ? "Undelivered Message" : "Message"));
            out.add("Content-Type: message/rfc822");
        } else {
            out.add("Content-Description: Message Headers");
            out.add("Content-Type: text/rfc822-headers");
        }
        out.add("");
        for (String l : out) line(t, l);
        boolean[] inBody = {false};
        QueueFile.forEachLine(queueFile, env.contentOffset(), (buf, len) -> {
            if (inBody[0] && returned == Returned.HEADERS) return;
            if (len == 0) inBody[0] = true;
            if (!(inBody[0] && returned == Returned.HEADERS)) t.line(buf, len);
        });
        line(t, "");
        line(t, "--" + boundary + "--");
    }

    private static void line(CleanupService.Transaction t, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        t.line(b, b.length);
    }
}
