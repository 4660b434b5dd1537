package mta.smtpd;

import java.util.List;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.Params;
import mta.dns.Resolver;
import mta.lookup.TableException;
import mta.mail.Address;
import mta.mail.Reply;
import mta.mail.Reply.Rejected;
import mta.queue.VerifyClient;
import mta.rewrite.Resolved;
import mta.rewrite.TrivialRewrite;
import mta.smtpd.SmtpdRestrictions.Step;
import mta.smtpd.SmtpdRestrictions.Word;
import mta.util.MailLog;

/**
 * SmtpdCheck - evaluates the access restriction lists against a session, as Postfix's smtpd_check.
 *
 * <p>Reads the eight restriction lists ({@code smtpd_client_restrictions} ..
 * {@code smtpd_end_of_data_restrictions}), {@code smtpd_delay_reject}, {@code mynetworks} (through
 * the client's facts), the destination classes of {@link TrivialRewrite}, the access tables and
 * DNS; writes the {@code reject:} and {@code reject_warning:} lines of the mail log. Each stage
 * method returns null to go on, or the reply that refuses the command, already logged; the session
 * sends it (check and proceed apart).
 *
 * <p>Evaluation: a list runs step by step until a step permits (the list is done) or refuses (the
 * command is refused); {@code warn_if_reject} turns the next step's refusal into a log line. With
 * {@code smtpd_delay_reject = yes} the client, HELO and sender lists run at each RCPT TO, before
 * the relay and recipient lists; with {@code no} each runs at its own command, and a client refused
 * at connect time gets that refusal as its greeting and {@code 503 5.7.0} for HELO, MAIL, RCPT and
 * DATA. After the lists, an unknown local recipient is refused ({@code smtpd_reject_unlisted_recipient}),
 * and so is an unknown address in a virtual alias or virtual mailbox domain ({@link SmtpdVirtualRecipients}).
 * Table and policy results are read by {@link SmtpdAccess}; {@code check_policy_service} asks a
 * policy server through {@link SmtpdPolicy}. Results that concern the message (FILTER, HOLD,
 * DISCARD, REDIRECT, BCC, PREPEND) are remembered in {@link SmtpdSavedActions}; WARN and INFO are
 * logged. DEFER_IF_PERMIT and DEFER_IF_REJECT (results or words) arm deferrals kept in
 * {@link SmtpdDeferIf}: each stage starts them as Postfix does, a 5xx refusal becomes an armed
 * DEFER_IF_REJECT, and a recipient, DATA or end-of-data stage that ends permitted is refused with
 * an armed DEFER_IF_PERMIT. VRFY runs the recipient checks. reject_unverified_recipient and
 * reject_unverified_sender ask the address verification service ({@link SmtpdVerify}); their
 * temporary answers are by default DEFER_IF_PERMIT deferrals. Mail to the probe sender of address
 * verification passes the recipient checks.
 * {@code permit_sasl_authenticated} permits a client that passed AUTH; the sender login mismatch
 * words consult {@code smtpd_sender_login_maps} through {@link SmtpdSenderLogin}.
 * Mail to {@code postmaster} in our domains is always accepted (RFC 5321 section 4.5.1).
 *
 * <p>A restriction class ({@link SmtpdRestrictionClasses}) is evaluated in place, about the same
 * subject; so is any table result or policy action that is no access action (a class name, or
 * restriction words). A bare {@code type:table} is the check_*_access of its stage. The words
 * about servers (check_*_mx_access, _ns_, _a_) ask {@link SmtpdServerAccess} and may not permit.
 * Unknown addresses are looked up by class: virtual ({@link SmtpdVirtualRecipients}), relay
 * ({@link SmtpdRelayRecipients}), local ({@link SmtpdLocalRecipients}); the same check applies to
 * the sender with reject_unlisted_sender or {@code smtpd_reject_unlisted_sender}.
 */
final class SmtpdCheck {
    private final SmtpdRestrictions client;
    private final SmtpdRestrictions helo;
    private final SmtpdRestrictions sender;
    private final SmtpdRestrictions relay;
    private final SmtpdRestrictions recipient;
    private final SmtpdRestrictions etrn;
    private final SmtpdRestrictions data;
    private final SmtpdRestrictions endOfData;
    private final boolean delayReject;
    private final boolean rejectUnlisted;
    private final String nullSenderKey;
    private final String doubleBounceSender;
    private final TrivialRewrite rewrite;
    private final SmtpdReject codes;
    private final SmtpdAccess access;
    private final SmtpdDns dns;
    private final SmtpdDnsxl dnsxl;
    private final SmtpdRblReply rblReply;
    private final SmtpdLocalRecipients localRecipients;
    private final boolean noUnknownRecipientChecks;
    private final SmtpdVirtualRecipients virtualRecipients;
    private final SmtpdRelayRecipients relayRecipients;
    private final boolean rejectUnlistedSender;
    private final boolean showTable;
    private final boolean saslEnabled;
    private final SmtpdServerAccess serverAccess;
    private final SmtpdRestrictionClasses classes;
    /** Table results and policy actions that are restriction lists, parsed once each. */
    private final java.util.Map<String, SmtpdRestrictions> resultLists = new java.util.concurrent.ConcurrentHashMap<>();
    private final SmtpdSenderLogin senderLogin;
    /** Free space in the queue file system; null for the stand-alone server of sendmail -bs, as in Postfix. */
    private final SmtpdQueueSpace queueSpace;
    /** The policy servers of check_policy_service, with their connection pools. */
    private final SmtpdPolicy policy;
    /** reject_unverified_recipient and reject_unverified_sender: the verify service's answers. */
    private final SmtpdVerify verify;
    /** This service's content_filter (master.cf -o content_filter= turns it off for re-injection). */
    private final String contentFilter;
    /** smtpd_proxy_filter is set: actions that cleanup carries out are unavailable. */
    private final boolean proxyFilter;
    private final MailLog.Channel log;

    /** @throws ConfigException for an unknown word or a list set that would make an open relay */
    SmtpdCheck(Config c, TrivialRewrite rewrite, Resolver resolver, MailLog.Channel log) {
        this(c, rewrite, resolver, log, true);
    }

    /**
     * With {@code restricted} false every list is empty and unknown recipients pass: the
     * stand-alone server of {@code sendmail -bs} run by a user other than mail_owner (sendmail(1)).
     */
    SmtpdCheck(Config c, TrivialRewrite rewrite, Resolver resolver, MailLog.Channel log, boolean restricted) {
        this(c, rewrite, resolver, log, restricted, null);
    }

    /** The same, asking {@code verify} (the address verification service, or null) for reject_unverified_*. */
    SmtpdCheck(Config c, TrivialRewrite rewrite, Resolver resolver, MailLog.Channel log, boolean restricted,
               VerifyClient verify) {
        this.classes = restricted ? SmtpdRestrictionClasses.of(c) : SmtpdRestrictionClasses.NONE;
        this.client = list(c, Params.SMTPD_CLIENT_RESTRICTIONS, restricted, classes);
        this.helo = list(c, Params.SMTPD_HELO_RESTRICTIONS, restricted, classes);
        this.sender = list(c, Params.SMTPD_SENDER_RESTRICTIONS, restricted, classes);
        this.relay = list(c, Params.SMTPD_RELAY_RESTRICTIONS, restricted, classes);
        this.recipient = list(c, Params.SMTPD_RECIPIENT_RESTRICTIONS, restricted, classes);
        this.etrn = list(c, Params.SMTPD_ETRN_RESTRICTIONS, restricted, classes);
        this.data = list(c, Params.SMTPD_DATA_RESTRICTIONS, restricted, classes);
        this.endOfData = list(c, Params.SMTPD_END_OF_DATA_RESTRICTIONS, restricted, classes);
        if (restricted) requireRelayControl(relay, recipient);
        this.policy = new SmtpdPolicy(c, List.of(client, helo, sender, relay, recipient, etrn, data, endOfData), log);
        this.delayReject = c.bool(Params.SMTPD_DELAY_REJECT);
        this.rejectUnlisted = restricted && c.bool(Params.SMTPD_REJECT_UNLISTED_RECIPIENT);
        this.rejectUnlistedSender = restricted && c.bool(Params.SMTPD_REJECT_UNLISTED_SENDER);
        this.showTable = c.bool(Params.SHOW_USER_UNKNOWN_TABLE_NAME);
        this.saslEnabled = c.bool(Params.SMTPD_SASL_AUTH_ENABLE);
        this.nullSenderKey = c.str(Params.SMTPD_NULL_ACCESS_LOOKUP_KEY);
        this.doubleBounceSender = c.str(Params.DOUBLE_BOUNCE_SENDER);
        this.rewrite = rewrite;
        this.codes = new SmtpdReject(c);
        this.access = new SmtpdAccess(codes, c.list(Params.PARENT_DOMAIN_MATCHES_SUBDOMAINS).contains("smtpd_access_maps"),
                c.str(Params.RECIPIENT_DELIMITER), log);
        this.dns = new SmtpdDns(resolver);
        this.serverAccess = new SmtpdServerAccess(resolver, access, log);
        this.dnsxl = new SmtpdDnsxl(resolver, log);
        this.rblReply = new SmtpdRblReply(c, log);
        this.noUnknownRecipientChecks = mta.cleanup.ReceiveOverride.of(c)
                .contains(mta.cleanup.ReceiveOverride.NO_UNKNOWN_RECIPIENT_CHECKS);
        this.localRecipients = new SmtpdLocalRecipients(c, rewrite);
        this.virtualRecipients = new SmtpdVirtualRecipients(c, rewrite);
        this.relayRecipients = new SmtpdRelayRecipients(c, rewrite);
        this.senderLogin = new SmtpdSenderLogin(c, rewrite);
        this.contentFilter = c.str(Params.CONTENT_FILTER).strip();
        this.proxyFilter = !c.str(Params.SMTPD_PROXY_FILTER).isBlank();
        this.queueSpace = restricted ? new SmtpdQueueSpace(c, log) : null;
        this.verify = new SmtpdVerify(c, verify, log);
        this.log = log;
    }

    private static SmtpdRestrictions list(Config c, mta.config.Param p, boolean restricted,
                                          SmtpdRestrictionClasses classes) {
        return SmtpdRestrictions.parse(p.name(), restricted ? c.list(p) : List.of(), classes);
    }

    /** Postfix refuses to start when neither list can refuse a relay attempt; so do we. */
    private static void requireRelayControl(SmtpdRestrictions relay, SmtpdRestrictions recipient) {
        for (SmtpdRestrictions l : List.of(relay, recipient)) {
            for (Word w : List.of(Word.REJECT_UNAUTH_DESTINATION, Word.DEFER_UNAUTH_DESTINATION, Word.REJECT, Word.DEFER,
                    Word.DEFER_IF_PERMIT)) {
                if (l.contains(w)) return;
            }
        }
        throw new ConfigException("in parameter smtpd_relay_restrictions or smtpd_recipient_restrictions, specify at"
                + " least one working instance of: reject_unauth_destination, defer_unauth_destination, reject, defer");
    }

    // ------------------------------------------------------------------ stages

    /** At connect time: the client list when rejections are not delayed. */
    Reply connect(SmtpdState s) {
        if (delayReject) return null;
        Reply r = clientList(s, null, "CONNECT", null);
        if (r != null) s.client.accessDenied = r;
        return r;
    }

    /** At HELO/EHLO {@code name}: the HELO list when rejections are not delayed. */
    Reply helo(SmtpdState s, String name) {
        if (s.client.accessDenied != null) return Reply.accessDeniedFor(s.client.label());
        if (delayReject) return null;
        String saved = s.client.helo;
        s.client.helo = name;
        try {
            return heloList(s, null, "HELO", null);
        } finally {
            s.client.helo = saved;
        }
    }

    /** At MAIL FROM: the sender list when rejections are not delayed; {@code from} is not yet in the state. */
    Reply mail(SmtpdState s, Address from) {
        policy.newInstance(s); // a new message: policy requests about it share one instance attribute
        if (s.client.accessDenied != null) return Reply.accessDeniedFor(s.client.label());
        if (delayReject) return null;
        Address saved = s.tx.sender;
        s.tx.sender = from;
        try {
            return senderList(s, null, "MAIL", null);
        } finally {
            s.tx.sender = saved;
        }
    }

    /**
     * At MAIL FROM, before the sender is taken: room in the queue for a message of
     * {@code declaredSize} bytes (-1: no SIZE=); the refusal is logged without a sender, as Postfix's.
     */
    Reply queueSpace(SmtpdState s, long declaredSize) {
        Reply r = queueSpace == null ? null : queueSpace.check(declaredSize);
        if (r != null) logReject("reject", s, "MAIL", r, null);
        return r;
    }

    /** At RCPT TO: the delayed lists, relay, recipient, then the local recipient table. */
    Reply rcpt(SmtpdState s, Address rcpt) {
        return rcpt(s, rcpt, "RCPT");
    }

    /**
     * At VRFY {@code address}: the same checks as for a recipient, as Postfix makes them, so that
     * VRFY tells no more than RCPT TO would.
     */
    Reply vrfy(SmtpdState s, Address address) {
        return rcpt(s, address, "VRFY");
    }

    private Reply rcpt(SmtpdState s, Address rcpt, String stage) {
        try {
            return rcptChecks(s, rcpt, stage);
        } catch (TableException e) {
            Reply r = lookupFailure(e, rcpt.toString());
            logReject("reject", s, stage, r, rcpt);
            return r;
        }
    }

    private Reply rcptChecks(SmtpdState s, Address rcpt, String stage) {
        if (s.client.accessDenied != null) return Reply.accessDeniedFor(s.client.label());
        if (isPostmaster(rcpt)) return null;
        if (verify.isProbeSender(rcpt)) return null; // a probe answering our probe: never refused
        if (s.tx.saved.discard) return null; // the message is discarded anyway: no more checks
        s.recipientListChecked = false;
        if (delayReject) {
            Reply r = clientList(s, rcpt, stage, rcpt);
            if (r == null) r = heloList(s, rcpt, stage, rcpt);
            if (r == null) r = senderList(s, rcpt, stage, rcpt);
            if (r != null) return r;
        }
        s.deferIf.permit = s.deferIf.afterSender;
        s.deferIf.reject = null;
        for (SmtpdRestrictions l : List.of(relay, recipient)) {
            Reply r = refusal(l, s, rcpt, stage, rcpt);
            if (r != null) return r;
        }
        Reply deferred = deferIfPermit(s, stage, rcpt);
        if (deferred != null) return deferred;
        if (rejectUnlisted && !s.tx.saved.discard && !s.recipientListChecked) {
            SmtpdVerdict v = unlisted(rcpt, Rejected.RECIPIENT);
            if (v.isRefusal()) {
                Reply r = deferIfReject(s, v.reply);
                logReject("reject", s, stage, r, rcpt);
                return r;
            }
        }
        return null;
    }

    /** At ETRN {@code domain}: smtpd_etrn_restrictions. */
    Reply etrn(SmtpdState s, String domain) {
        if (s.client.accessDenied != null) return Reply.accessDeniedFor(s.client.label());
        s.etrnDomain = domain;
        try {
            s.deferIf.permit = null;
            s.deferIf.reject = null;
            Reply r = refusal(etrn, s, null, "ETRN", null);
            return r != null ? r : deferIfPermit(s, "ETRN", null);
        } finally {
            s.etrnDomain = null;
        }
    }

    /** At DATA. */
    Reply data(SmtpdState s) {
        if (s.client.accessDenied != null) return Reply.accessDeniedFor(s.client.label());
        if (s.tx.saved.discard) return null;
        s.deferIf.permit = null;
        s.deferIf.reject = null;
        Reply r = refusal(data, s, null, "DATA", null);
        return r != null ? r : deferIfPermit(s, "DATA", null);
    }

    /** After the message content, before the queue file is committed. */
    Reply endOfData(SmtpdState s) {
        if (s.tx.saved.discard) return null;
        s.deferIf.permit = null;
        s.deferIf.reject = null;
        Reply r = refusal(endOfData, s, null, "END-OF-MESSAGE", null);
        return r != null ? r : deferIfPermit(s, "END-OF-MESSAGE", null);
    }

    /** Closes the policy servers' pooled connections: this configuration is done with. */
    void close() {
        policy.close();
    }

    // ------------------------------------------------------------------ stages and their deferrals

    /** The client list, a stage of its own: deferrals start afresh. */
    private Reply clientList(SmtpdState s, Address rcpt, String stage, Address logRcpt) {
        s.deferIf.permit = null;
        s.deferIf.reject = null;
        Reply r = refusal(client, s, rcpt, stage, logRcpt);
        s.deferIf.afterClient = s.deferIf.permit;
        return r;
    }

    /** The HELO list: starts from what the client list armed. */
    private Reply heloList(SmtpdState s, Address rcpt, String stage, Address logRcpt) {
        s.deferIf.permit = s.deferIf.afterClient;
        s.deferIf.reject = null;
        Reply r = refusal(helo, s, rcpt, stage, logRcpt);
        s.deferIf.afterHelo = s.deferIf.permit;
        return r;
    }

    /** The sender list: starts from what the client and HELO lists armed (a client may skip HELO). */
    private Reply senderList(SmtpdState s, Address rcpt, String stage, Address logRcpt) {
        s.deferIf.permit = s.deferIf.afterHelo != null ? s.deferIf.afterHelo : s.deferIf.afterClient;
        s.deferIf.reject = null;
        s.senderListChecked = false;
        Reply r = refusal(sender, s, rcpt, stage, logRcpt);
        s.deferIf.afterSender = s.deferIf.permit;
        Address from = s.tx.sender;
        if (r == null && rejectUnlistedSender && !s.senderListChecked && !s.tx.saved.discard && from != null
                && !from.isNull()) {
            // smtpd_reject_unlisted_sender: an implicit reject_unlisted_sender after the list
            SmtpdVerdict v = unlisted(from, Rejected.SENDER);
            if (v.isRefusal()) {
                r = deferIfReject(s, v.reply);
                logReject("reject", s, stage, r, logRcpt);
            }
        }
        return r;
    }

    /** A stage that ends in a permit is deferred after all when DEFER_IF_PERMIT was armed (logged). */
    private Reply deferIfPermit(SmtpdState s, String stage, Address logRcpt) {
        Reply r = s.deferIf.permit;
        if (r != null) logReject("reject", s, stage, r, logRcpt);
        return r;
    }

    /** A 5xx refusal becomes the armed DEFER_IF_REJECT deferral, once. */
    private static Reply deferIfReject(SmtpdState s, Reply refusal) {
        if (refusal.code() < 500 || s.deferIf.reject == null) return refusal;
        Reply r = s.deferIf.reject;
        s.deferIf.reject = null;
        return r;
    }

    // ------------------------------------------------------------------ evaluation

    /** Runs one list; returns the logged refusal, or null when the list permits or ends. */
    private Reply refusal(SmtpdRestrictions list, SmtpdState s, Address rcpt, String stage, Address logRcpt) {
        SmtpdVerdict v = evaluate(list, list, s, rcpt, stage, logRcpt, false);
        return v.isRefusal() ? v.reply : null;
    }

    /**
     * Runs the steps of {@code steps}: the stage's {@code list} itself, or a restriction class it
     * names (evaluated in place, about the same subject, as Postfix does). Returns the logged
     * refusal, PERMIT, or DUNNO when the steps end undecided. {@code warnAll}: a warn_if_reject
     * in front of the class turns each refusal in it into a log line.
     */
    private SmtpdVerdict evaluate(SmtpdRestrictions steps, SmtpdRestrictions list, SmtpdState s, Address rcpt,
                                  String stage, Address logRcpt, boolean warnAll) {
        boolean warn = warnAll;
        for (Step step : steps.steps()) {
            if (s.tx.saved.discard) return SmtpdVerdict.DUNNO; // DISCARD: nothing later matters
            if (step.word() == Word.WARN_IF_REJECT) {
                warn = true;
                continue;
            }
            SmtpdVerdict v;
            if (step.word() == Word.RESTRICTION_CLASS) {
                v = evaluate(steps.classList(step), list, s, rcpt, stage, logRcpt, warn);
                if (v.isRefusal()) return v; // logged where it happened
            } else {
                try {
                    v = apply(step, list, s, rcpt, warn);
                } catch (TableException e) {
                    v = SmtpdVerdict.refuse(lookupFailure(e, subject(list, s, rcpt)));
                }
                if (v.kind == SmtpdVerdict.Kind.RESTRICTIONS) {
                    v = evaluate(v.nested, list, s, rcpt, stage, logRcpt, warn);
                    if (v.isRefusal()) return v; // logged where it happened
                }
                v = perform(v, step, s, stage, logRcpt, warn);
                if (v.isRefusal()) {
                    Reply reply = warn ? v.reply : deferIfReject(s, v.reply);
                    logReject(warn ? "reject_warning" : "reject", s, stage, reply, logRcpt);
                    if (!warn) {
                        mta.metrics.MailMetrics.SMTPD_REJECTS.labels(stage.toLowerCase(java.util.Locale.ROOT),
                                step.word().name().toLowerCase(java.util.Locale.ROOT)).inc();
                        return SmtpdVerdict.refuse(reply);
                    }
                    v = SmtpdVerdict.DUNNO;
                }
            }
            warn = warnAll;
            if (v == SmtpdVerdict.PERMIT) return SmtpdVerdict.PERMIT;
            if (s.deferIf.permit != null && s.deferIf.reject != null) return SmtpdVerdict.DUNNO; // nothing later can change the outcome
        }
        return SmtpdVerdict.DUNNO;
    }

    /**
     * Carries out an action that lets the list go on: arms a deferral, logs WARN and INFO, or
     * remembers FILTER, HOLD, DISCARD, REDIRECT, BCC and PREPEND for the message. Returns what the
     * list does next: DUNNO, PERMIT (DISCARD) or the verdict itself (refusals and permits).
     */
    private SmtpdVerdict perform(SmtpdVerdict v, Step step, SmtpdState s, String stage, Address logRcpt, boolean warn) {
        SmtpdSavedActions saved = s.tx.saved;
        switch (v.kind) {
            case DUNNO, PERMIT, REFUSE -> {
                return v;
            }
            case DEFER_IF_PERMIT -> {
                if (warn) return SmtpdVerdict.refuse(v.reply); // logged as reject_warning
                s.deferIf.armPermit(v.reply);
                return SmtpdVerdict.DUNNO;
            }
            case DEFER_IF_REJECT -> {
                s.deferIf.armReject(v.reply);
                return SmtpdVerdict.DUNNO;
            }
            case WARN, INFO -> {
                logWhatsup(v.kind == SmtpdVerdict.Kind.WARN ? "warn" : "info", s, stage, v.log, logRcpt);
                return SmtpdVerdict.DUNNO;
            }
            default -> {
                if (!canDelegate(step, v.kind, s, stage)) return SmtpdVerdict.DUNNO;
            }
        }
        switch (v.kind) {
            case FILTER -> {
                s.tx.filter = v.filter;
                if (v.log != null) logWhatsup("filter", s, stage, v.log, logRcpt);
            }
            case HOLD -> {
                if (!saved.hold) logWhatsup("hold", s, stage, v.log, logRcpt);
                saved.hold = true;
            }
            case DISCARD -> {
                logWhatsup("discard", s, stage, v.log, logRcpt);
                saved.discard = true;
                return SmtpdVerdict.PERMIT;
            }
            case REDIRECT -> {
                logWhatsup("redirect", s, stage, v.log, logRcpt);
                saved.redirect = v.text;
            }
            case BCC -> {
                logWhatsup("bcc", s, stage, v.log, logRcpt);
                saved.bcc.add(v.text);
            }
            case PREPEND -> saved.prepend.add(v.text);
            default -> throw new IllegalStateException("unexpected action " + v);
        }
        return SmtpdVerdict.DUNNO;
    }

    /**
     * Actions that cleanup carries out need a message: not in ETRN, not in the client or HELO
     * lists outside a mail transaction (smtpd_delay_reject = no), and PREPEND not after the content.
     */
    private boolean canDelegate(Step step, SmtpdVerdict.Kind kind, SmtpdState s, String stage) {
        String table = "access table " + step.argument();
        if (proxyFilter && kind != SmtpdVerdict.Kind.PREPEND) {
            // the message is not queued here: the before-queue filter passes it on
            log.warn(table + ": with smtpd_proxy_filter specified, action " + kind + " is unavailable");
            return false;
        }
        if (stage.equals("ETRN")) {
            log.warn(table + ": action " + kind + " is unavailable in smtpd_etrn_restrictions");
            return false;
        }
        if (s.tx.sender == null) {
            log.warn(table + ": with smtpd_delay_reject=no, action " + kind
                    + " is always skipped in client or helo restrictions");
            return false;
        }
        if (stage.equals("END-OF-MESSAGE") && kind != SmtpdVerdict.Kind.HOLD && kind != SmtpdVerdict.Kind.DISCARD) {
            // the envelope and the headers are written by now; HOLD and DISCARD still apply at the commit
            log.warn(table + ": action " + kind + " must be used before smtpd_end_of_data_restrictions");
            return false;
        }
        return true;
    }

    /**
     * One step. Words whose facts are not known yet (no HELO, no sender...) answer DUNNO.
     * {@code warn}: a warn_if_reject is in front of it.
     */
    private SmtpdVerdict apply(Step step, SmtpdRestrictions list, SmtpdState s, Address rcpt, boolean warn) {
        SmtpdState.Client c = s.client;
        Address from = s.tx.sender;
        return switch (step.word()) {
            case WARN_IF_REJECT, RESTRICTION_CLASS -> SmtpdVerdict.DUNNO; // evaluate() handles these
            case ACCESS_TABLE -> bareTable(step, list, s, rcpt, warn);
            case REJECT_UNAUTH_PIPELINING -> !c.improperPipelining ? SmtpdVerdict.DUNNO
                    : SmtpdVerdict.refuse(Reply.improperPipelining(replyName(list, s, rcpt), replyClass(list)));
            case REJECT_UNKNOWN_RECIPIENT_DOMAIN -> rcpt == null ? SmtpdVerdict.DUNNO
                    : unknownDomain(rcpt, Rejected.RECIPIENT);
            case REJECT_UNKNOWN_HELO_HOSTNAME -> c.helo == null ? SmtpdVerdict.DUNNO : unknownHelo(c.helo);
            case REJECT_UNLISTED_SENDER -> {
                if (from == null || from.isNull() || s.senderListChecked) yield SmtpdVerdict.DUNNO;
                if (!warn) s.senderListChecked = true; // the implicit check at the end is then not needed
                yield unlisted(from, Rejected.SENDER);
            }
            case CHECK_SASL_ACCESS -> saslAccess(step, c);
            case CHECK_ETRN_ACCESS -> s.etrnDomain == null ? SmtpdVerdict.DUNNO
                    : table(step, () -> access.host(step.table(), s.etrnDomain), s.etrnDomain, s.etrnDomain, Rejected.ETRN);
            case CHECK_CLIENT_MX_ACCESS, CHECK_CLIENT_NS_ACCESS, CHECK_CLIENT_A_ACCESS -> c.name.equals("unknown")
                    ? SmtpdVerdict.DUNNO : servers(step, c.name, c.label(), Rejected.CLIENT);
            case CHECK_HELO_MX_ACCESS, CHECK_HELO_NS_ACCESS, CHECK_HELO_A_ACCESS -> c.helo == null
                    ? SmtpdVerdict.DUNNO : servers(step, c.helo, c.helo, Rejected.HELO);
            case CHECK_SENDER_MX_ACCESS, CHECK_SENDER_NS_ACCESS, CHECK_SENDER_A_ACCESS -> from == null || from.isNull()
                    ? SmtpdVerdict.DUNNO : servers(step, from.toString(), from.toString(), Rejected.SENDER);
            case CHECK_RECIPIENT_MX_ACCESS, CHECK_RECIPIENT_NS_ACCESS, CHECK_RECIPIENT_A_ACCESS -> rcpt == null
                    ? SmtpdVerdict.DUNNO : servers(step, rcpt.toString(), rcpt.toString(), Rejected.RECIPIENT);
            case PERMIT -> SmtpdVerdict.PERMIT;
            case DEFER_IF_PERMIT, DEFER_IF_REJECT -> SmtpdVerdict.deferIf(
                    step.word() == Word.DEFER_IF_PERMIT ? SmtpdVerdict.Kind.DEFER_IF_PERMIT : SmtpdVerdict.Kind.DEFER_IF_REJECT,
                    Reply.deferIfRequested(replyName(list, s, rcpt), replyClass(list), step.word().text()));
            case CHECK_POLICY_SERVICE -> policyVerdict(step, list, s, rcpt);
            case REJECT -> SmtpdVerdict.refuse(generic(codes.reject, list, s, rcpt));
            case DEFER -> SmtpdVerdict.refuse(generic(codes.defer, list, s, rcpt));
            case PERMIT_MYNETWORKS -> c.inMynetworks ? SmtpdVerdict.PERMIT : SmtpdVerdict.DUNNO;
            case PERMIT_SASL_AUTHENTICATED -> c.sasl != null ? SmtpdVerdict.PERMIT : SmtpdVerdict.DUNNO;
            case REJECT_SENDER_LOGIN_MISMATCH -> senderLogin.check(s, true, true, false);
            case REJECT_AUTHENTICATED_SENDER_LOGIN_MISMATCH -> senderLogin.check(s, true, false, false);
            case REJECT_KNOWN_SENDER_LOGIN_MISMATCH -> senderLogin.check(s, true, true, true);
            case REJECT_UNAUTHENTICATED_SENDER_LOGIN_MISMATCH -> senderLogin.check(s, false, true, false);
            case PERMIT_AUTH_DESTINATION ->
                    rcpt != null && authorizedDestination(rcpt) ? SmtpdVerdict.PERMIT : SmtpdVerdict.DUNNO;
            case REJECT_UNAUTH_DESTINATION, DEFER_UNAUTH_DESTINATION -> rcpt == null || authorizedDestination(rcpt)
                    ? SmtpdVerdict.DUNNO
                    : SmtpdVerdict.refuse(codes.relayDenied(rcpt.toString(), step.word() == Word.DEFER_UNAUTH_DESTINATION));
            case REJECT_UNLISTED_RECIPIENT -> {
                if (rcpt == null || s.recipientListChecked) yield SmtpdVerdict.DUNNO;
                if (!warn) s.recipientListChecked = true; // the implicit check at the end is then not needed
                yield unlisted(rcpt, Rejected.RECIPIENT);
            }
            case REJECT_UNVERIFIED_RECIPIENT -> rcpt == null ? SmtpdVerdict.DUNNO : verify.check(rcpt, verify.recipient);
            case REJECT_UNVERIFIED_SENDER -> from == null || from.isNull() ? SmtpdVerdict.DUNNO
                    : verify.check(from, verify.sender);
            case REJECT_NON_FQDN_SENDER -> from == null || from.isNull() || fqdnAddress(from) ? SmtpdVerdict.DUNNO
                    : SmtpdVerdict.refuse(Reply.needFqdnAddress(codes.nonFqdn, from.toString(), Rejected.SENDER));
            case REJECT_NON_FQDN_RECIPIENT -> rcpt == null || fqdnAddress(rcpt) ? SmtpdVerdict.DUNNO
                    : SmtpdVerdict.refuse(Reply.needFqdnAddress(codes.nonFqdn, rcpt.toString(), Rejected.RECIPIENT));
            case REJECT_NON_FQDN_HELO_HOSTNAME -> c.helo == null || SmtpdHostnames.isFqdnOrLiteral(c.helo)
                    ? SmtpdVerdict.DUNNO
                    : SmtpdVerdict.refuse(Reply.needFqdnHelo(codes.nonFqdn, c.helo));
            case REJECT_INVALID_HELO_HOSTNAME -> c.helo == null || SmtpdHostnames.isValid(c.helo) ? SmtpdVerdict.DUNNO
                    : SmtpdVerdict.refuse(Reply.invalidHelo(codes.invalidHostname, c.helo));
            case REJECT_UNKNOWN_SENDER_DOMAIN -> from == null ? SmtpdVerdict.DUNNO : unknownDomain(from, Rejected.SENDER);
            case REJECT_UNKNOWN_CLIENT_HOSTNAME -> !c.name.equals("unknown") ? SmtpdVerdict.DUNNO
                    : SmtpdVerdict.refuse(Reply.unknownClientHostname(c.nameTemporary ? 450 : codes.unknownClient,
                            c.addressText));
            case CHECK_CLIENT_ACCESS -> table(step, () -> access.client(step.table(), c.name, c.address), c.label(),
                    c.addressText, Rejected.CLIENT);
            case CHECK_HELO_ACCESS -> c.helo == null ? SmtpdVerdict.DUNNO
                    : table(step, () -> access.host(step.table(), c.helo), c.helo, c.helo, Rejected.HELO);
            case CHECK_SENDER_ACCESS -> from == null ? SmtpdVerdict.DUNNO
                    : table(step, () -> access.address(step.table(), from.isNull() ? nullSenderKey : from.toString()),
                            from.toString(), from.toString(), Rejected.SENDER);
            case CHECK_RECIPIENT_ACCESS -> rcpt == null ? SmtpdVerdict.DUNNO
                    : table(step, () -> access.address(step.table(), rcpt.toString()), rcpt.toString(),
                            rcpt.toString(), Rejected.RECIPIENT);
            case REJECT_RBL_CLIENT ->
                    blocked(step, dnsxl.address(c.address, zone(step)), c.addressText, Rejected.CLIENT.noun(), s, rcpt);
            case REJECT_RHSBL_CLIENT -> c.name.equals("unknown") ? SmtpdVerdict.DUNNO
                    : blocked(step, dnsxl.domain(c.name, zone(step)), c.name, Rejected.CLIENT.noun(), s, rcpt);
            case REJECT_RHSBL_REVERSE_CLIENT -> c.reverseName.equals("unknown") ? SmtpdVerdict.DUNNO
                    : blocked(step, dnsxl.domain(c.reverseName, zone(step)), c.reverseName, Reply.UNVERIFIED_CLIENT, s,
                            rcpt);
            case REJECT_RHSBL_HELO -> c.helo == null ? SmtpdVerdict.DUNNO
                    : blocked(step, dnsxl.domain(c.helo, zone(step)), c.helo, Rejected.HELO.noun(), s, rcpt);
            case REJECT_RHSBL_SENDER -> from == null || from.isNull() || !from.hasDomain() ? SmtpdVerdict.DUNNO
                    : blocked(step, dnsxl.domain(from.toString(), zone(step)), from.toString(), Rejected.SENDER.noun(), s, rcpt);
            case REJECT_RHSBL_RECIPIENT -> rcpt == null || !rcpt.hasDomain() ? SmtpdVerdict.DUNNO
                    : blocked(step, dnsxl.domain(rcpt.toString(), zone(step)), rcpt.toString(), Rejected.RECIPIENT.noun(), s,
                            rcpt);
            case PERMIT_DNSWL_CLIENT -> allowed(rcpt, () -> dnsxl.address(c.address, zone(step)));
            case PERMIT_RHSWL_CLIENT -> c.name.equals("unknown") ? SmtpdVerdict.DUNNO
                    : allowed(rcpt, () -> dnsxl.domain(c.name, zone(step)));
        };
    }


    private static SmtpdDnsxl.Zone zone(Step step) {
        return SmtpdDnsxl.Zone.parse(step.argument());
    }

    /** A DNS blocklist's verdict: the reply of default_rbl_reply (or rbl_reply_maps) when listed. */
    private SmtpdVerdict blocked(Step step, SmtpdDnsxl.Result r, String what, String rblClass, SmtpdState s,
                                 Address rcpt) {
        if (!(r instanceof SmtpdDnsxl.Listed listed)) return SmtpdVerdict.DUNNO; // not listed, or DNS failed
        return SmtpdVerdict.refuse(rblReply.reply(step.argument(), what, rblClass, listed.reason(), s, rcpt));
    }

    /**
     * A DNS allowlist's verdict: PERMIT when listed; but never for a recipient we would not
     * relay to (the allowlist must not open the relay), and DUNNO when DNS fails.
     */
    private SmtpdVerdict allowed(Address rcpt, java.util.function.Supplier<SmtpdDnsxl.Result> lookup) {
        if (rcpt != null && !authorizedDestination(rcpt)) return SmtpdVerdict.DUNNO;
        return lookup.get() instanceof SmtpdDnsxl.Listed ? SmtpdVerdict.PERMIT : SmtpdVerdict.DUNNO;
    }

    /** The reply of a plain {@code reject} or {@code defer}: about what the list is about. */
    private static Reply generic(int code, SmtpdRestrictions list, SmtpdState s, Address rcpt) {
        return Reply.accessDenied(code, replyName(list, s, rcpt), replyClass(list));
    }

    /**
     * A check_*_access step: the table's verdict. A table that cannot be read makes the command
     * refused for now, as Postfix does: {@code 451 4.3.5 <subject>: ... rejected: Server
     * configuration error}, with the table and the key in the log.
     */
    private SmtpdVerdict table(Step step, java.util.function.Supplier<String> lookup, String subject, String key,
                               Rejected what) {
        String value;
        try {
            value = lookup.get();
        } catch (TableException e) {
            log.warn(e.getMessage());
            log.warn(step.argument() + " lookup error for \"" + key + "\"");
            return SmtpdVerdict.refuse(Reply.configurationError(subject, what));
        }
        if (value == null) return SmtpdVerdict.DUNNO;
        SmtpdVerdict v = access.result(value, subject, what);
        return v != null ? v : restrictions("access table " + step.argument(), key, value);
    }

    /**
     * A table result or policy action that is no access action: a restriction list (a class name,
     * or restriction words), parsed once per distinct value and evaluated in place of the step. An
     * empty one permits, as in Postfix's dark ages; an unknown word is a configuration error.
     */
    private SmtpdVerdict restrictions(String table, String key, String value) {
        List<String> words = mta.config.Config.splitList(value);
        if (words.isEmpty()) {
            log.warn(table + " entry " + key + " has empty value");
            return SmtpdVerdict.PERMIT;
        }
        try {
            return SmtpdVerdict.restrictions(resultLists.computeIfAbsent(value,
                    v -> SmtpdRestrictions.parse(table, words, classes)));
        } catch (ConfigException e) {
            log.warn(e.getMessage());
            return SmtpdVerdict.refuse(Reply.CONFIGURATION_ERROR);
        }
    }

    /**
     * A check_policy_service step: the server's action (or its default action when it cannot be
     * asked) read as an access table result about what the list checks.
     */
    private SmtpdVerdict policyVerdict(Step step, SmtpdRestrictions list, SmtpdState s, Address rcpt) {
        String stage = list == endOfData ? "END-OF-MESSAGE" : s.where;
        String action = policy.ask(step.argument(), s, stage, rcpt);
        String name = replyName(list, s, rcpt);
        SmtpdVerdict v = access.result(action, name, replyClass(list), "access table " + step.argument(), "policy query");
        return v != null ? v : restrictions("access table " + step.argument(), "policy query", action);
    }

    /** What a list's verdicts are about (Postfix's reply name): the client, HELO name, sender, recipient... */
    private static String replyName(SmtpdRestrictions list, SmtpdState s, Address rcpt) {
        return switch (replyClass(list)) {
            case CLIENT -> s.client.label();
            case HELO -> String.valueOf(s.client.helo);
            case SENDER -> String.valueOf(s.tx.sender);
            case ETRN -> String.valueOf(s.etrnDomain);
            case DATA -> "DATA";
            case END_OF_DATA -> "END-OF-MESSAGE";
            default -> String.valueOf(rcpt);
        };
    }

    /** The words after {@code <name>:} in a list's refusals (Postfix's reply class). */
    private static Reply.Rejected replyClass(SmtpdRestrictions list) {
        return list.kind().replyClass;
    }

    /**
     * True when mail to {@code rcpt} stays with us or goes to a domain we relay for: the same
     * resolution the queue manager will make (so no spelling can pass here and be relayed later),
     * and no sender-specified routing in the local part ({@code user%remote}, {@code "user@remote"},
     * {@code remote!user}), whatever the domain.
     */
    private boolean authorizedDestination(Address rcpt) {
        String local = rcpt.localPart();
        if (local.indexOf('@') >= 0 || local.indexOf('%') >= 0 || local.indexOf('!') >= 0) return false;
        return rewrite.resolve(rcpt).destinationClass() != Resolved.DestinationClass.DEFAULT;
    }

    /** {@code postmaster} or {@code postmaster@} one of our domains, in any case. */
    private boolean isPostmaster(Address rcpt) {
        return rcpt.localPart().equalsIgnoreCase("postmaster")
                && rewrite.resolve(rcpt).destinationClass() == Resolved.DestinationClass.LOCAL;
    }

    /** The content_filter to record for the message: a FILTER action's, else this service's (maybe empty). */
    String contentFilter(SmtpdState s) {
        return s.tx.filter != null ? s.tx.filter : contentFilter;
    }

    /**
     * reject_unlisted_recipient and reject_unlisted_sender: an address in one of our domains that
     * is no valid recipient there, by its class's table (virtual alias or mailbox, relay recipient,
     * local recipient); {@code X.1.1} for a recipient, {@code X.1.0} for a sender.
     */
    private SmtpdVerdict unlisted(Address a, Rejected what) {
        if (noUnknownRecipientChecks) return SmtpdVerdict.DUNNO; // receive_override_options, after a content filter
        SmtpdVerdict virtual = virtualRecipients.check(a, what, showTable);
        if (virtual != null) return virtual;
        if (relayRecipients.unknown(a)) {
            return SmtpdVerdict.refuse(Reply.userUnknown(codes.unknownRelayRecipient, a.toString(), what,
                    showTable ? "relay recipient table" : null));
        }
        if (what == Rejected.SENDER && isMailSystemAddress(a)) return SmtpdVerdict.DUNNO;
        return switch (localRecipients.status(a)) {
            case KNOWN -> SmtpdVerdict.DUNNO;
            case UNKNOWN -> SmtpdVerdict.refuse(Reply.userUnknown(codes.unknownLocal, a.toString(), what,
                    showTable ? "local recipient table" : null));
        };
    }

    /** postmaster, MAILER-DAEMON and the double-bounce sender: the mail system's own local addresses. */
    private boolean isMailSystemAddress(Address a) {
        String local = a.localPart();
        return local.equalsIgnoreCase("postmaster") || local.equalsIgnoreCase("MAILER-DAEMON")
                || local.equalsIgnoreCase(doubleBounceSender);
    }

    private static boolean fqdnAddress(Address a) {
        return a.hasDomain() && SmtpdHostnames.isFqdnOrLiteral(a.domain());
    }

    /**
     * reject_unknown_sender_domain and reject_unknown_recipient_domain: a domain of ours (final
     * delivery here) or an address literal passes; another needs an MX or address record in DNS.
     * A domain that DNS cannot answer for now follows unknown_address_tempfail_action.
     */
    private SmtpdVerdict unknownDomain(Address a, Rejected what) {
        if (a.isNull() || !a.hasDomain() || a.domain().startsWith("[")) return SmtpdVerdict.DUNNO;
        Resolved.DestinationClass cls = rewrite.classify(a.domainLower());
        if (cls != Resolved.DestinationClass.RELAY && cls != Resolved.DestinationClass.DEFAULT) return SmtpdVerdict.DUNNO;
        String text = a.toString();
        return switch (dns.domainExists(a.domainLower())) {
            case EXISTS -> SmtpdVerdict.DUNNO;
            case NOT_FOUND -> SmtpdVerdict.refuse(Reply.domainNotFound(codes.unknownAddress, text, what));
            case TEMPORARY -> codes.tempfail(codes.unknownAddressDeferAtOnce, Reply.domainNotFound(450, text, what));
            case NULL_MX -> SmtpdVerdict.refuse(Reply.domainNullMx(text, a.domainLower(), what));
        };
    }

    /**
     * reject_unknown_helo_hostname: the HELO name needs an A, AAAA or MX record; an address
     * literal must be a valid address. DNS that cannot answer for now follows
     * unknown_helo_hostname_tempfail_action.
     */
    private SmtpdVerdict unknownHelo(String helo) {
        if (helo.startsWith("[")) {
            return SmtpdHostnames.isLiteral(helo) ? SmtpdVerdict.DUNNO
                    : SmtpdVerdict.refuse(Reply.invalidHeloAddress(codes.invalidHostname, helo));
        }
        return switch (dns.hostExists(helo)) {
            case EXISTS, NULL_MX -> SmtpdVerdict.DUNNO;
            case NOT_FOUND -> SmtpdVerdict.refuse(Reply.heloHostNotFound(codes.unknownHostname, helo));
            case TEMPORARY -> codes.tempfail(codes.unknownHostnameDeferAtOnce, Reply.heloHostNotFound(450, helo));
        };
    }

    /**
     * A bare {@code type:table} in a list: the check_*_access of the stage (client, helo,
     * sender, recipient, etrn). The data and end-of-data stages have none: a configuration error.
     */
    private SmtpdVerdict bareTable(Step step, SmtpdRestrictions list, SmtpdState s, Address rcpt, boolean warn) {
        Word w = list.kind().bareTable;
        if (w == null) {
            log.warn("specify one of (check_client_access, check_reverse_client_access, check_helo_access,"
                    + " check_sender_access, check_recipient_access, check_etrn_access) before "
                    + replyClass(list).noun() + " restriction \"" + step.argument() + "\"");
            return SmtpdVerdict.refuse(Reply.CONFIGURATION_ERROR);
        }
        return apply(new Step(w, step.argument(), step.table()), list, s, rcpt, warn);
    }

    /** check_sasl_access: the SASL login name of a client that logged in, looked up as it is. */
    private SmtpdVerdict saslAccess(Step step, SmtpdState.Client c) {
        if (!saslEnabled) {
            log.warn("restriction `" + Word.CHECK_SASL_ACCESS.text() + "' ignored: no SASL support");
            return SmtpdVerdict.DUNNO;
        }
        if (c.sasl == null || c.sasl.username().isEmpty()) return SmtpdVerdict.DUNNO;
        String user = c.sasl.username();
        String printable = user.replaceAll("[^\\x20-\\x7e]", "_");
        return table(step, () -> step.table().get(user), printable, user, Rejected.SASL_USER);
    }

    /**
     * check_*_mx_access, check_*_ns_access, check_*_a_access: the table's verdict about the first
     * server of {@code name} that it lists. OK is not allowed here (it would permit whatever a
     * domain's DNS points at): Postfix logs why and answers with a configuration error.
     */
    private SmtpdVerdict servers(Step step, String name, String subject, Rejected what) {
        String word = step.word().text();
        SmtpdServerAccess.Type type = word.endsWith("_mx_access") ? SmtpdServerAccess.Type.MX
                : word.endsWith("_ns_access") ? SmtpdServerAccess.Type.NS : SmtpdServerAccess.Type.A;
        SmtpdServerAccess.Found[] found = new SmtpdServerAccess.Found[1];
        SmtpdVerdict v = table(step, () -> {
            found[0] = serverAccess.lookup(step.table(), name, type, what.noun(), subject);
            return found[0] == null ? null : found[0].value();
        }, subject, name, what);
        if (v == SmtpdVerdict.PERMIT) {
            String target = what == Rejected.CLIENT ? name : subject;
            log.warn("restriction " + word + " returns OK for " + target);
            log.warn("this is not allowed for security reasons");
            log.warn("use DUNNO instead of OK if you want to make an exception");
            return SmtpdVerdict.refuse(Reply.CONFIGURATION_ERROR);
        }
        return v;
    }

    /**
     * A table failed during a lookup that is no access table (an address class, the recipient
     * tables, the sender login maps): {@code 451 4.3.0 <subject>: Temporary lookup failure}.
     */
    private Reply lookupFailure(TableException e, String subject) {
        log.warn(e.getMessage());
        return Reply.temporaryLookupFailure(subject);
    }

    /** What a list's lookup failure is about: the recipient, else the sender, the HELO name or the client. */
    private static String subject(SmtpdRestrictions list, SmtpdState s, Address rcpt) {
        if (rcpt != null) return rcpt.toString();
        return switch (replyClass(list)) {
            case HELO -> String.valueOf(s.client.helo);
            case SENDER -> String.valueOf(s.tx.sender);
            case ETRN -> String.valueOf(s.etrnDomain);
            default -> s.client.label();
        };
    }

    // ------------------------------------------------------------------ logging

    /** {@code QID: reject: RCPT from name[ip]: reply; from=<s> to=<r> proto=ESMTP helo=<h>}. */
    private void logReject(String kind, SmtpdState s, String stage, Reply reply, Address rcpt) {
        logWhatsup(kind, s, stage, reply.toString(), rcpt);
    }

    /** {@code QID: hold: RCPT from name[ip]: text; from=<s> to=<r> proto=ESMTP helo=<h>} (Postfix's log_whatsup). */
    private void logWhatsup(String kind, SmtpdState s, String stage, String text, Address rcpt) {
        StringBuilder sb = new StringBuilder();
        sb.append(s.tx.queueId()).append(": ").append(kind).append(": ").append(stage).append(" from ")
                .append(s.client.label()).append(": ").append(text).append(';');
        if (s.tx.sender != null) sb.append(" from=<").append(s.tx.sender).append('>');
        if (rcpt != null) sb.append(" to=<").append(rcpt).append('>');
        sb.append(" proto=").append(s.client.protocol);
        if (s.client.helo != null) sb.append(" helo=<").append(s.client.helo).append('>');
        log.info(sb.toString());
    }
}
