package mta.smtpd;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import mta.mail.Reply;
import mta.util.LineReader;

/**
 * SmtpdSasl - the SMTP AUTH command (RFC 4954) and the EHLO AUTH keyword, as Postfix's smtpd_sasl_glue and _proto.
 *
 * <p>Reads the smtpd_sasl_* parameters ({@link SmtpdSaslSettings}, checked once per listener) and, per
 * session, talks to the SASL server (an {@link XsaslServer}: Dovecot through an {@link XsaslDovecot}
 * connection, or Cyrus's saslauthd through {@link XsaslCyrus}) opened when EHLO first needs the mechanism list, kept in the session's state, and closed with the session
 * ({@link #close}). A handler of the command table: {@link #authCmd} relays 334 challenges
 * and the client's base64 answers between the client and Dovecot until Dovecot says OK
 * ({@code 235 2.7.0}, and {@code state.client.sasl} is set) or FAIL ({@code 535 5.7.8}, logged as
 * {@code warning: host[ip]: SASL PLAIN authentication failed: reason, sasl_username=name}). The
 * client's responses are never decoded, logged or kept. AUTH commands count towards
 * smtpd_client_auth_rate_limit through {@link Anvil}.
 */
final class SmtpdSasl {
    private static final Pattern BASE64 = Pattern.compile("(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?");

    private final SmtpdContext c;
    private final SmtpdSaslSettings settings;

    private SmtpdSasl(SmtpdContext c) {
        this.c = c;
        this.settings = c.settings.sasl;
    }

    /** smtpd_sasl_auth_cmd - process AUTH command (RFC 4954) */
    static void authCmd(SmtpdContext c, String arg) throws IOException {
        new SmtpdSasl(c).auth(arg);
    }

    /** The EHLO lines for AUTH: {@code AUTH PLAIN LOGIN}, and {@code AUTH=PLAIN LOGIN} for broken clients; maybe none. */
    static List<String> ehloKeywords(SmtpdContext c) {
        return new SmtpdSasl(c).keywords();
    }

    /** Ends the Dovecot conversation of a session (when the session ends). */
    static void close(SmtpdState state) {
        if (state.saslServer == null) return;
        try {
            state.saslServer.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        state.saslServer = null;
    }

    /** True when this session may use AUTH at all: enabled, and not the stand-alone server of sendmail -bs. */
    private boolean active() {
        return settings.enabled && !c.server.standalone();
    }

    private List<String> keywords() {
        SmtpdState.Client client = c.state.client;
        if (!active() || SmtpdSettings.matches(settings.exceptions, client.address)) return List.of();
        if (settings.tlsAuthOnly && client.tls == null) return List.of();
        List<String> mechs = mechanisms();
        if (mechs.isEmpty()) return List.of();
        String list = String.join(" ", mechs);
        return settings.brokenClients ? List.of("AUTH " + list, "AUTH=" + list) : List.of("AUTH " + list);
    }

    /** Dovecot's mechanisms that the security options (TLS or plain) allow; empty when Dovecot cannot be reached. */
    private List<String> mechanisms() {
        if (c.state.saslServer == null && !open()) return List.of();
        Set<String> opts = c.state.client.tls != null ? settings.tlsOptions : settings.options;
        List<String> out = new ArrayList<>();
        for (XsaslServer.Mechanism m : c.state.saslServer.mechanisms()) {
            Set<String> p = m.properties();
            if (opts.contains("noplaintext") && p.contains("plaintext")) continue;
            if (opts.contains("noanonymous") && p.contains("anonymous")) continue;
            if (opts.contains("nodictionary") && p.contains("dictionary")) continue;
            if (opts.contains("noactive") && p.contains("active")) continue;
            if (opts.contains("forward_secrecy") && !p.contains("forward-secrecy")) continue;
            if (opts.contains("mutual_auth") && !p.contains("mutual-auth")) continue;
            out.add(m.name());
        }
        return out;
    }

    private boolean open() {
        if (settings.cyrus) {
            String problem = settings.cyrusConfig.problem();
            if (problem != null) {
                if (settings.cyrusReported.compareAndSet(false, true)) c.log.warn("SASL: " + problem);
                return false;
            }
            c.state.saslServer = new XsaslCyrus(settings.cyrusConfig, settings.realm, settings.timeout, c.log::warn);
            return true;
        }
        try {
            SocketAddress a = XsaslDovecot.address(settings.endpoint);
            c.state.saslServer = XsaslDovecot.connect(a, settings.timeout);
            return true;
        } catch (IOException | RuntimeException e) {
            c.log.warn("SASL: Connect to Dovecot auth socket '" + settings.endpoint + "' failed: " + e.getMessage());
            return false;
        }
    }

    /** Ends the Dovecot conversation after an unfinished exchange: the next AUTH starts afresh. */
    private void close() {
        close(c.state);
    }

    /** {@code AUTH mechanism [initial-response]} */
    private void auth(String arg) throws IOException {
        SmtpdState st = c.state;
        if (st.client.helo == null && c.settings.heloRequired) {
            c.fail("auth", Reply.BAD_SEQUENCE_HELO);
            return;
        }
        if (!active() || st.client.ehloDiscard.contains("AUTH")) {
            c.fail("auth", Reply.AUTH_NOT_ENABLED);
            return;
        }
        if (st.tx.sender != null) {
            c.fail("auth", Reply.AUTH_IN_TRANSACTION);
            return;
        }
        if (settings.tlsAuthOnly && st.client.tls == null) {
            c.fail("auth", Reply.AUTH_NEEDS_TLS);
            return;
        }
        if (st.client.sasl != null) {
            c.fail("auth", Reply.AUTH_ALREADY_DONE);
            return;
        }
        String[] w = arg.isEmpty() ? new String[0] : arg.split("[ \\t]+");
        if (w.length < 1 || w.length > 2) {
            c.fail("auth", Reply.syntax("AUTH mechanism"));
            return;
        }
        Reply overLimit = SmtpdEventLimits.check(c.server, st.client, Anvil.Event.AUTH);
        if (overLimit != null) {
            c.fail("auth", overLimit);
            return;
        }
        String mech = printable(w[0]);
        String initial = w.length == 2 ? w[1] : null;
        authenticate(mech, initial);
    }

    /** The exchange with Dovecot; the reply ends the command. */
    private void authenticate(String mech, String initial) throws IOException {
        SmtpdState.Client client = c.state.client;
        String failure = null;
        String user = null;
        XsaslServer.Step step = null;
        if (!mechanisms().stream().anyMatch(m -> m.equalsIgnoreCase(mech))) {
            if (c.state.saslServer == null) {
                c.fail("auth", Reply.authUnavailable("Can't connect to authentication server"));
                return;
            }
            failure = "Invalid authentication mechanism";
        } else if (initial != null && !initial.equals("=") && !BASE64.matcher(initial).matches()) {
            failure = "Invalid base64 data in initial response";
        } else {
            try {
                step = c.state.saslServer.start(mech, initial == null ? null : initial.equals("=") ? "" : initial,
                        settings.service, null, client.addressText, client.tls != null);
            } catch (IOException e) {
                lostDovecot();
                return;
            }
        }
        String lastChallenge = null;
        while (step != null && step.kind() == XsaslServer.Kind.CONTINUE) {
            lastChallenge = step.data();
            c.chat.reply(Reply.authChallenge(step.data()));
            c.chat.flush();
            if (!c.chat.next(settings.responseLimit)) {
                c.state.count("auth", false); // the disconnect line shows auth=0/1
                throw new EOFException("lost connection during AUTH");
            }
            LineReader in = c.chat.reader();
            if (in.end() == LineReader.End.TOO_LONG) {
                while (in.end() == LineReader.End.TOO_LONG && c.chat.next(settings.responseLimit)) {
                    // discard the rest of the line
                }
                close();
                c.fail("auth", Reply.AUTH_RESPONSE_TOO_LONG);
                return;
            }
            String response = in.text().strip();
            if (response.equals("*")) {
                close();
                c.log.warn(client.label() + ": SASL " + mech + " authentication aborted");
                c.fail("auth", Reply.AUTH_ABORTED);
                return;
            }
            if (!BASE64.matcher(response).matches()) {
                close(); // Dovecot still waits for an answer: start afresh next time
                failure = "Invalid base64 data in continued response";
                step = null;
                break;
            }
            try {
                step = c.state.saslServer.next(response);
            } catch (IOException e) {
                lostDovecot();
                return;
            }
        }
        if (step != null && step.kind() == XsaslServer.Kind.OK) {
            client.sasl = new SmtpdState.Sasl(mech, printable(step.user()));
            mta.metrics.MailMetrics.SMTPD_SASL.get().inc();
            c.ok("auth", Reply.AUTH_OK);
            return;
        }
        if (step != null) {
            user = step.user();
            failure = step.data() != null ? step.data()
                    : lastChallenge != null && !lastChallenge.isEmpty() ? lastChallenge : "authentication failure";
        }
        failure = printable(failure);
        mta.metrics.MailMetrics.SMTPD_SASL_FAILURES.get().inc();
        c.log.warn(client.label() + ": SASL " + mech + " authentication failed: " + failure
                + ", sasl_username=" + (user != null ? printable(user) : "(unavailable)"));
        if (step != null && step.kind() == XsaslServer.Kind.TEMPORARY) {
            c.fail("auth", Reply.authUnavailable(failure));
        } else {
            c.fail("auth", Reply.authFailed(failure));
        }
    }

    private void lostDovecot() throws IOException {
        close();
        mta.metrics.MailMetrics.SMTPD_SASL_FAILURES.get().inc();
        c.log.warn(c.state.client.label() + ": SASL authentication failed: Connection lost to authentication server");
        c.fail("auth", Reply.authUnavailable("Connection lost to authentication server"));
    }

    /** Control characters and non-ASCII bytes become '?', as Postfix's printable(). */
    static String printable(String v) {
        if (v == null) return null;
        StringBuilder sb = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            sb.append(ch < 0x20 || ch == 0x7f ? '?' : ch);
        }
        return sb.toString();
    }
}
