package mta.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * ReplyFilter - which A records of a DNS block or allow list count as a listing: the
 * {@code =d.d.d.d} after a list's domain in smtpd's {@code reject_rbl_client} and in
 * {@code postscreen_dnsbl_sites}.
 *
 * <p>Reads the filter text; holds, per octet, the values that match. Each {@code d} is a number
 * (0 to 255) or, in brackets, a {@code ;}-separated list of numbers and {@code lo..hi} ranges:
 * {@code 127.0.0.[2..11]}, {@code 127.0.[0;1].[2;4..6]}. {@link #ANY}, a list named without a
 * filter, takes every IPv4 answer; an IPv6 answer never matches. The callers word their own
 * errors for a malformed filter.
 */
public final class ReplyFilter {
    /** No filter: any IPv4 answer lists the name. */
    public static final ReplyFilter ANY = new ReplyFilter(null);

    /** For each of the four octets, the values that match; null for {@link #ANY}. */
    private final boolean[][] octets;

    private ReplyFilter(boolean[][] octets) {
        this.octets = octets;
    }

    /** Parses {@code d.d.d.d}; null when it is malformed. */
    public static ReplyFilter parse(String text) {
        String[] parts = splitOctets(text);
        if (parts == null || parts.length != 4) return null;
        boolean[][] octets = new boolean[4][];
        for (int i = 0; i < 4; i++) {
            octets[i] = octet(parts[i]);
            if (octets[i] == null) return null;
        }
        return new ReplyFilter(octets);
    }

    /** True when {@code a} is an IPv4 address that the filter (if any) lets through. */
    public boolean matches(InetAddress a) {
        if (!(a instanceof Inet4Address)) return false;
        if (octets == null) return true;
        byte[] b = a.getAddress();
        for (int i = 0; i < 4; i++) if (!octets[i][b[i] & 0xff]) return false;
        return true;
    }

    /** Splits at dots outside brackets; null when brackets do not balance or nest. */
    private static String[] splitOctets(String s) {
        List<String> out = new ArrayList<>();
        int start = 0;
        boolean inside = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '[') {
                if (inside) return null;
                inside = true;
            } else if (c == ']') {
                if (!inside) return null;
                inside = false;
            } else if (c == '.' && !inside) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        if (inside) return null;
        out.add(s.substring(start));
        return out.toArray(new String[0]);
    }

    /** {@code 7}, or {@code [2;4..6]}: the matching values of one octet; null when malformed. */
    private static boolean[] octet(String text) {
        boolean[] set = new boolean[256];
        if (!(text.startsWith("[") && text.endsWith("]"))) {
            int v = number(text);
            if (v < 0) return null;
            set[v] = true;
            return set;
        }
        String inner = text.substring(1, text.length() - 1);
        if (inner.isEmpty()) return null;
        for (String item : inner.split(";", -1)) {
            int dots = item.indexOf("..");
            int lo = number(dots < 0 ? item : item.substring(0, dots));
            int hi = dots < 0 ? lo : number(item.substring(dots + 2));
            if (lo < 0 || hi < lo) return null;
            for (int v = lo; v <= hi; v++) set[v] = true;
        }
        return set;
    }

    private static int number(String s) {
        if (s.isEmpty() || s.length() > 3) return -1;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return -1;
        int v = Integer.parseInt(s);
        return v <= 255 ? v : -1;
    }
}
