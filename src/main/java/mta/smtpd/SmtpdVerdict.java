package mta.smtpd;

import mta.mail.Reply;

/**
 * SmtpdVerdict - the answer of one access restriction: go on (DUNNO), accept (PERMIT), refuse, or an action.
 *
 * <p>Produced by {@link SmtpdCheck} and {@link SmtpdAccess}; a refusal carries the reply for the
 * client. A restriction list stops at the first PERMIT or refusal; its end means DUNNO. The other
 * kinds are access(5) actions that let the list go on: {@code DEFER_IF_PERMIT} and
 * {@code DEFER_IF_REJECT} carry the deferral that may replace a later permit or reject;
 * {@code FILTER}, {@code HOLD}, {@code REDIRECT}, {@code BCC} and {@code PREPEND} are remembered
 * for the message ({@link SmtpdSavedActions}); {@code WARN} and {@code INFO} are logged.
 * {@code DISCARD} is remembered and permits. {@code RESTRICTIONS}: any other result is a restriction
 * list (a restriction class name, or words such as {@code reject_unknown_sender_domain}), evaluated
 * in place of the step.
 */
final class SmtpdVerdict {
    enum Kind {
        DUNNO, PERMIT, REFUSE, DEFER_IF_PERMIT, DEFER_IF_REJECT, FILTER, HOLD, DISCARD, REDIRECT, BCC, PREPEND, WARN, INFO,
        /** Any other table result or policy action: a restriction list (often a class name) to evaluate in place. */
        RESTRICTIONS
    }

    static final SmtpdVerdict DUNNO = new SmtpdVerdict(Kind.DUNNO, null, null);
    static final SmtpdVerdict PERMIT = new SmtpdVerdict(Kind.PERMIT, null, null);

    final Kind kind;
    /** The reply of a refusal or of a DEFER_IF_* action; else null. */
    final Reply reply;
    /** A FILTER action's transport:nexthop: the list goes on (as DUNNO) and the message is filtered. */
    final String filter;
    /**
     * The action's argument: the log text of HOLD, DISCARD, WARN and INFO, the address of REDIRECT
     * and BCC, the header of PREPEND.
     */
    final String text;
    /** What the mail log says about an action ({@code <rcpt>: Recipient address triggers HOLD action}); may be null. */
    final String log;
    /** The restriction list of a RESTRICTIONS result; else null. */
    final SmtpdRestrictions nested;

    private SmtpdVerdict(Kind kind, Reply reply, String text) {
        this(kind, reply, text, null);
    }

    private SmtpdVerdict(Kind kind, Reply reply, String text, String log) {
        this(kind, reply, text, log, null);
    }

    private SmtpdVerdict(Kind kind, Reply reply, String text, String log, SmtpdRestrictions nested) {
        this.nested = nested;
        this.kind = kind;
        this.reply = reply;
        this.text = text;
        this.log = log;
        this.filter = kind == Kind.FILTER ? text : null;
    }

    static SmtpdVerdict filter(String transportNexthop) {
        return new SmtpdVerdict(Kind.FILTER, null, transportNexthop);
    }

    /** FILTER with the text of its log line. */
    static SmtpdVerdict filter(String transportNexthop, String log) {
        return new SmtpdVerdict(Kind.FILTER, null, transportNexthop, log);
    }

    static SmtpdVerdict refuse(Reply reply) {
        return new SmtpdVerdict(Kind.REFUSE, reply, null);
    }

    /** DEFER_IF_PERMIT or DEFER_IF_REJECT with the deferral {@code reply}. */
    static SmtpdVerdict deferIf(Kind kind, Reply reply) {
        return new SmtpdVerdict(kind, reply, null);
    }

    /** HOLD, DISCARD, REDIRECT, BCC, PREPEND, WARN or INFO with its argument and log text. */
    static SmtpdVerdict action(Kind kind, String text, String log) {
        return new SmtpdVerdict(kind, null, text, log);
    }

    /** A table result or policy action that is a restriction list: evaluated in place of the step. */
    static SmtpdVerdict restrictions(SmtpdRestrictions list) {
        return new SmtpdVerdict(Kind.RESTRICTIONS, null, null, null, list);
    }

    boolean isRefusal() {
        return kind == Kind.REFUSE;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case DUNNO, PERMIT -> kind.name();
            case REFUSE -> reply.toString();
            case DEFER_IF_PERMIT, DEFER_IF_REJECT -> kind + " " + reply;
            default -> kind + " " + text;
        };
    }
}
