package mta.smtpd;

import mta.mail.Reply;

/**
 * SmtpdVerdict - the answer of one access restriction: go on (DUNNO), accept (PERMIT) or refuse.
 *
 * <p>Produced by {@link SmtpdCheck} and {@link SmtpdAccess}; a refusal carries the reply for the
 * client. A restriction list stops at the first PERMIT or refusal; its end means DUNNO.
 */
final class SmtpdVerdict {
    static final SmtpdVerdict DUNNO = new SmtpdVerdict(null);
    static final SmtpdVerdict PERMIT = new SmtpdVerdict(null);

    final Reply reply;
    /** A FILTER action's transport:nexthop: the list goes on (as DUNNO) and the message is filtered. */
    final String filter;

    private SmtpdVerdict(Reply reply) {
        this(reply, null);
    }

    private SmtpdVerdict(Reply reply, String filter) {
        this.reply = reply;
        this.filter = filter;
    }

    static SmtpdVerdict filter(String transportNexthop) {
        return new SmtpdVerdict(null, transportNexthop);
    }

    static SmtpdVerdict refuse(Reply reply) {
        return new SmtpdVerdict(reply);
    }

    boolean isRefusal() {
        return reply != null;
    }

    @Override
    public String toString() {
        return this == DUNNO ? "DUNNO" : this == PERMIT ? "PERMIT" : filter != null ? "FILTER " + filter : reply.toString();
    }
}
