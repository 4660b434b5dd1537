package mta.smtpd;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import mta.cleanup.CleanupException;
import mta.cleanup.CleanupService;
import mta.mail.Address;
import mta.mail.MailAttributes;
import mta.mail.Reply;
import mta.mail.Smtputf8;

/**
 * SmtpdTransaction - the mail transaction's commands: MAIL, RCPT, then DATA or BDAT chunks; and RSET.
 *
 * <p>Handlers of the command table, each given the session's {@link SmtpdContext}. Reads the
 * state and settings; writes the envelope and content to a cleanup transaction, which is opened
 * at the first accepted recipient (logging {@code QID: client=...}) and committed at the end of
 * the content, before {@code 250 2.0.0 Ok: queued as QID} is sent. Refusals are logged as Postfix
 * does ({@code QID: reject: RCPT from host[ip]: ...}). Each command runs its checks first (order,
 * syntax, rate limits, parameters, then the restrictions at the stage's one call of
 * {@link SmtpdCheck}), and only then changes the state and answers.
 */
final class SmtpdTransaction {
    private static final Pattern BLANKS = Pattern.compile("[ \\t]+");
    private static final DateTimeFormatter RECEIVED_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z (z)", Locale.ROOT);

    private SmtpdTransaction() {}

    /** mail_cmd - process MAIL command: MAIL FROM:<sender> [SIZE=n] [BODY=7BIT|8BITMIME] [SMTPUTF8] [RET=FULL|HDRS] [ENVID=xtext] [AUTH=xtext] */
    static void mailCmd(SmtpdContext c, String arg) throws IOException {
        SmtpdState st = c.state;
        if (st.client.helo == null && c.settings.heloRequired) {
            c.fail("mail", Reply.BAD_SEQUENCE_HELO);
            return;
        }
        if (st.tx.sender != null) {
            c.fail("mail", Reply.NESTED_MAIL);
            return;
        }
        if (!arg.regionMatches(true, 0, "FROM:", 0, 5)) {
            c.fail("mail", Reply.syntax("MAIL FROM:<address>"));
            return;
        }
        if (c.refused("mail", SmtpdEventLimits.check(c.server, st.client, Anvil.Event.MESSAGE))) return;
        Address.Path path = Address.parsePath(arg.substring(5));
        if (path == null || !SmtpdHostnames.hasValidDomain(path.address())) {
            illegalSyntax(c, "MAIL", arg.substring(5));
            c.fail("mail", Reply.badAddress("sender"));
            return;
        }
        SmtpdState.Transaction candidate = new SmtpdState.Transaction();
        Reply bad = SmtpdParams.mail(path.parameters(), candidate, c.settings, c.state.client.ehloDiscard);
        if (bad == null && !candidate.smtputf8 && !isAscii(path.address().toString())) bad = Reply.NEED_SMTPUTF8;
        if (bad != null) {
            if (bad.equals(Reply.SIZE_EXCEEDS_LIMIT)) logReject(c, "MAIL", bad, path.address(), null);
            c.fail("mail", bad);
            return;
        }
        if (c.refused("mail", c.server.check().queueSpace(st, candidate.declaredSize))) return;
        // the stage's checks: the restrictions (a further stage that may refuse MAIL goes after them)
        st.tx.declaredSize = candidate.declaredSize; // the sender restrictions see SIZE= (policy size=)
        if (c.refused("mail", c.server.check().mail(st, path.address()))) return;
        if (c.refused("mail", SmtpdMilters.mail(c, path.address(), path.parameters()))) return;
        // proceed: the transaction starts
        candidate.sender = path.address();
        candidate.proxyMail = "MAIL " + arg;
        candidate.filter = st.tx.filter; // actions of the sender restrictions (smtpd_delay_reject = no)
        candidate.saved = st.tx.saved;
        st.tx = candidate;
        c.ok("mail", Reply.OK_MAIL);
    }

    /** rcpt_cmd - process RCPT command: RCPT TO:<recipient> [NOTIFY=...] [ORCPT=type;xtext] */
    static void rcptCmd(SmtpdContext c, String arg) throws IOException {
        SmtpdState st = c.state;
        if (st.tx.sender == null) {
            c.fail("rcpt", Reply.NEED_MAIL);
            return;
        }
        if (st.tx.inBdat()) {
            c.fail("rcpt", Reply.RCPT_AFTER_BDAT); // the content has started: no recipient can join now
            return;
        }
        if (!arg.regionMatches(true, 0, "TO:", 0, 3)) {
            c.fail("rcpt", Reply.syntax("RCPT TO:<address>"));
            return;
        }
        if (c.refused("rcpt", SmtpdEventLimits.check(c.server, st.client, Anvil.Event.RECIPIENT))) return;
        Address.Path path = Address.parsePath(arg.substring(3));
        if (path == null || path.address().isNull() || !SmtpdHostnames.hasValidDomain(path.address())) {
            illegalSyntax(c, "RCPT", arg.substring(3));
            c.fail("rcpt", Reply.badAddress("recipient"));
            return;
        }
        SmtpdParams.RcptDsn[] dsn = new SmtpdParams.RcptDsn[1];
        Reply bad = SmtpdParams.rcpt(path.parameters(), dsn, c.state.client.ehloDiscard);
        if (bad == null && !st.tx.smtputf8 && !isAscii(path.address().toString())) bad = Reply.NEED_SMTPUTF8;
        if (bad != null) {
            c.fail("rcpt", bad);
            return;
        }
        if (st.tx.recipients.size() >= c.settings.recipientLimit) {
            c.fail("rcpt", Reply.TOO_MANY_RECIPIENTS);
            return;
        }
        Address rcpt = path.address();
        // the stage's checks: the restrictions, which log their own "reject:" line (a further stage goes after them)
        if (c.refused("rcpt", c.server.check().rcpt(st, rcpt))) return;
        if (c.refused("rcpt", SmtpdMilters.rcpt(c, rcpt, path.parameters()))) return;
        // proceed: the recipient joins the queue file, or goes on to the before-queue filter, whose reply counts
        if (c.settings.proxy != null) {
            Reply r = proxyRcpt(c, "RCPT " + arg);
            if (r != null) {
                c.fail("rcpt", r);
                return;
            }
        } else if (st.tx.cleanup == null && !openQueueFile(c)) {
            c.fail("rcpt", Reply.QUEUE_FILE_ERROR);
            return;
        }
        try {
            st.tx.cleanup.recipient(rcpt, rcpt.toString(), dsn[0].notifyValue(), dsn[0].orcptValue());
        } catch (java.io.UncheckedIOException e) {
            // cleanup's address tables (virtual_alias_maps, canonical maps) are away right now
            c.log.warn(e.getCause().getMessage());
            Reply r = Reply.temporaryLookupFailure(rcpt.toString());
            logReject(c, "RCPT", r, rcpt);
            c.fail("rcpt", r);
            return;
        }
        st.tx.recipients.add(rcpt);
        c.ok("rcpt", Reply.OK_RCPT);
    }

    /** data_cmd - process DATA command: 354, then dot-stuffed content up to CRLF.CRLF (see {@link SmtpdData}). */
    static void dataCmd(SmtpdContext c, String arg) throws IOException {
        SmtpdState st = c.state;
        if (st.tx.inBdat()) {
            c.fail("data", Reply.DATA_AFTER_BDAT);
            return;
        }
        if (st.tx.recipients.isEmpty()) {
            // Inside a transaction whose recipients were all refused this is no protocol error:
            // a pipelining client sends DATA before it sees the RCPT replies (RFC 2920).
            c.fail("data", st.tx.sender == null ? Reply.NEED_RCPT : Reply.NO_VALID_RECIPIENTS);
            return;
        }
        if (!arg.isEmpty()) {
            c.fail("data", Reply.syntax("DATA"));
            return;
        }
        // the stage's checks: the restrictions (a further stage that may refuse DATA goes after them)
        if (c.refused("data", c.server.check().data(st))) return;
        if (c.refused("data", SmtpdMilters.data(c))) return;
        // proceed: the content
        CleanupService.Transaction t = st.tx.cleanup;
        if (t instanceof SmtpdProxy proxy && c.refused("data", proxy.data())) return; // the filter's word on DATA
        c.checkPipelining(); // content sent before our 354 is improper pipelining
        c.chat.reply(Reply.START_DATA);
        c.chat.flush();
        startContent(c, t);
        st.inContent = true;
        SmtpdData.Result r;
        try {
            r = SmtpdData.copy(c.chat, st, t, c.settings);
        } catch (IOException e) {
            st.count("data", false); // the disconnect line shows data=0/1
            throw e;
        }
        st.inContent = false;
        finish(c, "data", r == SmtpdData.Result.BARE_LF);
    }

    /**
     * bdat_cmd - process BDAT command: BDAT count [LAST], one chunk of exactly count bytes (RFC 3030); LAST ends the message. A
     * refused chunk is still read off the wire; inside a transaction it puts the transaction in
     * error, and later chunks are thrown away ({@code 551 5.0.0}) until LAST ends it, as Postfix
     * does. A BDAT line without a count we can trust ends the session: there is no telling where
     * the chunk ends.
     */
    static void bdatCmd(SmtpdContext c, String arg) throws IOException {
        SmtpdState st = c.state;
        if (st.client.ehloDiscard.contains("CHUNKING")) {
            // not offered: the chunk that follows cannot be told from commands, so the session ends
            c.fail("bdat", Reply.BDAT_NOT_IMPLEMENTED);
            c.hangUp();
            return;
        }
        String[] w = arg.isEmpty() ? new String[0] : BLANKS.split(arg);
        if (w.length < 1 || w.length > 2 || w[0].isEmpty() || w[0].length() > 18
                || !w[0].chars().allMatch(ch -> ch >= '0' && ch <= '9')
                || (w.length == 2 && !w[1].equalsIgnoreCase("LAST"))) {
            c.log.warn(st.tx.queueId() + ": malformed BDAT command syntax from " + st.client.label() + ": BDAT " + arg);
            c.fail("bdat", Reply.BAD_BDAT);
            c.hangUp();
            return;
        }
        long count = Long.parseLong(w[0]);
        boolean last = w.length == 2;
        Reply refusal = null;
        if (st.tx.bdatError) {
            refusal = Reply.bdatDiscarded(count);
        } else if (st.tx.recipients.isEmpty()) {
            refusal = st.tx.sender == null ? Reply.NEED_RCPT : Reply.NO_VALID_RECIPIENTS;
        } else if (count == 0 && !last) {
            c.log.warn(st.tx.queueId() + ": null BDAT request from " + st.client.label());
            refusal = Reply.NULL_BDAT;
        } else if (c.settings.messageSizeLimit > 0 && st.tx.bytes + count > c.settings.messageSizeLimit) {
            c.log.warn(st.tx.queueId() + ": BDAT request from " + st.client.label() + " exceeds message size limit");
            refusal = Reply.BDAT_TOO_BIG;
        } else if (st.tx.bdat == null && st.tx.cleanup instanceof SmtpdProxy proxy) {
            refusal = proxy.data(); // the filter gets DATA for the chunks
        }
        if (refusal == null && st.tx.bdat == null) refusal = SmtpdMilters.data(c); // the milters' DATA event, once
        st.inContent = true;
        if (refusal != null) {
            readChunk(c, count, null); // the chunk is on its way regardless: read it off the wire
            st.inContent = false;
            if (last || st.tx.sender == null) {
                st.resetTransaction();
            } else if (!st.tx.bdatError) {
                st.tx.bdatError = true; // nothing of this message will be queued
                if (st.tx.cleanup != null) st.tx.cleanup.abort();
                st.tx.cleanup = null;
                st.tx.bdat = null;
            }
            c.fail("bdat", refusal);
            return;
        }
        if (st.tx.bdat == null) {
            st.tx.bdat = new SmtpdBdat(st.client.bareNewline == SmtpdSettings.BareNewline.REJECT);
            startContent(c, st.tx.cleanup);
        }
        readChunk(c, count, st.tx.bdat);
        st.inContent = false;
        if (!last) {
            c.ok("bdat", Reply.bdatOk(st.tx.bytes));
            return;
        }
        st.tx.bdat.finish(st.tx.cleanup);
        st.tx.bytes = st.tx.bdat.bytes();
        finish(c, "bdat", st.tx.bdat.sawBareLf);
    }

    /**
     * Reads a BDAT chunk of {@code count} bytes into {@code bdat}, which passes its lines on to
     * cleanup, or, with null, only off the wire (a refused chunk). The bytes are counted as they
     * come, for the "lost connection after BDAT (N bytes)" line; a connection lost half-way
     * counts the command as refused (bdat=0/1 in the disconnect line).
     */
    private static void readChunk(SmtpdContext c, long count, SmtpdBdat bdat) throws IOException {
        SmtpdState.Transaction tx = c.state.tx;
        byte[] buf = new byte[(int) Math.min(count, 16384)];
        long left = count;
        try {
            while (left > 0) {
                int n = c.chat.read(buf, 0, (int) Math.min(left, buf.length));
                if (n < 0) throw new EOFException("end of stream in BDAT");
                left -= n;
                if (bdat == null) {
                    tx.bytes += n;
                } else {
                    bdat.feed(buf, n, tx.cleanup);
                    tx.bytes = bdat.bytes();
                }
            }
        } catch (IOException e) {
            c.state.count("bdat", false);
            throw e;
        }
    }

    /** rset_cmd - process RSET command */
    static void rsetCmd(SmtpdContext c, String arg) throws IOException {
        if (!arg.isEmpty()) {
            c.fail("rset", Reply.syntax("RSET"));
            return;
        }
        c.state.resetTransaction();
        c.ok("rset", Reply.OK);
    }

    private static void startContent(SmtpdContext c, CleanupService.Transaction t) throws IOException {
        t.attribute(MailAttributes.LOG_PROTOCOL_NAME, c.state.protocol());
        t.attribute(MailAttributes.CONTENT_FILTER, c.server.check().contentFilter(c.state));
        savedActions(c, t);
        writeReceived(c, t);
    }

    /**
     * What access tables and policy servers asked for the message: BCC recipients (NOTIFY=NEVER),
     * REDIRECT for cleanup, and PREPEND headers, which go above our Received: header (HOLD is
     * handed over at the end, where smtpd_end_of_data_restrictions may still ask for it).
     */
    private static void savedActions(SmtpdContext c, CleanupService.Transaction t) throws IOException {
        SmtpdSavedActions saved = c.state.tx.saved;
        for (String bcc : saved.bcc) {
            try {
                t.recipient(Address.parse(bcc), null, "NEVER", null);
            } catch (java.io.UncheckedIOException e) {
                c.log.warn(e.getCause().getMessage());
                saved.lookupFailed = bcc; // the message is refused for now at its end
            }
        }
        if (saved.redirect != null) t.redirect(Address.parse(saved.redirect));
        for (String header : saved.prepend) {
            byte[] b = header.getBytes(StandardCharsets.UTF_8);
            t.line(b, b.length);
        }
    }

    /**
     * Commits (or, after a bare LF under "reject", aborts) the message and answers the client. A
     * refusal by cleanup is logged by cleanup (and a message too big as Postfix's smtpd logs it),
     * one by smtpd_end_of_data_restrictions by {@link SmtpdCheck}.
     */
    private static void finish(SmtpdContext c, String verb, boolean bareLf) throws IOException {
        SmtpdState st = c.state;
        CleanupService.Transaction t = st.tx.cleanup;
        Reply reply;
        if (bareLf) {
            t.abort(); // nothing of a message with a bare LF may stay behind, not even a temporary file
            reply = Reply.bareLf(c.settings.bareNewlineRejectCode);
            logReject(c, verb.toUpperCase(Locale.ROOT), reply, null);
        } else if ((reply = c.server.check().endOfData(st)) != null) { // the end-of-data stage's checks
            t.abort(); // refused by smtpd_end_of_data_restrictions
        } else if (st.tx.saved.lookupFailed != null) {
            t.abort();
            reply = Reply.temporaryLookupFailure(st.tx.saved.lookupFailed);
            logReject(c, verb.toUpperCase(Locale.ROOT), reply, null);
        } else if (t instanceof SmtpdProxy proxy) {
            reply = proxy.endOfData(); // the before-queue filter's verdict is the client's
            logProxy(c, reply);
        } else if (st.tx.saved.discard) {
            String id = t.queueId(); // DISCARD: claim delivery, keep nothing
            reply = verb.equals("bdat") ? Reply.bdatQueued(st.tx.bytes, id) : Reply.queued(id);
            t.abort();
        } else {
            try {
                if (st.tx.saved.hold) t.hold();
                String id = t.commit();
                reply = verb.equals("bdat") ? Reply.bdatQueued(st.tx.bytes, id) : Reply.queued(id);
            } catch (CleanupException e) {
                reply = e.reply();
                if (reply.equals(Reply.MESSAGE_TOO_BIG)) c.log.warn(t.queueId() + ": queue file size limit exceeded");
            }
        }
        st.where = "END-OF-MESSAGE";
        if (reply.isPositive()) {
            st.client.errors = 0; // a client that delivers mail is not a prober
            c.ok(verb, reply);
        } else {
            c.fail(verb, reply);
        }
        st.tx.cleanup = null; // committed or aborted above: nothing left to discard
        st.resetTransaction();
        if (bareLf) c.hangUp(); // smtpd_forbid_bare_newline = reject disconnects
    }

    /**
     * A recipient for the before-queue filter: the filter is connected (and given MAIL FROM) at
     * the first one; null when it accepted the recipient, else its reply (or our generic one).
     */
    private static Reply proxyRcpt(SmtpdContext c, String command) throws IOException {
        SmtpdState st = c.state;
        if (st.tx.cleanup == null) {
            SmtpdProxy p = new SmtpdProxy(c.settings.proxy, st, c.log);
            Reply r = p.mail(st.tx.proxyMail);
            if (r != null) {
                p.abort(); // the next recipient tries again
                return r;
            }
            st.tx.cleanup = p;
        }
        return ((SmtpdProxy) st.tx.cleanup).rcpt(command);
    }

    /** {@code NOQUEUE: proxy-accept: END-OF-MESSAGE: 250 ...; from=<s> to=<r> proto=ESMTP helo=<h>} (or proxy-reject). */
    private static void logProxy(SmtpdContext c, Reply reply) {
        SmtpdState st = c.state;
        StringBuilder sb = new StringBuilder("NOQUEUE: ").append(reply.isPositive() ? "proxy-accept" : "proxy-reject")
                .append(": END-OF-MESSAGE: ").append(reply).append(';');
        if (st.tx.sender != null) sb.append(" from=<").append(st.tx.sender).append('>');
        if (!st.tx.recipients.isEmpty()) sb.append(" to=<").append(st.tx.recipients.get(0)).append('>');
        sb.append(" proto=").append(st.client.protocol);
        if (st.client.helo != null) sb.append(" helo=<").append(st.client.helo).append('>');
        c.log.info(sb.toString());
    }

    private static boolean openQueueFile(SmtpdContext c) {
        SmtpdState st = c.state;
        try {
            CleanupService.Transaction t = c.server.cleanup().open(CleanupService.Source.SMTPD);
            t.sender(st.tx.sender, "");
            t.attribute(MailAttributes.LOG_CLIENT_NAME, st.client.name);
            t.attribute(MailAttributes.LOG_CLIENT_ADDRESS, st.client.addressText);
            t.attribute(MailAttributes.LOG_HELO_NAME, st.client.helo);
            t.attribute(MailAttributes.LOG_PROTOCOL_NAME, st.protocol());
            if (st.client.port > 0) t.attribute(MailAttributes.LOG_CLIENT_PORT, Integer.toString(st.client.port));
            if (st.client.sasl != null) {
                t.attribute(MailAttributes.SASL_METHOD, st.client.sasl.method());
                t.attribute(MailAttributes.SASL_USERNAME, st.client.sasl.username());
            }
            if (st.tx.saslSender != null) t.attribute(MailAttributes.SASL_SENDER, st.tx.saslSender);
            // local_header_rewrite_clients: cleanup completes and maps header addresses of local mail only
            t.attribute(MailAttributes.REWRITE_CONTEXT, c.settings.localRewriteClients.isLocal(st.client.address, st.client.inMynetworks) ? "local" : "remote");
            if (st.tx.dsnRet != null) t.attribute(MailAttributes.DSN_RET, st.tx.dsnRet);
            if (st.tx.dsnEnvid != null) t.attribute(MailAttributes.DSN_ENVID, st.tx.dsnEnvid);
            // RFC 6152 BODY= and RFC 6531 SMTPUTF8 travel with the message, for the next hop
            if (st.tx.encoding != null) t.attribute(MailAttributes.ENCODING, st.tx.encoding);
            if (st.tx.smtputf8) t.attribute(Smtputf8.ATTRIBUTE, Smtputf8.REQUESTED.format());
            t.milters(st.milters); // they see the content at its end, in cleanup
            st.tx.cleanup = t;
            StringBuilder client = new StringBuilder(t.queueId()).append(": client=").append(st.client.label());
            if (st.client.sasl != null) {
                client.append(", sasl_method=").append(st.client.sasl.method())
                        .append(", sasl_username=").append(st.client.sasl.username());
            }
            if (st.tx.saslSender != null) client.append(", sasl_sender=").append(st.tx.saslSender);
            c.log.info(client.toString());
            return true;
        } catch (IOException e) {
            c.log.warn("cannot create queue file: " + e.getMessage());
            return false;
        }
    }

    /**
     * Logs an address that cannot be used, as Postfix does: {@code warning: Illegal address syntax
     * from host[ip] in RCPT command: <addr>}; not for a path whose {@code <} is never closed.
     */
    static void illegalSyntax(SmtpdContext c, String verb, String pathText) {
        String p = pathText.strip();
        int end;
        if (p.startsWith("<")) {
            boolean quoted = false;
            end = -1;
            for (int i = 1; i < p.length() && end < 0; i++) {
                char ch = p.charAt(i);
                if (ch == '\\') i++;
                else if (ch == '"') quoted = !quoted;
                else if (ch == '>' && !quoted) end = i + 1;
            }
            if (end < 0) return;
        } else {
            end = 0;
            while (end < p.length() && p.charAt(end) != ' ' && p.charAt(end) != '\t') end++;
        }
        c.log.warn("Illegal address syntax from " + c.state.client.label() + " in " + verb + " command: "
                + p.substring(0, end));
    }

    /** {@code QID: reject: RCPT from host[ip]: reply; from=<..> to=<..> proto=.. helo=<..>}, with what is known. */
    private static void logReject(SmtpdContext c, String stage, Reply reply, Address rcpt) {
        logReject(c, stage, reply, c.state.tx.sender, rcpt);
    }

    private static void logReject(SmtpdContext c, String stage, Reply reply, Address sender, Address rcpt) {
        SmtpdState st = c.state;
        StringBuilder sb = new StringBuilder();
        sb.append(st.tx.queueId()).append(": reject: ").append(stage).append(" from ")
                .append(st.client.label()).append(": ").append(reply).append(';');
        if (sender != null) sb.append(" from=<").append(sender).append('>');
        if (rcpt != null) sb.append(" to=<").append(rcpt).append('>');
        sb.append(" proto=").append(st.client.protocol);
        if (st.client.helo != null) sb.append(" helo=<").append(st.client.helo).append('>');
        c.log.info(sb.toString());
    }

    private static void writeReceived(SmtpdContext c, CleanupService.Transaction t) throws IOException {
        SmtpdState st = c.state;
        List<String> lines = new ArrayList<>();
        String helo = st.client.helo != null ? st.client.helo : st.client.name;
        String ip = st.client.address instanceof java.net.Inet6Address ? "IPv6:" + st.client.addressText
                : st.client.addressText;
        lines.add("Received: from " + helo + " (" + st.client.name + " [" + ip + "])");
        if (st.client.tls != null && c.server.tls().receivedHeader()) {
            lines.add("\t(using " + SmtpdTls.usingText(st.client.tls) + ")");
            lines.add("\t(No client certificate requested)");
        }
        if (st.client.sasl != null && c.settings.sasl.authenticatedHeader) {
            lines.add("\t(Authenticated sender: " + st.client.sasl.username() + ")");
        }
        String by = "\tby " + c.settings.myhostname + " (" + c.settings.mailName + ") with " + st.protocol()
                + (t instanceof SmtpdProxy ? "" : " id " + t.queueId()); // a proxied message has no queue ID here
        String date = ZonedDateTime.now().format(RECEIVED_DATE);
        if (st.tx.recipients.size() == 1) {
            lines.add(by);
            lines.add("\tfor <" + st.tx.recipients.get(0) + ">; " + date);
        } else {
            lines.add(by + "; " + date);
        }
        for (String l : lines) {
            byte[] b = l.getBytes(StandardCharsets.UTF_8);
            t.line(b, b.length);
        }
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 0x80) return false;
        return true;
    }
}
