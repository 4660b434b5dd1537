package mta.bounce;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import mta.cleanup.CleanupException;
import mta.cleanup.CleanupService;
import mta.config.Config;
import mta.config.Params;
import mta.mail.Address;
import mta.mail.MailAttributes;
import mta.mail.Smtputf8;
import mta.queue.QueueFile;
import mta.util.MailLog;

/**
 * Bounce - tells the sender (and, by notify_classes, the postmaster) that mail failed or is delayed.
 *
 * <p>Reads the original message (all of it, or only its headers) from its queue file, and the
 * recipients to report from the queue manager. Writes new messages through {@link CleanupService},
 * built by {@link DsnMessage}, and logs one line per notice:
 * <ul>
 *   <li>a non-delivery notice to the sender, from the null sender:
 *       {@code QID: sender non-delivery notification: NEWQID}; with {@code bounce} in notify_classes
 *       also the headers to bounce_notice_recipient: {@code QID: postmaster non-delivery notification: NEWQID};</li>
 *   <li>a bounce that itself fails (null sender) goes to 2bounce_notice_recipient when notify_classes
 *       has {@code 2bounce} or {@code bounce}, sent from double_bounce_sender, else it is discarded;</li>
 *   <li>a postmaster notice that fails (sender double_bounce_sender) is always discarded: no loops;</li>
 *   <li>a delay warning to the sender: {@code QID: sender delay notification: NEWQID}; with
 *       {@code delay} in notify_classes also the headers to delay_notice_recipient;</li>
 *   <li>a success report to the sender: {@code QID: sender delivery status notification: NEWQID}.</li>
 * </ul>
 *
 * <p>Each recipient's RFC 3461 NOTIFY decides whether it is reported at all: failures unless
 * NOTIFY is given without FAILURE (NEVER included), delays unless NOTIFY is given without DELAY,
 * success only with NOTIFY=SUCCESS. The message's {@code dsn_ret} (RET) decides how much of the
 * original is returned, its {@code dsn_envid} (ENVID) is quoted as {@code Original-Envelope-Id}.
 */
public final class Bounce {
    private final CleanupService cleanup;
    private final MailLog.Channel log;
    private final String myhostname;
    private final String myorigin;
    private final String mailName;
    private final int sizeLimit;
    private final Set<String> notify;
    private final String bounceRecipient;
    private final String twoBounceRecipient;
    private final String delayRecipient;
    private final String doubleBounceSender;
    private final Duration maxQueueLifetime;

    public Bounce(Config config, CleanupService cleanup, MailLog mailLog) {
        this.cleanup = cleanup;
        this.log = mailLog.channel("bounce");
        this.myhostname = config.str(Params.MYHOSTNAME);
        this.myorigin = config.str(Params.MYORIGIN);
        this.mailName = config.str(Params.MAIL_NAME);
        this.sizeLimit = config.integer(Params.BOUNCE_SIZE_LIMIT);
        this.notify = config.list(Params.NOTIFY_CLASSES).stream().map(s -> s.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        this.bounceRecipient = qualify(config.str(Params.BOUNCE_NOTICE_RECIPIENT));
        this.twoBounceRecipient = qualify(config.str(Params.TWO_BOUNCE_NOTICE_RECIPIENT));
        this.delayRecipient = qualify(config.str(Params.DELAY_NOTICE_RECIPIENT));
        this.doubleBounceSender = qualify(config.str(Params.DOUBLE_BOUNCE_SENDER));
        this.maxQueueLifetime = config.time(Params.MAXIMAL_QUEUE_LIFETIME);
    }

    private String qualify(String address) {
        return address.indexOf('@') < 0 ? address + "@" + myorigin : address;
    }

    /** True for mail that is itself a notice: the null sender or double_bounce_sender. */
    public boolean isNotice(String sender) {
        return sender.isEmpty() || sender.equalsIgnoreCase(doubleBounceSender);
    }

    /**
     * Reports {@code failed} recipients of message {@code queueId} (see the class comment for who
     * gets what).
     *
     * @return the queue ID of the notice to the sender (or to the postmaster for a failed bounce),
     *         or null when none was sent
     */
    public String nonDelivery(String queueId, QueueFile.Envelope env, Path queueFile, List<DsnRecipient> failed)
            throws IOException, CleanupException {
        failed = failed.stream().filter(r -> r.wants().failure()).toList();
        if (failed.isEmpty()) return null; // NOTIFY=NEVER, or NOTIFY without FAILURE: nobody is told
        if (env.sender().equalsIgnoreCase(doubleBounceSender)) {
            log.warn(queueId + ": undeliverable postmaster notification discarded");
            return null;
        }
        if (env.sender().isEmpty()) {
            if (!notify.contains("2bounce") && !notify.contains("bounce")) {
                log.info(queueId + ": undeliverable bounce message discarded");
                return null;
            }
            String id = submit(queueId, env, queueFile, failed, doubleBounceSender, twoBounceRecipient,
                    "Postmaster Copy: Undelivered Mail", postmasterText(), null, DsnMessage.Returned.MESSAGE, true);
            log.info(queueId + ": postmaster non-delivery notification: " + id);
            return id;
        }
        String id = submit(queueId, env, queueFile, failed, "", env.sender(),
                "Undelivered Mail Returned to Sender", failureText(), null, returned(env, true), true);
        log.info(queueId + ": sender non-delivery notification: " + id);
        if (notify.contains("bounce")) {
            String pm = submit(queueId, env, queueFile, failed, doubleBounceSender, bounceRecipient,
                    "Postmaster Copy: Undelivered Mail", postmasterText(), null, DsnMessage.Returned.HEADERS, true);
            log.info(queueId + ": postmaster non-delivery notification: " + pm);
        }
        return id;
    }

    /**
     * Warns the sender that {@code delayed} recipients are still being retried.
     *
     * @param age how long the message has been queued
     * @return the notice's queue ID, or null for a notice about a notice (never sent)
     */
    public String delayWarning(String queueId, QueueFile.Envelope env, Path queueFile, List<DsnRecipient> delayed,
                               Duration age) throws IOException, CleanupException {
        if (isNotice(env.sender())) return null;
        delayed = delayed.stream().filter(r -> r.wants().delay()).toList();
        if (delayed.isEmpty()) return null; // NOTIFY given without DELAY
        Instant until = Instant.ofEpochMilli(env.arrivalMillis()).plus(maxQueueLifetime);
        String id = submit(queueId, env, queueFile, delayed, "", env.sender(),
                "Delayed Mail (still being retried)", delayText(age), until, returned(env, false), true);
        log.info(queueId + ": sender delay notification: " + id);
        if (notify.contains("delay")) {
            String pm = submit(queueId, env, queueFile, delayed, doubleBounceSender, delayRecipient,
                    "Postmaster Warning: Delayed Mail", delayText(age), until, DsnMessage.Returned.HEADERS, true);
            log.info(queueId + ": postmaster delay notification: " + pm);
        }
        return id;
    }

    /**
     * Tells the sender that {@code delivered} recipients that asked for it (NOTIFY=SUCCESS) have
     * their mail ({@code Action: delivered} or {@code relayed}, as the queue manager set it).
     *
     * @return the report's queue ID, or null when no recipient asked for one
     */
    public String success(String queueId, QueueFile.Envelope env, Path queueFile, List<DsnRecipient> delivered)
            throws IOException, CleanupException {
        if (isNotice(env.sender())) return null;
        delivered = delivered.stream().filter(r -> r.wants().success()).toList();
        if (delivered.isEmpty()) return null;
        String id = submit(queueId, env, queueFile, delivered, "", env.sender(),
                "Successful Mail Delivery Report", successText(), null, returned(env, false), false);
        log.info(queueId + ": sender delivery status notification: " + id);
        return id;
    }

    /**
     * What a notice to the sender returns of the message (RFC 3461 RET): HDRS the headers, FULL
     * the message when it fits bounce_size_limit; without RET a non-delivery notice returns the
     * message (within the limit), delay warnings and success reports the headers.
     */
    private DsnMessage.Returned returned(QueueFile.Envelope env, boolean failure) {
        String ret = env.attribute(MailAttributes.DSN_RET);
        boolean full = ret == null ? failure : ret.equalsIgnoreCase("FULL");
        return full && env.contentSize() <= sizeLimit ? DsnMessage.Returned.MESSAGE : DsnMessage.Returned.HEADERS;
    }

    private String submit(String queueId, QueueFile.Envelope env, Path queueFile, List<DsnRecipient> rcpts,
                          String sender, String to, String subject, List<String> text, Instant retryUntil,
                          DsnMessage.Returned returned, boolean undelivered) throws IOException, CleanupException {
        DsnMessage m = new DsnMessage(myhostname, queueId, subject, to)
                .notification(text, rcpts)
                .status(myhostname, queueId, env, rcpts, retryUntil);
        try (CleanupService.Transaction t = cleanup.open(CleanupService.Source.BOUNCE)) {
            t.sender(sender.isEmpty() ? Address.NULL_SENDER : Address.parse(sender), sender);
            t.recipient(Address.parse(to), to);
            // RFC 6533: a notice about a message that needed SMTPUTF8 needs it too
            if (Smtputf8.parse(env.attribute(Smtputf8.ATTRIBUTE)).requested()) {
                t.attribute(Smtputf8.ATTRIBUTE, Smtputf8.REQUESTED.format());
            }
            m.writeTo(t, queueFile, env, returned, undelivered);
            return t.commit();
        }
    }

    private List<String> failureText() {
        return List.of(
                "This is the mail system at host " + myhostname + ".",
                "",
                "I'm sorry to have to inform you that your message could not",
                "be delivered to one or more recipients. It's attached below.",
                "",
                "The addresses and the reasons are listed below. Mail the postmaster",
                "of this site for help, and include this report.",
                "",
                "                   The " + mailName + " program");
    }

    private List<String> successText() {
        return List.of(
                "This is the mail system at host " + myhostname + ".",
                "",
                "You asked for a report when your message reached the recipients",
                "listed below; it has. Mail delivered into a mailbox here needs no",
                "further report; mail passed on to another system may still bring",
                "word from there should it fail later.",
                "",
                "                   The " + mailName + " program");
    }

    private List<String> postmasterText() {
        return List.of(
                "This is the mail system at host " + myhostname + ".",
                "",
                "A message could not be delivered to the recipients listed below.",
                "This copy is for the postmaster; the reasons follow.",
                "",
                "                   The " + mailName + " program");
    }

    private List<String> delayText(Duration age) {
        return List.of(
                "This is the mail system at host " + myhostname + ".",
                "",
                "This is a warning only; there is no need to send your message again.",
                "",
                "Your message has been waiting for delivery for " + words(age) + ".",
                "The mail system keeps trying until it is " + words(maxQueueLifetime) + " old.",
                "The recipients still waiting and the latest reasons are listed below.",
                "",
                "                   The " + mailName + " program");
    }

    /** "2 day(s)", "3 hour(s)", "5 minute(s)" or "40 second(s)", rounded down. */
    static String words(Duration d) {
        long s = d.toSeconds();
        if (s >= 86400) return s / 86400 + " day(s)";
        if (s >= 3600) return s / 3600 + " hour(s)";
        if (s >= 60) return s / 60 + " minute(s)";
        return s + " second(s)";
    }
}
