package mta.queue;

import java.util.Map;

/**
 * TraceFlags - what a message is for when it is not for delivery: the {@code trace_flags} attribute.
 *
 * <p>Written by cleanup as the named attribute {@code trace_flags=N} (a decimal bit mask, Postfix's
 * values), read by the queue manager and the delivery agents through the delivery request. A
 * message with {@link #VERIFY} is an address verification probe: every agent only finds out
 * whether it could deliver (the SMTP client stops after RCPT TO, local and virtual look the
 * address up), and the queue manager gives the answer to the verify service instead of
 * delivering, deferring or bouncing; the probe is then removed. An absent attribute, or bits this
 * system does not know (Postfix's {@code sendmail -bv} and {@code -v} reports), mean ordinary mail.
 *
 * @param bits the bit mask
 */
public record TraceFlags(int bits) {
    /** The named attribute in the queue file. */
    public static final String ATTRIBUTE = mta.mail.MailAttributes.TRACE_FLAGS;
    /** An address verification probe of the verify service (Postfix's DEL_REQ_FLAG_MTA_VRFY). */
    public static final int VERIFY = 0x100;

    public static final TraceFlags NONE = new TraceFlags(0);

    /** The flags of a message, from its named attributes. */
    public static TraceFlags of(Map<String, String> attributes) {
        String v = attributes == null ? null : attributes.get(ATTRIBUTE);
        if (v == null) return NONE;
        try {
            return new TraceFlags(Integer.parseInt(v.strip()));
        } catch (NumberFormatException e) {
            return NONE;
        }
    }

    /** The attribute value to write ({@code 256}). */
    public String value() {
        return Integer.toString(bits);
    }

    /** A verify service probe: the agents find out and deliver nothing. */
    public boolean probe() {
        return (bits & VERIFY) != 0;
    }
}
