package mta.smtpd;

import mta.config.Config;
import mta.config.Params;
import mta.mail.Reply;

/**
 * SmtpdReject - the replies of the access restrictions, in Postfix's wording, with the configured codes.
 *
 * <p>Reads the {@code *_reject_code} and {@code *_defer_code} parameters once; writes nothing.
 * A reply names what it refuses, {@code <subject>: Recipient address rejected: text}, and never a
 * table, file or setting. The enhanced status code follows the reply code's class: a 4xx reply
 * gets {@code 4.x.x}, a 5xx reply {@code 5.x.x}.
 */
final class SmtpdReject {
    /** What a reply is about: the words after {@code <subject>:}. */
    enum What {
        CLIENT("Client host rejected"), HELO("Helo command rejected"), SENDER("Sender address rejected"),
        RECIPIENT("Recipient address rejected"), ETRN("Etrn command rejected"), DATA("Data command rejected"),
        END_OF_DATA("End-of-data rejected");

        final String text;

        What(String text) {
            this.text = text;
        }
    }

    final int reject;
    final int defer;
    final int relay;
    final int accessReject;
    final int accessDefer;
    final int unknownAddress;
    final int unknownClient;
    final int unknownLocal;
    final int invalidHostname;
    final int nonFqdn;

    SmtpdReject(Config c) {
        reject = c.integer(Params.REJECT_CODE);
        defer = c.integer(Params.DEFER_CODE);
        relay = c.integer(Params.RELAY_DOMAINS_REJECT_CODE);
        accessReject = c.integer(Params.ACCESS_MAP_REJECT_CODE);
        accessDefer = c.integer(Params.ACCESS_MAP_DEFER_CODE);
        unknownAddress = c.integer(Params.UNKNOWN_ADDRESS_REJECT_CODE);
        unknownClient = c.integer(Params.UNKNOWN_CLIENT_REJECT_CODE);
        unknownLocal = c.integer(Params.UNKNOWN_LOCAL_RECIPIENT_REJECT_CODE);
        invalidHostname = c.integer(Params.INVALID_HOSTNAME_REJECT_CODE);
        nonFqdn = c.integer(Params.NON_FQDN_REJECT_CODE);
    }

    /** {@code code d.x.y <subject>: What: text}, where d is the code's class. */
    static Reply about(int code, String detail, String subject, What what, String text) {
        return new Reply(code, dsn(code, detail), "<" + subject + ">: " + what.text + ": " + text);
    }

    /** {@code code d.x.y text}. */
    static Reply plain(int code, String detail, String text) {
        return new Reply(code, dsn(code, detail), text);
    }

    /** The enhanced status for {@code code} with the subject and detail {@code "7.1"}. */
    static String dsn(int code, String detail) {
        return (code / 100) + "." + detail;
    }

    Reply relayDenied(String rcpt, boolean deferred) {
        int code = deferred ? 400 + relay % 100 : relay;
        return new Reply(code, dsn(code, "7.1"), "<" + rcpt + ">: Relay access denied");
    }

    /** The reply to a client when restrictions were evaluated at connect time and refused it. */
    static Reply accessDenied(String clientLabel) {
        return new Reply(503, "5.7.0", "Error: access denied for " + clientLabel);
    }

    /** A table lookup failed for a moment ({@code 451 4.3.0 <subject>: Temporary lookup failure}); the client tries again. */
    static Reply temporaryLookupFailure(String subject) {
        return new Reply(451, "4.3.0", "<" + subject + ">: Temporary lookup failure");
    }

    /** An access table could not be read: {@code 451 4.3.5 <subject>: What rejected: Server configuration error}. */
    static Reply configurationError(String subject, What what) {
        return about(451, "3.5", subject, what, "Server configuration error");
    }

    /** An access table answered something that is no access result. */
    static Reply configurationError() {
        return new Reply(451, "4.3.5", "Server configuration error");
    }
}
