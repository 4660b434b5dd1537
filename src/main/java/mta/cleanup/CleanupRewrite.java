package mta.cleanup;

import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;
import mta.config.Config;
import mta.config.Params;
import mta.mail.Address;
import mta.mail.HeaderAddressRewrite;
import mta.rewrite.TrivialRewrite;

/**
 * CleanupRewrite - rewrites the addresses in the headers of local mail (Postfix's cleanup_rewrite, map11, masq).
 *
 * <p>Reads {@code append_at_myorigin} and {@code myorigin} (through {@link TrivialRewrite}) and the
 * address maps of {@link CleanupMaps}; writes nothing. Applies only to mail whose
 * {@code rewrite_context} is {@code local}: posted with sendmail (pickup), or sent by an SMTP
 * client that smtpd found in {@code local_header_rewrite_clients}. In sender headers (From:,
 * Sender:, Resent-From:, Resent-Sender:, Errors-To:, Return-Receipt-To:) and recipient headers
 * (To:, Cc:, Bcc:, Reply-To:, Resent-To:, Resent-Cc:, Resent-Bcc:, Resent-Reply-To:,
 * Apparently-To:) a bare user name gets {@code @$myorigin}, then the canonical maps and masquerading
 * of the header's class apply. Display names, comments and folding are kept.
 */
final class CleanupRewrite {
    /** Postfix's header_opts: the headers whose addresses are senders. */
    private static final Set<String> SENDER_HEADERS = Set.of("from", "sender", "resent-from", "resent-sender",
            "errors-to", "return-receipt-to");
    /** Reply-To: is where answers go, so it counts as a recipient, as in Postfix. */
    private static final Set<String> RECIPIENT_HEADERS = Set.of("to", "cc", "bcc", "reply-to", "resent-to",
            "resent-cc", "resent-bcc", "resent-reply-to", "apparently-to");

    private final CleanupMaps maps;
    private final TrivialRewrite rewrite;
    private final boolean appendAtMyorigin;

    CleanupRewrite(Config config, CleanupMaps maps, TrivialRewrite rewrite) {
        this.maps = maps;
        this.rewrite = rewrite;
        this.appendAtMyorigin = config.bool(Params.APPEND_AT_MYORIGIN);
    }

    /** One logical header line {@code Name: value} (CRLF inside when folded), rewritten when it holds addresses. */
    String header(String line) {
        int colon = line.indexOf(':');
        if (colon < 0) return line;
        String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        UnaryOperator<Address> f;
        if (SENDER_HEADERS.contains(name)) f = a -> maps.headerSender(complete(a));
        else if (RECIPIENT_HEADERS.contains(name)) f = a -> maps.headerRecipient(complete(a));
        else return line;
        return line.substring(0, colon + 1) + HeaderAddressRewrite.rewrite(line.substring(colon + 1), f);
    }

    private Address complete(Address a) {
        return appendAtMyorigin ? rewrite.canonicalize(a) : a;
    }
}
