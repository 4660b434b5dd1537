package mta.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import mta.util.AddressBits;

/**
 * Cidr - one network in Postfix's notation ({@code 192.0.2.0/24}, {@code [::1]/128}, a bare address).
 *
 * <p>Reads only its text; used for {@code mynetworks} and the other network lists. IPv4-mapped
 * IPv6 prefixes ({@code [::ffff:127.0.0.0]/104}, in Debian's stock {@code mynetworks}) keep their
 * 128-bit form, and an IPv4 client matches them through its mapped address {@code ::ffff:a.b.c.d},
 * since the JDK hands IPv4 clients on an IPv6 socket over as IPv4 addresses.
 */
public record Cidr(byte[] network, int bits) {
    /** Parses {@code 10.0.0.0/8}, {@code [2001:db8::]/32}, {@code 2001:db8::/32} or one address. */
    public static Cidr parse(String text) {
        String t = text.strip();
        int slash = t.lastIndexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        if (addr.startsWith("[") && addr.endsWith("]")) addr = addr.substring(1, addr.length() - 1);
        if (addr.isEmpty() || !(addr.indexOf(':') >= 0 || Character.isDigit(addr.charAt(0)))) {
            throw new ConfigException("bad network address in mynetworks: " + text);
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress();  // literal: no DNS for digits or colons
        } catch (UnknownHostException e) {
            throw new ConfigException("bad network address: " + text);
        }
        // The JDK turns ::ffff:a.b.c.d into an IPv4 address; keep the IPv6 form that was written.
        if (bytes.length == 4 && addr.indexOf(':') >= 0) bytes = AddressBits.mapped(bytes);
        int bits = bytes.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new ConfigException("bad network prefix: " + text);
            }
            if (bits < 0 || bits > bytes.length * 8) throw new ConfigException("bad network prefix: " + text);
        }
        return new Cidr(AddressBits.mask(bytes, bits), bits);
    }

    /** True when {@code address} is inside this network. */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            // An IPv4-mapped IPv6 client (::ffff:a.b.c.d) matches IPv4 networks, and an IPv4 client
            // matches IPv4-mapped IPv6 networks.
            if (a.length == 16 && network.length == 4 && AddressBits.isMapped(a)) a = Arrays.copyOfRange(a, 12, 16);
            else if (a.length == 4 && network.length == 16) a = AddressBits.mapped(a);
            else return false;
        }
        return Arrays.equals(AddressBits.mask(a, bits), network);
    }

    /** The network address of {@code a}/{@code bits}, as text. */
    static String networkOf(InetAddress a, int bits) {
        try {
            String s = InetAddress.getByAddress(AddressBits.mask(a.getAddress(), bits)).getHostAddress();
            return s.toLowerCase(Locale.ROOT).replaceAll("%.*$", "").replace("0:0:0:0:0:0:0:1", "::1");
        } catch (UnknownHostException e) {
            return a.getHostAddress();
        }
    }
}
