package mta.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import mta.config.Config;
import mta.config.Param;
import mta.config.Params;
import mta.lookup.Table;
import mta.lookup.Tables;

/**
 * SmtpContentChecks - {@code smtp_header_checks}, {@code smtp_mime_header_checks},
 * {@code smtp_nested_header_checks} and {@code smtp_body_checks}: header_checks(5) tables that the
 * SMTP client applies to the content it sends.
 *
 * <p>Reads the four pattern tables (regexp: or pcre: files, each line {@code /pattern/ ACTION
 * text}) once, when the agent starts; writes log lines through the agent's log. A logical header
 * goes to the table of its class: MIME headers (MIME-Version, Content-*, and every header of a
 * MIME body part) to the MIME table, other headers of the message to the header table, other
 * headers of an attached message to the nested table; body lines to the body table. The first
 * table that matches decides. The actions are those Postfix allows in the SMTP client, which may
 * not change the delivery time or destination: {@code WARN}, {@code INFO}, {@code IGNORE},
 * {@code STRIP}, {@code PREPEND}, {@code REPLACE}, {@code DUNNO} (and {@code OK}, the same).
 * Any other action (REJECT, DISCARD, HOLD, REDIRECT, FILTER, BCC, PASS, ...) is logged as
 * unsupported and the line is sent unchanged. Log lines have Postfix's shape:
 * {@code QID: warning: header X-Mailer: foo: text}, the line shown up to 60 characters.
 */
final class SmtpContentChecks {
    /** What to do with one line: keep it, drop it, or send {@code text} instead; maybe with a line before it. */
    record Verdict(String replacement, boolean drop, String prepend) {
        static final Verdict KEEP = new Verdict(null, false, null);
    }

    /** The table set of one class, with the parameter name for warnings. */
    private record Checks(String param, List<Table> tables) {
        static Checks open(Config config, Param p) {
            List<Table> tables = new ArrayList<>();
            for (String spec : config.list(p)) tables.add(Tables.open(spec));
            return new Checks(p.name(), List.copyOf(tables));
        }

        boolean isEmpty() {
            return tables.isEmpty();
        }
    }

    private static final int SHOWN = 60;

    private final Checks header;
    private final Checks mime;
    private final Checks nested;
    private final Checks body;

    private SmtpContentChecks(Checks header, Checks mime, Checks nested, Checks body) {
        this.header = header;
        this.mime = mime;
        this.nested = nested;
        this.body = body;
    }

    /**
     * The checks of this configuration, or null when all four are empty (then the content goes
     * out without being looked at).
     */
    static SmtpContentChecks from(Config config) {
        SmtpContentChecks c = new SmtpContentChecks(Checks.open(config, Params.SMTP_HEADER_CHECKS),
                Checks.open(config, Params.SMTP_MIME_HEADER_CHECKS), Checks.open(config, Params.SMTP_NESTED_HEADER_CHECKS),
                Checks.open(config, Params.SMTP_BODY_CHECKS));
        return c.header.isEmpty() && c.mime.isEmpty() && c.nested.isEmpty() && c.body.isEmpty() ? null : c;
    }

    boolean hasBodyChecks() {
        return !body.isEmpty();
    }

    /** The verdict on one logical header (lines joined by newlines) of the given part of the message. */
    Verdict header(String queueId, SmtpMime.Part part, String logical, Consumer<String> log) {
        Checks c;
        if (SmtpMime.isMimeHeader(logical) || part == SmtpMime.Part.MULTIPART) c = mime;
        else if (part == SmtpMime.Part.NESTED) c = nested;
        else c = header;
        return decide(c, queueId, "header", logical, log);
    }

    /** The verdict on one body line. */
    Verdict body(String queueId, String line, Consumer<String> log) {
        return decide(body, queueId, "body", line, log);
    }

    private static Verdict decide(Checks c, String queueId, String where, String text, Consumer<String> log) {
        for (Table t : c.tables()) {
            String value = t.get(text);
            if (value == null) continue;
            String v = value.strip();
            int sp = v.indexOf(' ');
            String action = (sp < 0 ? v : v.substring(0, sp)).toUpperCase(Locale.ROOT);
            String arg = sp < 0 ? "" : v.substring(sp + 1).strip();
            String what = ": " + where + " " + shown(text) + (arg.isEmpty() ? "" : ": " + arg);
            switch (action) {
                case "DUNNO", "OK" -> {
                    return Verdict.KEEP;
                }
                case "WARN" -> log.accept(queueId + ": warning" + what);
                case "INFO" -> log.accept(queueId + ": info" + what);
                case "IGNORE" -> {
                    return new Verdict(null, true, null);
                }
                case "STRIP" -> {
                    log.accept(queueId + ": strip" + what);
                    return new Verdict(null, true, null);
                }
                case "PREPEND" -> {
                    log.accept(queueId + ": prepend" + what);
                    return new Verdict(null, false, arg);
                }
                case "REPLACE" -> {
                    log.accept(queueId + ": replace" + what);
                    return new Verdict(arg, false, null);
                }
                default -> log.accept("warning: unsupported command in " + c.param() + " map: " + v);
            }
            return Verdict.KEEP;
        }
        return Verdict.KEEP;
    }

    /** The first 60 characters, control characters (the newlines of a folded header) shown as '?'. */
    private static String shown(String text) {
        String s = text.length() > SHOWN ? text.substring(0, SHOWN) : text;
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            sb.append(ch < ' ' || ch == 0x7f ? '?' : ch);
        }
        return sb.toString();
    }
}
