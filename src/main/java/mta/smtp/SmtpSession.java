package mta.smtp;

import mta.deliver.DeliveryStatus.Outcome;

/**
 * SmtpSession - the start and end of an SMTP conversation: greeting, EHLO (or HELO), QUIT.
 *
 * <p>Reads the server's greeting and EHLO reply over an open {@link SmtpConnection}, and records
 * the extensions the server offers; writes EHLO, HELO and QUIT. A failure here concerns the
 * server, not the message, so it is an {@link SmtpFailure} and the caller tries the next host.
 */
final class SmtpSession {
    private final SmtpConnection conn;
    private final MailHost host;
    private final SmtpTimeouts timeouts;
    private EsmtpFeatures features = EsmtpFeatures.NONE;

    SmtpSession(SmtpConnection conn, MailHost host, SmtpTimeouts timeouts) {
        this.conn = conn;
        this.host = host;
        this.timeouts = timeouts;
    }

    EsmtpFeatures features() {
        return features;
    }

    /** Reads the 220 greeting, then says EHLO, or HELO when the server rejects EHLO with 5xx. */
    void greet(String heloName) throws SmtpFailure {
        ServerReply greeting = read(SmtpPhase.GREETING);
        if (greeting.code() != 220) {
            throw SmtpFailure.fromReply(host, greeting,
                    "host " + host.label() + " refused to talk to me: " + greeting.text());
        }
        ServerReply ehlo = command(SmtpPhase.EHLO, "EHLO " + heloName);
        if (ehlo.isPositive()) {
            features = EsmtpFeatures.parse(ehlo);
            return;
        }
        if (!ehlo.isPermanent()) throw said(ehlo, SmtpPhase.EHLO);
        ServerReply helo = command(SmtpPhase.HELO, "HELO " + heloName);
        if (!helo.isPositive()) throw said(helo, SmtpPhase.HELO);
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
        return SmtpFailure.fromReply(host, reply, Reasons.said(host, reply, phase));
    }

    /** A timeout, lost connection or garbled reply, as a deferral of the whole attempt. */
    static SmtpFailure peerFailure(MailHost host, SmtpPhase phase, PeerException e) {
        return new SmtpFailure(Outcome.DEFERRED, Reasons.peerDsn(e), host.relay(), Reasons.peer(host, phase, e));
    }
}
