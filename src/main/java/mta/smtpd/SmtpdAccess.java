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
import mta.mail.Reply;

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
 * cidr) get only the whole name or address. Results: {@code OK}, {@code PERMIT} or a number permit;
 * {@code DUNNO} goes on; {@code REJECT [text]}, {@code DEFER [text]} and {@code 4NN/5NN [text]}
 * refuse; {@code FILTER transport:nexthop} goes on and sends the message to that content filter.
 * Anything else is logged as a configuration error and answered with a temporary error.
 */
final class SmtpdAccess {
    private static final Pattern DSN = Pattern.compile("([245])\\.(\\d{1,3}\\.\\d{1,3})(?:\\s+|$)");

    private final SmtpdReject codes;
    private final boolean parentMatchesSubdomains;
    private final AddressLookup addressLookup;

    SmtpdAccess(SmtpdReject codes, boolean parentMatchesSubdomains, String recipientDelimiter) {
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
        String v = value.strip();
        int sp = indexOfSpace(v);
        String word = (sp < 0 ? v : v.substring(0, sp)).toUpperCase(Locale.ROOT);
        String text = sp < 0 ? "" : v.substring(sp).strip();
        switch (word) {
            case "OK", "PERMIT" -> {
                return SmtpdVerdict.PERMIT;
            }
            case "DUNNO" -> {
                return SmtpdVerdict.DUNNO;
            }
            case "FILTER" -> {
                return text.indexOf(':') > 0 ? SmtpdVerdict.filter(text) : null;
            }
            case "REJECT" -> {
                return refuse(codes.accessReject, text, subject, what);
            }
            case "DEFER" -> {
                return refuse(codes.accessDefer, text, subject, what);
            }
            default -> {
                if (!word.matches("\\d+")) return null;
                if (word.length() == 3 && (word.charAt(0) == '4' || word.charAt(0) == '5')) {
                    return refuse(Integer.parseInt(word), text, subject, what);
                }
                return SmtpdVerdict.PERMIT; // an all-numeric result is OK (access(5))
            }
        }
    }

    /** A refusal with {@code code}; the text may start with an enhanced status of the same class. */
    private static SmtpdVerdict refuse(int code, String text, String subject, Reply.Rejected what) {
        String detail = "7.1";
        Matcher m = DSN.matcher(text);
        if (m.lookingAt() && m.group(1).charAt(0) == Character.forDigit(code / 100, 10)) {
            detail = m.group(2);
            text = text.substring(m.end()).strip();
        }
        if (text.isEmpty()) text = Reply.ACCESS_DENIED;
        return SmtpdVerdict.refuse(Reply.rejected(code, detail, subject, what, text));
    }

    private static int indexOfSpace(String s) {
        for (int i = 0; i < s.length(); i++) if (Character.isWhitespace(s.charAt(i))) return i;
        return -1;
    }
}
