package mta.lookup;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import mta.util.AddressBits;

/**
 * CidrPattern - one {@code network/prefix} or plain address of a cidr: table, and address literals as lookup keys.
 *
 * <p>Reads and writes nothing but strings; never asks DNS (only address literals are parsed).
 * IPv4 is four decimal octets without leading zeros; IPv6 is hexadecimal groups with
 * {@code ::}, compared in binary so leading zeros and case do not matter. A pattern may be written
 * in brackets ({@code [2001:db8::]/32}); a lookup key may not. A pattern's host bits must be zero.
 * IPv4 and IPv6 are separate: {@code ::ffff:192.0.2.1} is an IPv6 address and does not match
 * {@code 192.0.2.0/24}, as in Postfix.
 *
 * @param network the network address, 4 or 16 bytes
 * @param bits    the prefix length
 */
record CidrPattern(byte[] network, int bits) {
    /**
     * Parses a pattern.
     *
     * @throws IllegalArgumentException whose message is the warning text
     */
    static CidrPattern parse(String text) {
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        if (addr.startsWith("[") && addr.endsWith("]")) addr = addr.substring(1, addr.length() - 1);
        byte[] bytes = address(addr);
        if (bytes == null) throw new IllegalArgumentException("bad address pattern: \"" + text + "\": skipping this rule");
        int bits = bytes.length * 8;
        if (slash >= 0) {
            String len = text.substring(slash + 1);
            if (!len.matches("\\d{1,3}") || Integer.parseInt(len) > bits) {
                throw new IllegalArgumentException("bad mask length in \"" + text + "\": skipping this rule");
            }
            bits = Integer.parseInt(len);
        }
        byte[] network = AddressBits.mask(bytes, bits);
        if (!Arrays.equals(network, bytes)) {
            throw new IllegalArgumentException("non-null host address bits in \"" + text + "\", perhaps you should use \""
                    + format(network) + "/" + bits + "\" instead: skipping this rule");
        }
        return new CidrPattern(network, bits);
    }

    /** True when the address {@code key} (4 or 16 bytes) is inside this network. */
    boolean contains(byte[] key) {
        return key.length == network.length && Arrays.equals(AddressBits.mask(key, bits), network);
    }

    /**
     * The bytes of an address literal: 4 for IPv4, 16 for IPv6; null when {@code text} is not one.
     */
    static byte[] address(String text) {
        if (text.matches("(0|[1-9]\\d{0,2})(\\.(0|[1-9]\\d{0,2})){3}")) {
            byte[] b = new byte[4];
            String[] octets = text.split("\\.");
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(octets[i]);
                if (v > 255) return null;
                b[i] = (byte) v;
            }
            return b;
        }
        if (text.indexOf(':') < 0 || !text.matches("[0-9A-Fa-f:.]+")) return null;
        try {
            InetAddress a = InetAddress.getByName(text); // a literal with a colon: parsed, never looked up
            if (a instanceof Inet4Address) return AddressBits.mapped(a.getAddress()); // Java turns ::ffff:a.b.c.d into IPv4
            return a.getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** An address as text: dotted IPv4, or IPv6 with the longest run of zero groups written {@code ::}. */
    static String format(byte[] a) {
        if (a.length == 4) return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) groups[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j] == 0) j++;
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLen - 1;
                continue;
            }
            if (!out.isEmpty() && out.charAt(out.length() - 1) != ':') out.append(':');
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
