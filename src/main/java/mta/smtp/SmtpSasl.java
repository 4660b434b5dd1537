package mta.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import mta.config.Config;
import mta.config.Params;
import mta.deliver.DeliveryStatus.Outcome;
import mta.lookup.TableException;
import mta.mail.Dsn;
import mta.util.SecretFiles;

/**
 * SmtpSasl - SMTP client authentication (RFC 4954 AUTH) to the servers the client sends to, the
 * home-server-behind-a-provider setup: {@code relayhost = [smtp.provider.example]:587} and a password.
 *
 * <p>Reads {@code smtp_sasl_auth_enable}, {@code smtp_sasl_password_maps} ({@link SmtpSaslPasswords},
 * through the privileged process's hand-over), {@code smtp_sender_dependent_authentication}, the
 * security options and {@code smtp_sasl_mechanism_filter} ({@link SmtpSaslMechanisms}),
 * {@code smtp_sasl_auth_soft_bounce} and {@code smtp_sasl_type}. After EHLO (and after STARTTLS and
 * the second EHLO, when TLS is used) a session to a server that offers AUTH, and that the tables
 * have a password for, authenticates with PLAIN or LOGIN; without a password it goes on without
 * AUTH, as Postfix does. Writes the AUTH dialogue to the server, and warnings to the client's log.
 * Failures are Postfix's: no mechanism the options allow (plaintext outside TLS, by default) is
 * {@code SASL authentication failed; cannot authenticate to server ...: no mechanism available},
 * deferred, with no password sent; a server that rejects the password is {@code SASL
 * authentication failed; server ... said: 535 ...}, deferred when soft bounce is on (the
 * default), whatever the reply's class. The password is never logged. The LMTP client uses the
 * same class with the {@code lmtp_sasl_*} twins (after LHLO).
 */
final class SmtpSasl {
    private final boolean enabled;
    private final String type;
    private final SmtpSaslPasswords passwords;
    private final SmtpSaslMechanisms mechanisms;
    private final List<String> options;
    private final List<String> tlsOptions;
    private final List<String> verifiedOptions;
    private final boolean softBounce;
    private final boolean senderDependent;
    private final Consumer<String> log;
    /** The name of the password tables' parameter, for warnings: smtp_ or lmtp_sasl_password_maps. */
    private final String mapsName;

    private SmtpSasl(Config c, String prefix, SecretFiles secrets, Consumer<String> log) {
        this.mapsName = prefix + "_sasl_password_maps";
        this.enabled = c.bool(Params.SMTP_SASL_AUTH_ENABLE);
        this.type = c.str(Params.SMTP_SASL_TYPE).strip();
        this.senderDependent = c.bool(Params.SMTP_SENDER_DEPENDENT_AUTHENTICATION);
        this.passwords = enabled ? new SmtpSaslPasswords(mapsName,
                c.list(Params.SMTP_SASL_PASSWORD_MAPS), senderDependent, secrets) : null;
        this.mechanisms = enabled ? new SmtpSaslMechanisms(prefix + "_sasl_mechanism_filter",
                c.list(Params.SMTP_SASL_MECHANISM_FILTER)) : null;
        this.options = c.list(Params.SMTP_SASL_SECURITY_OPTIONS);
        this.tlsOptions = c.list(Params.SMTP_SASL_TLS_SECURITY_OPTIONS);
        this.verifiedOptions = c.list(Params.SMTP_SASL_TLS_VERIFIED_SECURITY_OPTIONS);
        this.softBounce = c.bool(Params.SMTP_SASL_AUTH_SOFT_BOUNCE);
        this.log = log;
        if (enabled) {
            for (List<String> o : List.of(options, tlsOptions, verifiedOptions)) {
                for (String bad : SmtpSaslMechanisms.unknownOptions(o)) {
                    log.accept("warning: unknown SASL security option \"" + bad + "\" ignored");
                }
            }
        }
    }

    /**
     * The SASL settings of an SMTP client service; tables are opened here, read at each lookup.
     * {@code c} holds the smtp_ names (the LMTP client's view maps its lmtp_ twins onto them);
     * {@code prefix} ({@code smtp} or {@code lmtp}) names the parameters in warnings.
     */
    static SmtpSasl from(Config c, String prefix, SecretFiles secrets, Consumer<String> log) {
        return new SmtpSasl(c, prefix, secrets, log);
    }

    boolean enabled() {
        return enabled;
    }

    /**
     * True when sessions must not be shared between senders: with sender-dependent authentication a
     * session is logged in as one sender's user (Postfix turns connection caching off for it).
     */
    boolean perSenderSessions() {
        return enabled && senderDependent;
    }

    /**
     * Authenticates {@code session} (greeted, and inside TLS when TLS is used) for mail from
     * {@code sender} to next-hop {@code destination} (as written), when authentication is on, the
     * server offers AUTH and the tables hold a password for it; otherwise does nothing.
     */
    void authenticate(SmtpSession session, String sender, String destination) throws SmtpFailure {
        if (!enabled) return;
        List<String> offered = session.features().authMechanisms();
        if (offered.isEmpty()) return;
        MailHost host = session.host();
        if (!type.equalsIgnoreCase("cyrus")) {
            log.accept("warning: unsupported SASL client implementation: " + type);
            throw SmtpFailure.deferred(Dsn.OTHER_SECURITY.temporary(), host.relay(), "SASL authentication failed; cannot authenticate to server "
                    + host.label() + ": unsupported SASL client implementation " + type);
        }
        SmtpSaslCredentials credentials;
        try {
            credentials = passwords.find(sender, destination, host.name());
        } catch (TableException e) {
            log.accept("warning: " + mapsName + " lookup error: " + e.getMessage());
            throw SmtpFailure.deferred(Dsn.TEMPORARY_SYSTEM_ERROR, host.relay(), "Temporary lookup failure");
        }
        if (credentials == null) return; // no password for this server: mail goes on without AUTH
        List<String> allowed = session.connection().isTls() ? (session.tlsVerified() ? verifiedOptions : tlsOptions)
                : options;
        List<String> usable = mechanisms.usable(offered, allowed);
        if (usable.isEmpty()) {
            log.accept("warning: SASL authentication failure: No worthy mechs found");
            throw SmtpFailure.deferred(Dsn.OTHER_SECURITY.temporary(), host.relay(), "SASL authentication failed; cannot authenticate to server "
                    + host.label() + ": no mechanism available");
        }
        login(session, usable.get(0), credentials);
    }

    /** The AUTH dialogue of one mechanism: 235 or a failure. */
    private void login(SmtpSession session, String mechanism, SmtpSaslCredentials c) throws SmtpFailure {
        MailHost host = session.host();
        List<String> responses;
        String first;
        if (mechanism.equals("PLAIN")) {
            first = "AUTH PLAIN " + b64("\0" + c.user() + "\0" + c.password());
            responses = List.of();
        } else {
            first = "AUTH LOGIN";
            responses = List.of(b64(c.user()), b64(c.password()));
        }
        ServerReply reply = session.exchange(SmtpPhase.AUTH, first);
        int next = 0;
        while (reply.code() == 334) {
            if (next >= responses.size()) {
                reply = session.exchange(SmtpPhase.AUTH, "*"); // RFC 4954: cancel an exchange we cannot complete
                break;
            }
            reply = session.exchange(SmtpPhase.AUTH, responses.get(next++));
        }
        if (reply.code() == 235) return;
        String reason = "SASL authentication failed; server " + host.label() + " said: " + reply.text();
        boolean bounce = reply.isPermanent() && !softBounce;
        Dsn dsn = reply.isPositive() || reply.code() == 334 ? Dsn.OTHER_SECURITY.temporary() : reply.dsn();
        if (!bounce && dsn.isPermanent()) dsn = dsn.temporary();
        throw new SmtpFailure(bounce ? Outcome.BOUNCED : Outcome.DEFERRED, dsn, host.relay(), reason);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
