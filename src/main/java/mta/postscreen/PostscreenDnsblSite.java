package mta.postscreen;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mta.config.ConfigException;

/**
 * PostscreenDnsblSite - one entry of {@code postscreen_dnsbl_sites}: {@code domain[=filter][*weight]}.
 *
 * <p>The filter is {@code d.d.d.d}, where each {@code d} is a number or a bracketed list of numbers
 * and ranges ({@code 127.0.0.[2..11]}, {@code 127.0.[0;1].[2;4..6]}); without one, any A record
 * lists the client. The weight (default 1) is added to the client's score when the site lists it;
 * a negative weight makes the site an allow list.
 *
 * @param domain the list's DNS domain
 * @param octets for each of the four octets, the values that match; null without a filter
 * @param weight what a listing adds to the score
 */
record PostscreenDnsblSite(String domain, boolean[][] octets, int weight) {

    /** @throws ConfigException for a malformed entry */
    static PostscreenDnsblSite parse(String spec) {
        String s = spec.strip();
        int weight = 1;
        int star = s.lastIndexOf('*');
        if (star >= 0) {
            try {
                weight = Integer.parseInt(s.substring(star + 1).strip());
            } catch (NumberFormatException e) {
                throw bad(spec, "bad weight");
            }
            s = s.substring(0, star);
        }
        int eq = s.indexOf('=');
        String domain = (eq < 0 ? s : s.substring(0, eq)).toLowerCase(Locale.ROOT);
        if (domain.isEmpty()) throw bad(spec, "no domain");
        if (eq < 0) return new PostscreenDnsblSite(domain, null, weight);
        String[] parts = octets(s.substring(eq + 1));
        if (parts == null || parts.length != 4) throw bad(spec, "bad address filter");
        boolean[][] octets = new boolean[4][];
        for (int i = 0; i < 4; i++) {
            octets[i] = octet(parts[i]);
            if (octets[i] == null) throw bad(spec, "bad address filter");
        }
        return new PostscreenDnsblSite(domain, octets, weight);
    }

    /** True when the A record {@code a} lists the client under this entry's filter. */
    boolean matches(InetAddress a) {
        if (!(a instanceof Inet4Address)) return false;
        if (octets == null) return true;
        byte[] b = a.getAddress();
        for (int i = 0; i < 4; i++) if (!octets[i][b[i] & 0xff]) return false;
        return true;
    }

    private static ConfigException bad(String spec, String why) {
        return new ConfigException("postscreen_dnsbl_sites: " + why + ": \"" + spec + "\"");
    }

    /** Splits at dots outside brackets; null when brackets do not balance. */
    private static String[] octets(String s) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '[') depth++;
            else if (c == ']') depth--;
            else if (c == '.' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
            if (depth < 0 || depth > 1) return null;
        }
        if (depth != 0) return null;
        out.add(s.substring(start));
        return out.toArray(new String[0]);
    }

    /** {@code 7} or {@code [2;4..6]}: the values of one octet that match; null when malformed. */
    private static boolean[] octet(String text) {
        boolean[] set = new boolean[256];
        boolean bracketed = text.startsWith("[") && text.endsWith("]");
        String inner = bracketed ? text.substring(1, text.length() - 1) : text;
        if (inner.isEmpty()) return null;
        for (String item : inner.split(";", -1)) {
            int dots = item.indexOf("..");
            if (!bracketed && (dots >= 0 || inner.contains(";"))) return null;
            int lo = number(dots < 0 ? item : item.substring(0, dots));
            int hi = dots < 0 ? lo : number(item.substring(dots + 2));
            if (lo < 0 || hi < lo) return null;
            for (int v = lo; v <= hi; v++) set[v] = true;
        }
        return set;
    }

    private static int number(String s) {
        if (s.isEmpty() || s.length() > 3 || !s.chars().allMatch(Character::isDigit)) return -1;
        int v = Integer.parseInt(s);
        return v <= 255 ? v : -1;
    }
}
