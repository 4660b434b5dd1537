package mta.smtpd;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mta.lookup.AddressLookup;
import mta.lookup.Table;
import mta.mail.Dsn;
import mta.mail.Reply;
import mta.util.MailLog;

/**
 * SmtpdAccess - access(5) tables for the SMTP server: which keys to look up, and what a result means.
 *
 * <p>Reads one table per {@code check_*_access} step through {@link Table#get}; writes nothing.
 * Keys, tried in order, first hit wins:
 * <pre>
 *   client: host name, its parent domains, then the address: 192.0.2.7, 192.0.2, 192.0, 192
 *   helo:   the name, its parent domains
 *   sender, recipient: {@link AddressLookup#access} (user@domain, domain, parents, user@)
 * </pre>
 * Parents are {@code example.com} when {@code parent_domain_matches_subdomains} lists
 * {@code smtpd_access_maps} (the default), else {@code .example.com}. Pattern tables (regexp, pcre,
 * cidr) get only the whole name or address. {@link #result} says what a result means, for access
 * tables and for policy servers alike (see there). Anything else is logged as a configuration
 * error and answered with a temporary error.
 */
final class SmtpdAccess {
    private static final Pattern DSN = Pattern.compile("([245])\\.(\\d{1,3}\\.\\d{1,3})(?:\\s+|$)");

    private final SmtpdReject codes;
    private final boolean parentMatchesSubdomains;
    private final AddressLookup addressLookup;
    private final MailLog.Channel log;

    SmtpdAccess(SmtpdReject codes, boolean parentMatchesSubdomains, String recipientDelimiter) {
        this(codes, parentMatchesSubdomains, recipientDelimiter, null);
    }

    /** With {@code log}, malformed action arguments are warned about. */
    SmtpdAccess(SmtpdReject codes, boolean parentMatchesSubdomains, String recipientDelimiter, MailLog.Channel log) {
        this.log = log;
        this.codes = codes;
        this.parentMatchesSubdomains = parentMatchesSubdomains;
        this.addressLookup = AddressLookup.access(recipientDelimiter, parentMatchesSubdomains);
    }

    /** The table's value for the client, or null. */
    String client(Table t, String name, InetAddress address) {
        List<String> keys = new ArrayList<>();
        if (!name.equals("unknown")) keys.addAll(domainKeys(name));
        String ip = address.getHostAddress();
        keys.add(ip);
        if (address instanceof Inet4Address) {
            for (int dot = ip.lastIndexOf('.'); dot > 0; dot = ip.lastIndexOf('.', dot - 1)) keys.add(ip.substring(0, dot));
        }
        for (String k : keys) {
            if (t.matchesPatterns() && !k.equals(ip) && !k.equalsIgnoreCase(name)) continue;
            String v = t.get(k);
            if (v != null) return v;
        }
        return null;
    }

    /** The table's value for a host name (HELO), or null. */
    String host(Table t, String name) {
        List<String> keys = t.matchesPatterns() ? List.of(name) : domainKeys(name);
        for (String k : keys) {
            String v = t.get(k);
            if (v != null) return v;
        }
        return null;
    }

    /** The table's value for an e-mail address, or null. */
    String address(Table t, String address) {
        return addressLookup.get(t, address);
    }

    private List<String> domainKeys(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) n = n.substring(0, n.length() - 1);
        List<String> keys = new ArrayList<>();
        keys.add(n);
        for (int dot = n.indexOf('.'); dot >= 0 && dot + 1 < n.length(); dot = n.indexOf('.', dot + 1)) {
            keys.add(parentMatchesSubdomains ? n.substring(dot + 1) : n.substring(dot));
        }
        return keys;
    }

    /**
     * What the table result {@code value} means for {@code subject} (an address, or name[ip]).
     * Returns null for a result this server does not understand (the caller logs it).
     */
    SmtpdVerdict result(String value, String subject, Reply.Rejected what) {
        return result(value, subject, what, "access table", subject);
    }

    /**
     * The same for a result that came from {@code table} (a table, or a policy server) for the
     * lookup {@code key}, which name the source in the warnings about malformed actions.
     *
     * <p>Actions (access(5)): {@code OK}, {@code RELAY}, {@code PERMIT} or an all-numeric result
     * permit; {@code DUNNO} goes on; {@code REJECT [text]} and {@code DEFER [text]} refuse with
     * access_map_reject_code and access_map_defer_code, {@code 4NN text} and {@code 5NN text} with
     * that code; {@code DEFER_IF_PERMIT [text]} and {@code DEFER_IF_REJECT [text]} arm a deferral
     * (access_map_defer_code); {@code FILTER transport:nexthop}, {@code HOLD [text]},
     * {@code REDIRECT user@domain}, {@code BCC user@domain} and {@code PREPEND header: text} are
     * remembered for the message and go on; {@code DISCARD [text]} is remembered and permits;
     * {@code WARN text} and {@code INFO text} are logged and go on. A text may start with an
     * enhanced status code, whose class follows the reply code's. A malformed argument is logged
     * and the action ignored, as Postfix does.
     */
    SmtpdVerdict result(String value, String subject, Reply.Rejected what, String table, String key) {
        String v = value.strip();
        int sp = indexOfSpace(v);
        String word = (sp < 0 ? v : v.substring(0, sp)).toUpperCase(Locale.ROOT);
        String text = sp < 0 ? "" : v.substring(sp).strip();
        String noun = what.noun();
        switch (word) {
            case "OK", "RELAY", "PERMIT" -> {
                return SmtpdVerdict.PERMIT;
            }
            case "DUNNO" -> {
                return SmtpdVerdict.DUNNO;
            }
            case "REJECT" -> {
                return SmtpdVerdict.refuse(refusal(codes.accessReject, text, Reply.ACCESS_DENIED, subject, what));
            }
            case "DEFER" -> {
                return SmtpdVerdict.refuse(refusal(codes.accessDefer, text, Reply.ACCESS_DENIED, subject, what));
            }
            case "DEFER_IF_PERMIT", "DEFER_IF_REJECT" -> {
                return SmtpdVerdict.deferIf(SmtpdVerdict.Kind.valueOf(word),
                        refusal(codes.accessDefer, text, Reply.SERVICE_UNAVAILABLE_TEXT, subject, what));
            }
            case "FILTER" -> {
                if (text.indexOf(':') <= 0) return malformed(table, key, "requires transport:destination");
                return SmtpdVerdict.filter(text, "<" + subject + ">: " + noun + " triggers FILTER " + text);
            }
            case "HOLD", "DISCARD" -> {
                String log = "<" + subject + ">: " + noun + " " + (text.isEmpty() ? "triggers " + word + " action" : text);
                return SmtpdVerdict.action(SmtpdVerdict.Kind.valueOf(word), log, log);
            }
            case "REDIRECT", "BCC" -> {
                if (text.indexOf('@') < 0) return malformed(table, key, "requires user@domain target");
                return SmtpdVerdict.action(SmtpdVerdict.Kind.valueOf(word), text,
                        "<" + subject + ">: " + noun + " triggers " + word + " " + text);
            }
            case "PREPEND" -> {
                if (!isHeader(text)) return malformed(table, key, "requires header: text");
                return SmtpdVerdict.action(SmtpdVerdict.Kind.PREPEND, text, null);
            }
            case "WARN", "INFO" -> {
                return SmtpdVerdict.action(SmtpdVerdict.Kind.valueOf(word), text, text);
            }
            default -> {
                if (v.chars().allMatch(c -> c >= '0' && c <= '9') && !v.isEmpty()) {
                    return SmtpdVerdict.PERMIT; // an all-numeric result is OK (access(5))
                }
                if (word.length() == 3 && (word.charAt(0) == '4' || word.charAt(0) == '5')
                        && Character.isDigit(word.charAt(1)) && Character.isDigit(word.charAt(2)) && !text.isEmpty()) {
                    return SmtpdVerdict.refuse(refusal(Integer.parseInt(word), text, Reply.ACCESS_DENIED, subject, what));
                }
                return null;
            }
        }
    }

    private SmtpdVerdict malformed(String table, String key, String why) {
        if (log != null) log.warn(table + " entry \"" + key + "\" " + why);
        return SmtpdVerdict.DUNNO;
    }

    /** {@code Name: value} with a name of printable characters and no space. */
    private static boolean isHeader(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0) return false;
        for (int i = 0; i < colon; i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c > '~') return false;
        }
        return true;
    }

    /**
     * {@code code d.x.y <subject>: What rejected: text}. The text may start with an enhanced status
     * code; its class is made the reply code's (Postfix keeps the two consistent).
     */
    private static Reply refusal(int code, String text, String empty, String subject, Reply.Rejected what) {
        Dsn status = Dsn.NOT_AUTHORIZED;
        Matcher m = DSN.matcher(text);
        if (m.lookingAt()) {
            status = Dsn.parse(m.group(1) + "." + m.group(2));
            text = text.substring(m.end()).strip();
        }
        if (text.isEmpty()) text = empty;
        return Reply.rejected(code, status, subject, what, text);
    }

    private static int indexOfSpace(String s) {
        for (int i = 0; i < s.length(); i++) if (Character.isWhitespace(s.charAt(i))) return i;
        return -1;
    }
}
