package mta.milter;

import mta.mail.Dsn;
import mta.mail.Reply;

/**
 * MilterVerdict - what the milters decided at one stage, in the terms the SMTP server and cleanup act on.
 *
 * <p>{@link Kind#CONTINUE} goes on; {@link Kind#REJECT} refuses the command or message with
 * {@link #reply} (a 4xx tempfail or a 5xx reject, custom codes included); {@link Kind#DISCARD}
 * accepts the message and throws it away; {@link Kind#HOLD} accepts it into the hold queue
 * (quarantine, or the default action quarantine); {@link Kind#SHUTDOWN} ends the session with
 * {@code 421}. Reads and writes nothing.
 *
 * @param kind   what to do
 * @param reply  the SMTP reply for REJECT and SHUTDOWN, else null
 * @param reason the quarantine reason for HOLD (may be empty), else null
 */
public record MilterVerdict(Kind kind, Reply reply, String reason) {
    public enum Kind { CONTINUE, REJECT, DISCARD, HOLD, SHUTDOWN }

    public static final MilterVerdict CONTINUE = new MilterVerdict(Kind.CONTINUE, null, null);
    public static final MilterVerdict DISCARD = new MilterVerdict(Kind.DISCARD, null, null);
    static final MilterVerdict REJECTED = reject(new Reply(550, Dsn.NOT_AUTHORIZED, "Command rejected"));
    static final MilterVerdict TEMPFAILED = reject(new Reply(451, Dsn.NOT_AUTHORIZED.temporary(), "Service unavailable - try again later"));
    static final MilterVerdict UNAVAILABLE = reject(new Reply(550, Dsn.OTHER_PROTOCOL, "Service unavailable"));
    static final MilterVerdict CONFIG_ERROR = reject(new Reply(451, Dsn.SYSTEM_MISCONFIGURED.temporary(), "Server configuration problem - try again later"));
    static final MilterVerdict SHUTDOWN_421 = new MilterVerdict(Kind.SHUTDOWN,
            new Reply(421, Dsn.OTHER_SECURITY.temporary(), "Server closing connection"), null);

    static MilterVerdict reject(Reply r) {
        return new MilterVerdict(Kind.REJECT, r, null);
    }

    static MilterVerdict hold(String reason) {
        return new MilterVerdict(Kind.HOLD, null, reason == null ? "" : reason);
    }

    public boolean proceeds() {
        return kind == Kind.CONTINUE;
    }

    /**
     * A filter's own reply (SMFIR_REPLYCODE): {@code 550 5.7.1 text}, perhaps on several lines
     * ({@code 550-5.7.1 one CRLF 550 5.7.1 two}); null when it is not a 4xx or 5xx reply. A reply
     * without an enhanced status code gets X.7.1, as Postfix gives it.
     */
    static Reply parseReply(String text) {
        String[] lines = text.split("\r?\n");
        StringBuilder all = new StringBuilder();
        int code = -1;
        Dsn dsn = null;
        for (String line : lines) {
            if (line.length() < 3 || !line.substring(0, 3).matches("[45]\\d\\d")) return null;
            int c = Integer.parseInt(line.substring(0, 3));
            if (code >= 0 && c != code) return null;
            code = c;
            String rest = line.length() > 3 ? line.substring(4) : "";
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^([245]\\.\\d{1,3}\\.\\d{1,3}) ?(.*)$").matcher(rest);
            if (m.matches()) {
                if (dsn == null) dsn = Dsn.parse(m.group(1));
                rest = m.group(2);
            }
            if (!all.isEmpty()) all.append(' ');
            all.append(rest.strip());
        }
        if (code < 0) return null;
        if (dsn == null || dsn.statusClass() != code / 100) dsn = Dsn.NOT_AUTHORIZED.asClassOf(code);
        return new Reply(code, dsn, all.toString());
    }
}
