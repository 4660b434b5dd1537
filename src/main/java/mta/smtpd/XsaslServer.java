package mta.smtpd;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * XsaslServer - one session's conversation with a SASL server, as Postfix's xsasl_server interface.
 *
 * <p>{@link SmtpdSasl} drives it: {@link #mechanisms} for the EHLO AUTH keyword, {@link #start} for
 * the AUTH command, {@link #next} for each answer to a 334 challenge. Challenges and responses pass
 * through base64-encoded, as the client sent them. Two implementations: {@link XsaslDovecot}
 * ({@code smtpd_sasl_type = dovecot}) and {@link XsaslCyrus} ({@code cyrus}, checked by saslauthd).
 */
interface XsaslServer extends Closeable {
    /** One mechanism the server offers, with its properties in lower case ({@code plaintext}, {@code anonymous}, ...). */
    record Mechanism(String name, Set<String> properties) {}

    /**
     * What the server answered to one AUTH or continued response.
     *
     * @param data the challenge (base64) of a CONTINUE, or the server's reason for a FAIL (null when it gave none)
     * @param user the login name of an OK, and of a FAIL when the server knew it
     */
    record Step(Kind kind, String data, String user) {}

    enum Kind {
        /** Relay {@code data} (base64) to the client in a 334 reply and send its answer with {@link #next}. */
        CONTINUE,
        /** Authenticated as {@code user}. */
        OK,
        /** Refused; {@code data} is the server's reason or null, {@code user} the login name when known. */
        FAIL,
        /** The server could not decide now: a 454 reply. */
        TEMPORARY
    }

    /** The mechanisms the server offers, in its order. */
    List<Mechanism> mechanisms();

    /**
     * Starts an authentication.
     *
     * @param mechanism       the mechanism name as the client gave it
     * @param initialResponse the base64 initial response, "" for an empty one ({@code =}), or null for none
     * @param service         smtpd_sasl_service
     * @param localIp         our address on the connection, or null
     * @param remoteIp        the client's address
     * @param secured         true under TLS
     */
    Step start(String mechanism, String initialResponse, String service, String localIp, String remoteIp,
               boolean secured) throws IOException;

    /** Sends the client's answer (base64) to the last challenge. */
    Step next(String response) throws IOException;
}
