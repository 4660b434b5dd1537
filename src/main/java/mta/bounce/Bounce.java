package mta.bounce;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mta.cleanup.CleanupException;
import mta.cleanup.CleanupService;
import mta.config.Config;
import mta.config.Params;
import mta.mail.Address;
import mta.queue.DeferLog;
import mta.queue.QueueFile;
import mta.util.MailLog;

/**
 * Bounce - returns undeliverable mail to its sender as an RFC 3464 delivery status notification.
 *
 * <p>Reads the original message (headers and up to {@code bounce_size_limit} bytes of it) from its
 * queue file, and the failed recipients from the caller. Writes a new message with the null
 * sender through {@link CleanupService}, and logs {@code QID: sender non-delivery notification:
 * NEWQID}. Mail from the null sender is never bounced (no bounce loops).
 */
public final class Bounce {
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z (z)", Locale.ROOT);

    private final CleanupService cleanup;
    private final MailLog.Channel log;
    private final String myhostname;
    private final String mailName;
    private final int sizeLimit;

    public Bounce(Config config, CleanupService cleanup, MailLog mailLog) {
        this.cleanup = cleanup;
        this.log = mailLog.channel("bounce");
        this.myhostname = config.str(Params.MYHOSTNAME);
        this.mailName = config.str(Params.MAIL_NAME);
        this.sizeLimit = config.integer(Params.BOUNCE_SIZE_LIMIT);
    }

    /**
     * Sends a non-delivery notice for {@code failed} recipients of message {@code queueId}.
     *
     * @return the notice's queue ID, or null when none was sent (null sender)
     */
    public String nonDelivery(String queueId, QueueFile.Envelope env, java.nio.file.Path queueFile,
                              List<DeferLog.Entry> failed) throws IOException, CleanupException {
        if (env.sender().isEmpty()) {
            log.info(queueId + ": undeliverable bounce message discarded");
            return null;
        }
        String boundary = queueId + "." + Instant.now().getEpochSecond() + "/" + myhostname;
        List<String> out = new ArrayList<>();
        out.add("From: MAILER-DAEMON@" + myhostname + " (Mail Delivery System)");
        out.add("Subject: Undelivered Mail Returned to Sender");
        out.add("To: " + env.sender());
        out.add("Auto-Submitted: auto-replied");
        out.add("MIME-Version: 1.0");
        out.add("Content-Type: multipart/report; report-type=delivery-status;");
        out.add("\tboundary=\"" + boundary + "\"");
        out.add("Content-Transfer-Encoding: 8bit");
        out.add("");
        out.add("This is a MIME-encapsulated message.");
        out.add("");
        out.add("--" + boundary);
        out.add("Content-Description: Notification");
        out.add("Content-Type: text/plain; charset=us-ascii");
        out.add("");
        out.add("This is the mail system at host " + myhostname + ".");
        out.add("");
        out.add("I'm sorry to have to inform you that your message could not");
        out.add("be delivered to one or more recipients. It's attached below.");
        out.add("");
        out.add("The addresses and the reasons are listed below. Mail the postmaster");
        out.add("of this site for help, and include this report.");
        out.add("");
        out.add("                   The " + mailName + " program");
        out.add("");
        for (DeferLog.Entry e : failed) out.add("<" + e.recipient() + ">: " + e.reason());
        out.add("");
        out.add("--" + boundary);
        out.add("Content-Description: Delivery report");
        out.add("Content-Type: message/delivery-status");
        out.add("");
        out.add("Reporting-MTA: dns; " + myhostname);
        out.add("X-Postfix-Queue-ID: " + queueId);
        out.add("X-Postfix-Sender: rfc822; " + env.sender());
        out.add("Arrival-Date: " + DATE.format(Instant.ofEpochMilli(env.arrivalMillis()).atZone(ZoneId.systemDefault())));
        for (DeferLog.Entry e : failed) {
            out.add("");
            out.add("Final-Recipient: rfc822; " + e.recipient());
            out.add("Action: " + e.action());
            out.add("Status: " + e.status());
            out.add("Diagnostic-Code: X-Postfix; " + e.reason());
        }
        out.add("");
        out.add("--" + boundary);
        out.add("Content-Description: Undelivered Message");
        out.add("Content-Type: message/rfc822");
        out.add("");

        try (CleanupService.Transaction t = cleanup.open(CleanupService.Source.BOUNCE)) {
            t.sender(Address.NULL_SENDER, "");
            t.recipient(Address.parse(env.sender()), env.sender());
            for (String l : out) line(t, l);
            long[] copied = {0};
            QueueFile.forEachLine(queueFile, env.contentOffset(), (buf, len) -> {
                if (copied[0] >= sizeLimit) return;
                copied[0] += len + 2;
                t.line(buf, len);
            });
            line(t, "");
            line(t, "--" + boundary + "--");
            String id = t.commit();
            log.info(queueId + ": sender non-delivery notification: " + id);
            return id;
        }
    }

    private static void line(CleanupService.Transaction t, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        t.line(b, b.length);
    }
}
