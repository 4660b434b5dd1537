package mta.smtpd;

import java.util.Locale;
import java.util.regex.Pattern;
import mta.mail.Reply;

/**
 * SmtpdParams - the ESMTP parameters of MAIL FROM and RCPT TO: SIZE, BODY, SMTPUTF8, RET, ENVID, AUTH, NOTIFY, ORCPT.
 *
 * <p>Reads the parameter text after the path; writes the accepted values into the transaction
 * (MAIL) or into an {@link RcptDsn} (RCPT). Each method returns null when every parameter is
 * acceptable, or the error reply. DSN values (RFC 3461) arrive as xtext, where {@code +XX} stands
 * for the byte with hex code XX; they are stored decoded.
 */
final class SmtpdParams {
    private static final Pattern BLANKS = Pattern.compile("[ \\t]+");

    private SmtpdParams() {}

    /** The DSN request of one recipient: NOTIFY as given (upper case) and the decoded ORCPT; null when absent. */
    record RcptDsn(String notifyValue, String orcptValue) {}

    /** Parses MAIL FROM parameters into {@code tx}; null when all are acceptable. */
    static Reply mail(String params, SmtpdState.Transaction tx, SmtpdSettings settings) {
        return mail(params, tx, settings, java.util.Set.of());
    }

    /**
     * The same for a client that was not offered the EHLO keywords in {@code discarded}: without
     * DSN, RET and ENVID are refused ({@code 501 5.7.1 DSN support is disabled}); without SMTPUTF8
     * it is an unsupported option.
     */
    static Reply mail(String params, SmtpdState.Transaction tx, SmtpdSettings settings, java.util.Set<String> discarded) {
        long size = -1;
        boolean sawAuth = false;
        for (String p : words(params)) {
            String name = name(p);
            String value = value(p);
            switch (name) {
                case "SIZE" -> {
                    if (value == null || value.isEmpty() || !value.chars().allMatch(Character::isDigit) || value.length() > 18) {
                        return Reply.BAD_SIZE;
                    }
                    size = Long.parseLong(value);
                }
                case "BODY" -> {
                    if (value == null || !(value.equalsIgnoreCase("7BIT") || value.equalsIgnoreCase("8BITMIME"))) {
                        return Reply.unsupportedOption(p);
                    }
                    tx.encoding = value.equalsIgnoreCase("8BITMIME") ? "8bit" : "7bit";
                }
                case "SMTPUTF8" -> {
                    if (!settings.smtputf8 || discarded.contains("SMTPUTF8")) return Reply.unsupportedOption(p);
                    if (value != null) return Reply.badParameter("SMTPUTF8");
                    tx.smtputf8 = true;
                }
                case "RET" -> {
                    if (discarded.contains("DSN")) return Reply.DSN_DISABLED;
                    if (tx.dsnRet != null || value == null
                            || !(value.equalsIgnoreCase("FULL") || value.equalsIgnoreCase("HDRS"))) {
                        return Reply.badParameter("RET");
                    }
                    tx.dsnRet = value.toUpperCase(Locale.ROOT);
                }
                case "ENVID" -> {
                    if (discarded.contains("DSN")) return Reply.DSN_DISABLED;
                    String envid = value == null ? null : xtext(value);
                    if (tx.dsnEnvid != null || envid == null || envid.isEmpty() || envid.length() > 100
                            || !printable(envid)) {
                        return Reply.badParameter("ENVID");
                    }
                    tx.dsnEnvid = envid;
                }
                case "AUTH" -> {
                    // RFC 4954 section 5: who submitted the message, when SASL is on; <> means unknown
                    if (!settings.sasl.enabled) return Reply.unsupportedOption(p);
                    if (sawAuth) return Reply.MULTIPLE_AUTH;
                    sawAuth = true;
                    String who = value == null ? null : xtext(value);
                    if (who == null || who.isEmpty()) return Reply.badParameter("AUTH");
                    if (!who.equals("<>")) tx.saslSender = SmtpdSasl.printable(who);
                }
                default -> {
                    return Reply.unsupportedOption(p);
                }
            }
        }
        if (size >= 0 && settings.messageSizeLimit > 0 && size > settings.messageSizeLimit) {
            return Reply.SIZE_EXCEEDS_LIMIT;
        }
        tx.declaredSize = size;
        return null;
    }

    /** Parses RCPT TO parameters; {@code out[0]} receives the DSN request. Null when all are acceptable. */
    static Reply rcpt(String params, RcptDsn[] out) {
        return rcpt(params, out, java.util.Set.of());
    }

    /** The same for a client that was not offered DSN when {@code discarded} holds it (NOTIFY and ORCPT refused). */
    static Reply rcpt(String params, RcptDsn[] out, java.util.Set<String> discarded) {
        String notify = null;
        String orcpt = null;
        for (String p : words(params)) {
            String name = name(p);
            String value = value(p);
            switch (name) {
                case "NOTIFY" -> {
                    if (discarded.contains("DSN")) return Reply.DSN_DISABLED;
                    notify = value == null ? null : notify(value);
                    if (notify == null) return Reply.badDsnParameter("NOTIFY");
                }
                case "ORCPT" -> {
                    if (discarded.contains("DSN")) return Reply.DSN_DISABLED;
                    orcpt = value == null ? null : orcpt(value);
                    if (orcpt == null) return Reply.badDsnParameter("ORCPT");
                }
                default -> {
                    return Reply.unsupportedOption(p);
                }
            }
        }
        out[0] = new RcptDsn(notify, orcpt);
        return null;
    }

    /** {@code NEVER}, or a list of distinct SUCCESS, FAILURE, DELAY; upper-cased, or null when invalid. */
    static String notify(String value) {
        String v = value.toUpperCase(Locale.ROOT);
        if (v.equals("NEVER")) return v;
        String[] parts = v.split(",", -1);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String k : parts) {
            if (!(k.equals("SUCCESS") || k.equals("FAILURE") || k.equals("DELAY")) || !seen.add(k)) return null;
        }
        return v;
    }

    /** {@code addr-type;xtext} with the xtext decoded ({@code rfc822;user@example.com}), or null when invalid. */
    static String orcpt(String value) {
        int semi = value.indexOf(';');
        if (semi <= 0) return null;
        String type = value.substring(0, semi);
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 0x80 || c == '-')) return null;
        }
        String addr = xtext(value.substring(semi + 1));
        if (addr == null || addr.isEmpty() || addr.length() > 500) return null;
        // utf-8 addresses may hold UTF-8 text (RFC 6533); rfc822 ones are printable ASCII
        if (type.equalsIgnoreCase("rfc822") && !printable(addr)) return null;
        return type.toLowerCase(Locale.ROOT) + ";" + addr;
    }

    /** Decodes RFC 3461 xtext; null when it is malformed (a bad {@code +XX}, or a char outside 33..126, or '='). */
    static String xtext(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                if (i + 2 >= s.length()) return null;
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) return null;
                out.append((char) (hi * 16 + lo));
                i += 2;
            } else if (c < 33 || c == '=' || c == 0x7f) {
                return null;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean printable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 32 || c > 126) return false;
        }
        return true;
    }

    private static String[] words(String params) {
        String p = params.strip();
        return p.isEmpty() ? new String[0] : BLANKS.split(p);
    }

    private static String name(String p) {
        int eq = p.indexOf('=');
        return (eq < 0 ? p : p.substring(0, eq)).toUpperCase(Locale.ROOT);
    }

    private static String value(String p) {
        int eq = p.indexOf('=');
        return eq < 0 ? null : p.substring(eq + 1);
    }
}
