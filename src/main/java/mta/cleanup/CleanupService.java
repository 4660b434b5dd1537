package mta.cleanup;

import java.io.IOException;
import mta.mail.Address;

/**
 * CleanupService - the one way into the queue: open, give the envelope and content, commit.
 *
 * <p>Used by smtpd, pickup, bounce, local (forwarding) and verify (probes). The shape follows a transaction:
 * {@link #open} creates a queue file (its ID is known at once), {@link Transaction#sender},
 * {@link Transaction#recipient} and then {@link Transaction#line} for every content line, and
 * finally {@link Transaction#commit} (the file is on disk under its ID, the queue manager is
 * woken) or {@link Transaction#abort} (nothing is left behind).
 */
public interface CleanupService {

    /**
     * Where a message comes from, and what cleanup must do for it: recipients from the headers
     * ({@code sendmail -t}), and the {@code receive_override_options} of the service it came
     * through (the master adds those, see {@link #with}).
     */
    record Source(String service, boolean extractRecipients, java.util.Set<ReceiveOverride> overrides) {
        public static final Source SMTPD = new Source("smtpd", false);
        public static final Source PICKUP = new Source("pickup", false);
        public static final Source PICKUP_EXTRACT = new Source("pickup", true);
        public static final Source BOUNCE = new Source("bounce", false);
        public static final Source LOCAL = new Source("local", false);
        /** Address verification probes (their queue file says so: {@code trace_flags}, {@link mta.queue.TraceFlags}). */
        public static final Source VERIFY = new Source("verify", false);

        public Source(String service, boolean extractRecipients) {
            this(service, extractRecipients, java.util.Set.of());
        }

        /** The same source with these receive_override_options. */
        public Source with(java.util.Set<ReceiveOverride> o) {
            return new Source(service, extractRecipients, o);
        }

        /** Mail entering from outside (smtpd, pickup): only it gets automatic BCC recipients. */
        public boolean newMail() {
            return service.equals("smtpd") || service.equals("pickup");
        }
    }

    Transaction open(Source source) throws IOException;

    /** One message on its way into the incoming queue. */
    interface Transaction extends AutoCloseable {
        String queueId();

        /** The envelope sender; {@link Address#NULL_SENDER} for bounces. */
        void sender(Address sender, String fullName) throws IOException;

        /** One envelope recipient, and the address the client originally gave (or null). */
        void recipient(Address rcpt, String original) throws IOException;

        /**
         * One envelope recipient with its RFC 3461 DSN request (either may be null): NOTIFY as
         * given ({@code NEVER} or e.g. {@code SUCCESS,FAILURE}) and the decoded ORCPT
         * ({@code rfc822;user@example.com}).
         */
        default void recipient(Address rcpt, String original, String dsnNotify, String dsnOrcpt) throws IOException {
            recipient(rcpt, original);
        }

        /** A named attribute kept with the message (client name, protocol, DSN fields...). */
        void attribute(String name, String value) throws IOException;

        /** The arrival time, when it is not now (pickup keeps the time of posting). */
        void arrivalTime(long epochMillis);

        /** One content line without CRLF; headers first, then an empty line, then the body. */
        default void line(byte[] buf, int len) throws IOException {
            line(buf, len, false);
        }

        /**
         * A content line, or with {@code more} a piece of a line that goes on in the next call (a
         * line longer than the sender's buffer): the pieces up to the next call without
         * {@code more} make one line.
         */
        void line(byte[] buf, int len, boolean more) throws IOException;

        /**
         * The same, for a line that its reader knows holds no CR or LF byte (smtpd's line reader
         * tells), so that {@code cleanup_replace_stray_cr_lf} need not look at each byte again.
         */
        default void lineWithoutCrLf(byte[] buf, int len, boolean more) throws IOException {
            line(buf, len, more);
        }

        /**
         * The message goes to the hold queue instead of incoming/ (smtpd's HOLD action, Postfix's
         * cleanup hold flag). A service that cannot hold (maildrop/) ignores it.
         */
        default void hold() {
        }

        /**
         * Every recipient, given or still to come, is replaced by {@code to} (smtpd's REDIRECT
         * action). A service that cannot redirect (maildrop/) ignores it.
         */
        default void redirect(Address to) {
        }

        /**
         * The SMTP session's milters (smtpd_milters): at {@link #commit} cleanup sends them the
         * headers, body and end of the message, applies their changes and acts on their verdict.
         * A service that cannot run milters (maildrop/, where pickup runs non_smtpd_milters later) ignores it.
         */
        default void milters(mta.milter.MilterChain chain) {
        }

        /** Commits the message to the incoming queue; returns its queue ID. */
        String commit() throws CleanupException;

        /** Discards the message. Harmless after commit. */
        void abort();

        @Override
        default void close() {
            abort();
        }
    }
}
