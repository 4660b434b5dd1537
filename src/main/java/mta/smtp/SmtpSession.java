package mta.smtp;

import java.io.IOException;
import java.util.function.Consumer;
import javax.net.ssl.SSLSession;
import mta.deliver.DeliveryStatus.Outcome;
import mta.mail.Dsn;
import mta.tls.TlsLevel;
import mta.tls.TlsProtocols;

/**
 * SmtpSession - one SMTP conversation outside its transactions: greeting, EHLO (or HELO; LHLO
 * for LMTP), STARTTLS, the RSET that checks a cached session, QUIT; {@link SmtpSasl} runs AUTH over it.
 *
 * <p>Reads the server's greeting and EHLO reply over an open {@link SmtpConnection}, and records
 * the extensions the server offers; writes EHLO, HELO, STARTTLS, RSET and QUIT. A failure here
 * concerns the server, not the message, so it is an {@link SmtpFailure} and the caller tries the
 * next host. A session outlives one delivery when the {@link SmtpConnectionCache} keeps it: it
 * counts its uses and knows when it was opened, for {@code conn_use=} and the reuse limits.
 */
final class SmtpSession implements AutoCloseable {
    private final SmtpConnection conn;
    private final MailHost host;
    private final SmtpTimeouts timeouts;
    /** The server's TLS policy; null for plaintext (TLS off, or the plaintext retry at level may). */
    private final SmtpTlsPolicy.Host tls;
    private final Consumer<String> log;
    /** An LMTP session (RFC 2033): LHLO instead of EHLO. */
    private final boolean lmtp;
    private final long openedNanos = System.nanoTime();
    private EsmtpFeatures features = EsmtpFeatures.NONE;
    /** True once the server's certificate matched the TLS policy (a "Verified" connection). */
    private boolean tlsVerified;
    private int uses;

    SmtpSession(SmtpConnection conn, MailHost host, SmtpTimeouts timeouts) {
        this(conn, host, timeouts, null, line -> { });
    }

    SmtpSession(SmtpConnection conn, MailHost host, SmtpTimeouts timeouts, SmtpTlsPolicy.Host tls, Consumer<String> log) {
        this(conn, host, timeouts, tls, log, false);
    }

    SmtpSession(SmtpConnection conn, MailHost host, SmtpTimeouts timeouts, SmtpTlsPolicy.Host tls, Consumer<String> log,
                boolean lmtp) {
        this.lmtp = lmtp;
        this.conn = conn;
        this.host = host;
        this.timeouts = timeouts;
        this.tls = tls;
        this.log = log;
    }

    EsmtpFeatures features() {
        return features;
    }

    SmtpConnection connection() {
        return conn;
    }

    /** True inside TLS when the server's certificate was verified (name, TLSA record or fingerprint). */
    boolean tlsVerified() {
        return tlsVerified;
    }

    MailHost host() {
        return host;
    }

    /** Counts one more transaction on this session and returns the count (1 for the first). */
    int use() {
        return ++uses;
    }

    int uses() {
        return uses;
    }

    /** Nanoseconds since the connection was opened (System.nanoTime based). */
    long ageNanos() {
        return System.nanoTime() - openedNanos;
    }

    /**
     * Reads the 220 greeting, then says EHLO, or HELO when the server rejects EHLO with 5xx (LMTP:
     * LHLO, which must succeed); then
     * STARTTLS as the TLS level asks, and EHLO again inside TLS.
     */
    void greet(String heloName) throws SmtpFailure {
        boolean wrapper = tls != null && tls.level != TlsLevel.NONE && tls.tls().wrapperMode;
        if (wrapper) handshake(true); // smtp_tls_wrappermode: TLS from the first byte, no STARTTLS
        ServerReply greeting = read(SmtpPhase.GREETING);
        if (greeting.code() != 220) {
            throw SmtpFailure.fromReply(host, greeting,
                    "host " + host.label() + " refused to talk to me: " + greeting.text()).at(SmtpPhase.GREETING.stage);
        }
        hello(heloName);
        if (wrapper) return;
        if (tls != null && tls.level != TlsLevel.NONE) {
            startTls(heloName);
        } else if (tls != null && features.startTls() && tls.tls().noteStarttlsOffer) {
            log.accept("Host offered STARTTLS: [" + host.name() + "]");
        }
    }

    private void hello(String heloName) throws SmtpFailure {
        if (lmtp) {
            // RFC 2033: LHLO, and nothing to fall back to
            ServerReply lhlo = command(SmtpPhase.LHLO, "LHLO " + heloName);
            if (!lhlo.isPositive()) throw said(lhlo, SmtpPhase.LHLO);
            features = EsmtpFeatures.parse(lhlo);
            return;
        }
        ServerReply ehlo = command(SmtpPhase.EHLO, "EHLO " + heloName);
        if (ehlo.isPositive()) {
            features = EsmtpFeatures.parse(ehlo);
            return;
        }
        if (!ehlo.isPermanent()) throw said(ehlo, SmtpPhase.EHLO);
        ServerReply helo = command(SmtpPhase.HELO, "HELO " + heloName);
        if (!helo.isPositive()) throw said(helo, SmtpPhase.HELO);
        features = EsmtpFeatures.NONE;
    }

    /**
     * RFC 3207: STARTTLS, the handshake, the judgement of the server's certificate, EHLO again. At
     * level may a server that does not offer STARTTLS, or refuses it, gets plaintext; at the levels
     * that require TLS (and at dane with TLSA records) that is a failure of this server, and so is a
     * certificate the level does not accept (Postfix's {@code Server certificate not trusted} and
     * {@code Server certificate not verified}).
     */
    private void startTls(String heloName) throws SmtpFailure {
        boolean required = tls.level.required() || tls.dane();
        if (!features.startTls()) {
            if (!required) return;
            throw SmtpFailure.deferred(Dsn.SECURITY_NOT_SUPPORTED.temporary(), host.relay(),
                    "TLS is required, but was not offered by host " + host.label());
        }
        ServerReply reply = command(SmtpPhase.STARTTLS, "STARTTLS");
        if (!reply.isPositive()) {
            if (!required) return; // the server is still in its EHLO state: go on without TLS
            throw SmtpFailure.deferred(Dsn.CRYPTOGRAPHIC_FAILURE.temporary(), host.relay(),
                    "TLS is required, but host " + host.label() + " refused to start TLS: " + reply.text());
        }
        handshake(required);
        hello(heloName);
    }

    /** The TLS handshake and the judgement of the server's chain; a failure ends this session. */
    private void handshake(boolean required) throws SmtpFailure {
        SSLSession session;
        try {
            session = conn.startTls(tls.tls().context.getSocketFactory(), tls.parameters(), host,
                    timeouts.of(SmtpPhase.STARTTLS));
        } catch (IOException e) {
            throw SmtpFailure.tlsHandshake(host, "Cannot start TLS: handshake failure with " + host.label()
                    + ": " + e.getMessage(), !required);
        }
        SmtpTlsPolicy.Verdict verdict = tls.judge(SmtpTls.peerChain(session));
        if (tls.tls().logSummary()) log.accept(summary(verdict, session, host));
        if (verdict.failure() != null) throw SmtpFailure.deferred(Dsn.CRYPTOGRAPHIC_FAILURE.temporary(), host.relay(), verdict.failure());
        tlsVerified = verdict.matched();
    }

    /**
     * {@code Verified TLS connection established to mx.example.com[192.0.2.1]:25: TLSv1.3 with
     * cipher TLS_AES_256_GCM_SHA384 (256/256 bits)}, the shape of Postfix's summary line:
     * {@code Verified} when the name (or TLSA record, or fingerprint) matched, {@code Trusted} when
     * only the chain is trusted, {@code Untrusted} otherwise. The cipher has the JDK's (IANA) name.
     */
    static String summary(SmtpTlsPolicy.Verdict v, SSLSession session, MailHost host) {
        int bits = TlsProtocols.bits(session.getCipherSuite());
        String how = v.matched() ? "Verified" : v.trusted() ? "Trusted" : "Untrusted";
        return how + " TLS connection established to " + host.relay() + ": " + session.getProtocol() + " with cipher "
                + session.getCipherSuite() + (bits > 0 ? " (" + bits + "/" + bits + " bits)" : "");
    }

    /**
     * Checks that a cached session still answers, with RSET (Postfix's check too), in a round trip
     * of its own (for a server without PIPELINING, and for address probes): true when the server
     * replied 250. A false session is broken and must be closed.
     */
    boolean stillAlive() {
        if (conn.isBroken()) return false;
        try {
            conn.send("RSET");
            conn.flush();
            ServerReply reply = conn.readReply(timeouts.of(SmtpPhase.RSET));
            if (reply.isPositive()) return true;
        } catch (PeerException e) {
            // the server hung up while the session was idle
        }
        conn.markBroken();
        return false;
    }

    /** QUIT (when the conversation is still sound), then close the connection. */
    @Override
    public void close() {
        quit();
        conn.close();
    }

    /**
     * Says QUIT and reads the reply, unless the conversation is broken (a server that timed out
     * once would only make us wait again). Problems no longer matter at this point.
     */
    void quit() {
        if (conn.isBroken()) return;
        try {
            conn.send("QUIT");
            conn.flush();
            conn.readReply(timeouts.quit());
        } catch (PeerException ignored) {
            // the server hung up first, or is slow to say goodbye: the work is done either way
        }
    }

    /**
     * Sends one command line (or a SASL response) and reads the reply, for the steps other classes
     * run on this session ({@link SmtpSasl}); a broken connection is a failure of this server.
     */
    ServerReply exchange(SmtpPhase phase, String line) throws SmtpFailure {
        return command(phase, line);
    }

    private ServerReply command(SmtpPhase phase, String line) throws SmtpFailure {
        try {
            conn.send(line);
            conn.flush();
        } catch (PeerException e) {
            throw peerFailure(host, phase, e);
        }
        return read(phase);
    }

    private ServerReply read(SmtpPhase phase) throws SmtpFailure {
        try {
            return conn.readReply(timeouts.of(phase));
        } catch (PeerException e) {
            throw peerFailure(host, phase, e);
        }
    }

    private SmtpFailure said(ServerReply reply, SmtpPhase phase) {
        return SmtpFailure.fromReply(host, reply, phase);
    }

    /** A timeout, lost connection or garbled reply, as a deferral of the whole attempt. */
    static SmtpFailure peerFailure(MailHost host, SmtpPhase phase, PeerException e) {
        return new SmtpFailure(Outcome.DEFERRED, Reasons.peerDsn(e), host.relay(), Reasons.peer(host, phase, e))
                .at(phase.stage);
    }
}
