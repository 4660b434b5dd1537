package mta.bounce;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mta.mail.DsnNotify;

/**
 * DsnRecipient - one recipient's lines in a delivery status notification.
 *
 * <p>Written by the queue manager from a delivery agent's status, read by {@link DsnMessage}. The
 * fields are plain text so that bounce does not depend on the delivery layer: {@code status} is the
 * RFC 3463 code, {@code action} is {@code failed}, {@code delayed}, {@code delivered} or
 * {@code relayed}, {@code relay} is what the log shows after {@code relay=}
 * ({@code mx.example.com[192.0.2.1]:25}, {@code local}, {@code none}). {@code dsnNotify} and
 * {@code dsnOrcpt} are the recipient's RFC 3461 NOTIFY and ORCPT as queued (null when not given).
 */
public record DsnRecipient(String address, String original, String status, String action, String reason,
                           String relay, String dsnNotify, String dsnOrcpt) {

    /** {@code host mx.example.com[192.0.2.1] said: 550 5.1.1 ... (in reply to RCPT TO command)}. */
    private static final Pattern SAID = Pattern.compile("host \\S+ said: (.*?)(?: \\(in reply to .* command\\))?");
    /** A server's own reply as the reason of a delivery: {@code 250 2.0.0 Ok: queued as 7C1A2}. */
    private static final Pattern REPLY = Pattern.compile("[245]\\d\\d[ -].*");

    /** A recipient without a DSN request (the defaults of RFC 3461 apply). */
    public DsnRecipient(String address, String original, String status, String action, String reason, String relay) {
        this(address, original, status, action, reason, relay, null, null);
    }

    /** The same recipient with another action (a delayed recipient that expired is {@code failed}). */
    public DsnRecipient withAction(String newAction) {
        return new DsnRecipient(address, original, status, newAction, reason, relay, dsnNotify, dsnOrcpt);
    }

    /** Which notices the sender asked for about this recipient. */
    public DsnNotify wants() {
        return DsnNotify.of(dsnNotify);
    }

    /**
     * The value of {@code Original-Recipient}: the ORCPT the client gave ({@code rfc822; x}), else
     * the address as first given when rewriting changed it; null when there is nothing to say.
     */
    public String originalRecipient() {
        if (dsnOrcpt != null) {
            int semi = dsnOrcpt.indexOf(';');
            return semi < 0 ? "rfc822; " + dsnOrcpt : dsnOrcpt.substring(0, semi) + "; " + dsnOrcpt.substring(semi + 1).strip();
        }
        if (original != null && !original.equals(address)) return "rfc822; " + original;
        return null;
    }

    /** The host name part of the relay, for {@code Remote-MTA}; null when no remote server answered. */
    public String remoteMta() {
        // A server is named host[address]:port; "local", "none" or a pipe service's name is not one.
        int bracket = relay == null ? -1 : relay.indexOf('[');
        return bracket > 0 ? relay.substring(0, bracket) : null;
    }

    /** {@code smtp; 550 5.1.1 ...} when a server's reply is known, else {@code X-Postfix; <reason>}. */
    public String diagnosticCode() {
        Matcher m = SAID.matcher(reason);
        if (m.matches()) return "smtp; " + m.group(1);
        if (remoteMta() != null && REPLY.matcher(reason).matches()) return "smtp; " + reason;
        return "X-Postfix; " + reason;
    }
}
