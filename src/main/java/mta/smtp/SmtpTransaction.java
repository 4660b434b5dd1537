package mta.smtp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;
import mta.deliver.DeliveryStatus.Outcome;
import mta.deliver.Recipient;
import mta.mail.Dsn;
import mta.mail.MailAttributes;
import mta.mail.Smtputf8;
import mta.mail.Xtext;

/**
 * SmtpTransaction - one mail transaction on a greeted connection: MAIL, RCPT, DATA, content.
 *
 * <p>Reads the message content from the queue file through the request, and the server's
 * replies; writes the commands and the content ({@link SmtpContent}: content checks, line
 * breaking, dot-stuffing). With PIPELINING it sends MAIL, every RCPT and DATA in one write and
 * then reads the replies in order (RFC 2920). The result is one status per recipient: a recipient
 * the server refused keeps that refusal, the others share the fate of the message. Nothing is
 * thrown for the remote side's failures. MAIL FROM carries, in Postfix's order, {@code SIZE=} (the
 * server offers SIZE), {@code BODY=8BITMIME} (8-bit content, the server offers 8BITMIME), the
 * RFC 3461 {@code ENVID=} and {@code RET=} (the server offers DSN) and {@code SMTPUTF8} (the
 * message asks for it, the server offers it); RCPT TO carries {@code ORCPT=} and {@code NOTIFY=}.
 * A message that needs SMTPUTF8 is not sent to a server that does not offer it: 5.6.7. An
 * address verification probe ({@link DeliveryRequest#verifyOnly}) stops after RCPT TO. Over LMTP
 * (RFC 2033) the server answers the end of the content once per accepted recipient, so each
 * recipient gets its own status: one may be saved while another fails. On a cached session that
 * offers PIPELINING ({@link #checkingCachedSession}), the RSET that checks the session is still
 * usable opens the same write (RFC 2920 allows RSET anywhere in a group): when it fails, the
 * session is {@link #stale()} and nothing this transaction saw counts.
 */
final class SmtpTransaction {
    private static final byte[] DOT_CRLF = {'.', '\r', '\n'};

    /** The named attribute that says the content is 8-bit ({@code 8bit}) or 7-bit ({@code 7bit}). */
    static final String ENCODING = MailAttributes.ENCODING;

    private final SmtpAgent agent;
    private final SmtpConnection conn;
    private final MailHost host;
    private final SmtpTimeouts timeouts;
    private final EsmtpFeatures features;
    private final double connectSeconds;
    private final long start = System.nanoTime();
    /** The final status of each recipient that has one, in request order. */
    private final Map<Recipient, DeliveryStatus> done = new LinkedHashMap<>();
    /** The step in progress, for the wording of a timeout or lost connection. */
    private SmtpPhase phase = SmtpPhase.MAIL;
    /** A cached session: RSET goes first, in the envelope's write. */
    private boolean checkCached;
    /** The cached session did not answer its RSET positively. */
    private boolean stale;

    SmtpTransaction(SmtpAgent agent, SmtpConnection conn, MailHost host, EsmtpFeatures features,
                    double connectSeconds) {
        this.agent = agent;
        this.conn = conn;
        this.host = host;
        this.timeouts = agent.timeouts;
        this.features = features;
        this.connectSeconds = connectSeconds;
    }

    /**
     * Sends RSET at the head of the pipelined envelope, to check a session taken from the cache
     * without a round trip of its own (only when the server offers PIPELINING).
     */
    SmtpTransaction checkingCachedSession() {
        if (!features.pipelining()) throw new IllegalStateException("RSET is pipelined only when the server offers PIPELINING");
        checkCached = true;
        return this;
    }

    /**
     * After {@link #run}: true when the cached session failed its RSET (it hung up or refused):
     * the connection is marked broken, no recipient has a status, and the caller tries another
     * session, as when a separate RSET had failed.
     */
    boolean stale() {
        return stale;
    }

    /**
     * Runs the transaction; returns one status per recipient of the request (none when the cached
     * session turned out {@link #stale()}).
     */
    List<DeliveryStatus> run(DeliveryRequest request) {
        List<Recipient> recipients = request.recipients();
        if (features.sizeLimit() > 0 && request.contentSize() > features.sizeLimit()) {
            String reason = Reasons.tooBig(host, request.contentSize(), features.sizeLimit());
            finish(recipients, Outcome.BOUNCED, Dsn.MESSAGE_TOO_BIG, reason);
            return results(recipients);
        }
        Smtputf8 utf8 = Smtputf8.parse(request.attributes().get(Smtputf8.ATTRIBUTE));
        if (agent.smtputf8 && !features.smtputf8() && needsSmtputf8(utf8, request)) {
            finish(recipients, Outcome.BOUNCED, Dsn.NON_ASCII_ADDRESS, "SMTPUTF8 is required, but was not offered by host " + host.label());
            return results(recipients);
        }
        try {
            if (request.verifyOnly()) {
                probe(request);
                return results(recipients);
            }
            List<Recipient> accepted = envelope(request);
            if (!accepted.isEmpty()) content(request, accepted);
        } catch (StaleSession e) {
            conn.markBroken(); // out of step with the replies still due; closed without QUIT
            stale = true;
            return List.of();
        } catch (PeerException e) {
            SmtpFailure f = SmtpSession.peerFailure(host, phase, e);
            for (Recipient r : recipients) done.putIfAbsent(r, f.status(r, connectSeconds, elapsed()));
        } catch (IOException e) {
            // reading our own queue file failed: the server is not to blame, and the message
            // cannot be finished on this connection
            conn.markBroken();
            String reason = "error reading queue file: " + e.getMessage();
            for (Recipient r : recipients) done.putIfAbsent(r, status(r, Outcome.DEFERRED, Dsn.TEMPORARY_SYSTEM_ERROR, reason));
        }
        return results(recipients);
    }

    // ------------------------------------------------------------------ envelope

    /** MAIL, RCPT and (if any recipient is accepted) DATA; returns the accepted recipients. */
    private List<Recipient> envelope(DeliveryRequest request) throws PeerException, StaleSession {
        String mail = mailFrom(request);
        return features.pipelining() ? pipelined(mail, request.recipients()) : stepByStep(mail, request.recipients());
    }

    private String mailFrom(DeliveryRequest request) {
        boolean eightBit = "8bit".equals(request.attributes().get(ENCODING));
        boolean utf8 = Smtputf8.parse(request.attributes().get(Smtputf8.ATTRIBUTE)).requested();
        return "MAIL FROM:<" + request.sender() + ">"
                + (features.sizeLimit() >= 0 ? " SIZE=" + request.contentSize() : "")
                + (eightBit && features.eightBitMime() ? " BODY=8BITMIME" : "")
                + (features.dsn() ? dsnMail(request) : "")
                + (utf8 && agent.smtputf8 && features.smtputf8() ? " SMTPUTF8" : "");
    }

    /**
     * An address verification probe: MAIL and RCPT (pipelined when the server offers it), never
     * DATA, then RSET so that the connection can serve the next transaction. A recipient the
     * server accepts is deliverable, with the server's RCPT reply as the reason
     * ({@code 250 2.1.5 Ok}); a refused one keeps the refusal, as for mail.
     */
    private void probe(DeliveryRequest request) throws PeerException {
        List<Recipient> recipients = request.recipients();
        String mail = mailFrom(request);
        ServerReply mailReply;
        List<ServerReply> rcptReplies = new ArrayList<>();
        if (features.pipelining()) {
            conn.send(mail);
            for (Recipient r : recipients) conn.send(rcpt(r));
            conn.flush();
            mailReply = read(SmtpPhase.MAIL);
            for (int i = 0; i < recipients.size(); i++) rcptReplies.add(read(SmtpPhase.RCPT));
        } else {
            mailReply = command(SmtpPhase.MAIL, mail);
            if (mailReply.isPositive()) {
                for (Recipient r : recipients) rcptReplies.add(command(SmtpPhase.RCPT, rcpt(r)));
            }
        }
        if (!mailReply.isPositive()) {
            rejectAll(recipients, mailReply, SmtpPhase.MAIL);
        } else {
            for (int i = 0; i < recipients.size(); i++) {
                ServerReply reply = rcptReplies.get(i);
                Recipient r = recipients.get(i);
                done.put(r, reply.isPositive() ? status(r, Outcome.SENT, reply.dsn(), reply.text())
                        : refused(r, reply, SmtpPhase.RCPT));
            }
        }
        if (!command(SmtpPhase.RSET, "RSET").isPositive()) conn.markBroken(); // not fit for another transaction
    }

    private List<Recipient> stepByStep(String mail, List<Recipient> recipients)
            throws PeerException {
        ServerReply mailReply = command(SmtpPhase.MAIL, mail);
        if (!mailReply.isPositive()) {
            rejectAll(recipients, mailReply, SmtpPhase.MAIL);
            return List.of();
        }
        List<Recipient> accepted = new ArrayList<>();
        for (Recipient r : recipients) {
            ServerReply reply = command(SmtpPhase.RCPT, rcpt(r));
            if (reply.isPositive()) accepted.add(r);
            else done.put(r, refused(r, reply, SmtpPhase.RCPT));
        }
        if (accepted.isEmpty()) return accepted;
        ServerReply data = command(SmtpPhase.DATA, "DATA");
        if (data.code() != 354) {
            rejectAll(accepted, data, SmtpPhase.DATA);
            return List.of();
        }
        return accepted;
    }

    private List<Recipient> pipelined(String mail, List<Recipient> recipients)
            throws PeerException, StaleSession {
        try {
            if (checkCached) conn.send("RSET");
            conn.send(mail);
            for (Recipient r : recipients) conn.send(rcpt(r));
            conn.send("DATA");
            conn.flush();
            if (checkCached && !read(SmtpPhase.RSET).isPositive()) throw new StaleSession();
        } catch (PeerException e) {
            if (checkCached) throw new StaleSession(); // it hung up while idle
            throw e;
        }

        ServerReply mailReply = read(SmtpPhase.MAIL);
        List<ServerReply> rcptReplies = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) rcptReplies.add(read(SmtpPhase.RCPT));
        ServerReply data = read(SmtpPhase.DATA);

        List<Recipient> accepted = new ArrayList<>();
        if (!mailReply.isPositive()) {
            rejectAll(recipients, mailReply, SmtpPhase.MAIL);
        } else {
            for (int i = 0; i < recipients.size(); i++) {
                ServerReply reply = rcptReplies.get(i);
                if (reply.isPositive()) accepted.add(recipients.get(i));
                else done.put(recipients.get(i), refused(recipients.get(i), reply, SmtpPhase.RCPT));
            }
        }
        if (data.code() == 354 && accepted.isEmpty()) {
            // the server wants content although no recipient is left: end it with an empty message
            phase = SmtpPhase.DOT;
            conn.write(DOT_CRLF, 0, DOT_CRLF.length);
            conn.flush();
            if (agent.lmtp) conn.markBroken(); // no recipient, so no reply is due: the dialogue is out of step
            else read(SmtpPhase.DOT);
            return List.of();
        }
        if (!accepted.isEmpty() && data.code() != 354) {
            rejectAll(accepted, data, SmtpPhase.DATA);
            return List.of();
        }
        return accepted;
    }

    private String rcpt(Recipient r) {
        StringBuilder sb = new StringBuilder("RCPT TO:<").append(r.address()).append('>');
        if (features.dsn()) {
            if (r.dsnOrcpt() != null) {
                int semi = r.dsnOrcpt().indexOf(';');
                String type = semi > 0 ? r.dsnOrcpt().substring(0, semi) : "rfc822";
                sb.append(" ORCPT=").append(type).append(';').append(Xtext.encode(r.dsnOrcpt().substring(semi + 1)));
            }
            if (r.dsnNotify() != null) sb.append(" NOTIFY=").append(r.dsnNotify());
        }
        return sb.toString();
    }

    /** The RFC 3461 parameters of MAIL FROM, for a server that offers DSN: ENVID and RET as queued. */
    private static String dsnMail(DeliveryRequest request) {
        String ret = request.attributes().get(MailAttributes.DSN_RET);
        String envid = request.attributes().get(MailAttributes.DSN_ENVID);
        return (envid != null ? " ENVID=" + Xtext.encode(envid) : "") + (ret != null ? " RET=" + ret : "");
    }

    /**
     * A message asked for SMTPUTF8 and holds UTF-8 where a server without SMTPUTF8 cannot take it:
     * in a header, the sender or a recipient of this request. An all-ASCII message goes out
     * without SMTPUTF8 (Postfix's downgrade by omission).
     */
    private static boolean needsSmtputf8(Smtputf8 utf8, DeliveryRequest request) {
        if (!utf8.requested()) return false;
        if (utf8.header() || utf8.sender() || !Smtputf8.isAscii(request.sender())) return true;
        for (Recipient r : request.recipients()) {
            if (!Smtputf8.isAscii(r.address())) return true;
        }
        return false;
    }

    // ------------------------------------------------------------------ content

    /** Sends the content, dot-stuffed, then the final dot, and applies the final reply. */
    private void content(DeliveryRequest request, List<Recipient> accepted) throws IOException {
        phase = SmtpPhase.BODY;
        String id = request.queueId();
        SmtpLineWriter out = new SmtpLineWriter(conn, agent.lineLengthLimit,
                () -> agent.log.accept(id + ": breaking line > " + agent.lineLengthLimit + " bytes with <CR><LF>SPACE"));
        SmtpContent body = new SmtpContent(out, agent.contentChecks, id, agent.log);
        conn.withWriteWatchdog(timeouts.dataXfer(), () -> {
            request.forEachLine(body);
            body.finish();
            phase = SmtpPhase.DOT;
            out.end();
            conn.flush();
        });
        ServerReply fin = null;
        for (Recipient r : accepted) {
            // RFC 2033: an LMTP server answers the final dot once per accepted recipient, in RCPT order
            if (fin == null || agent.lmtp) fin = read(SmtpPhase.DOT);
            done.put(r, fin.isPositive()
                    ? status(r, Outcome.SENT, fin.dsn(), fin.text())
                    : refused(r, fin, SmtpPhase.DOT));
        }
    }

    // ------------------------------------------------------------------ helpers

    private ServerReply command(SmtpPhase p, String line) throws PeerException {
        phase = p;
        conn.send(line);
        conn.flush();
        return read(p);
    }

    private ServerReply read(SmtpPhase p) throws PeerException {
        phase = p;
        return conn.readReply(timeouts.of(p));
    }

    private void rejectAll(List<Recipient> recipients, ServerReply reply, SmtpPhase p) {
        for (Recipient r : recipients) done.put(r, refused(r, reply, p));
    }

    private DeliveryStatus refused(Recipient r, ServerReply reply, SmtpPhase p) {
        return SmtpFailure.fromReply(host, reply, p).status(r, connectSeconds, elapsed());
    }

    private void finish(List<Recipient> recipients, Outcome o, Dsn dsn, String reason) {
        for (Recipient r : recipients) done.put(r, status(r, o, dsn, reason));
    }

    private DeliveryStatus status(Recipient r, Outcome o, Dsn dsn, String reason) {
        boolean passedOn = o == Outcome.SENT && features.dsn();
        return new DeliveryStatus(r, o, dsn, host.relay(), reason, connectSeconds, elapsed(), passedOn);
    }

    private double elapsed() {
        return (System.nanoTime() - start) / 1e9;
    }

    /** The cached session failed the RSET that led its envelope. */
    private static final class StaleSession extends Exception {
        StaleSession() {
            super(null, null, false, false);
        }
    }

    private List<DeliveryStatus> results(List<Recipient> recipients) {
        List<DeliveryStatus> out = new ArrayList<>();
        for (Recipient r : recipients) out.add(done.get(r));
        return out;
    }
}
