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

    private SmtpdVerdict(Reply reply) {
        this.reply = reply;
    }

    static SmtpdVerdict refuse(Reply reply) {
        return new SmtpdVerdict(reply);
    }

    boolean isRefusal() {
        return reply != null;
    }

    @Override
    public String toString() {
        return this == DUNNO ? "DUNNO" : this == PERMIT ? "PERMIT" : reply.toString();
    }
}
