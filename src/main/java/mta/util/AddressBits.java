package mta.util;

/**
 * AddressBits - the bytes of IP addresses (4 for IPv4, 16 for IPv6): the network part under a
 * prefix length, and the IPv4-mapped IPv6 form {@code ::ffff:a.b.c.d}. Shared by the network lists
 * of main.cf (config.Cidr) and the cidr: tables (lookup.CidrPattern). Reads and writes nothing.
 */
public final class AddressBits {
    private AddressBits() {}

    /** A copy of {@code a} with every bit after the first {@code bits} cleared. */
    public static byte[] mask(byte[] a, int bits) {
        byte[] m = a.clone();
        for (int i = 0; i < m.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            m[i] = (byte) (m[i] & (0xff << (8 - keep)));
        }
        return m;
    }

    /** {@code ::ffff:a.b.c.d} for the IPv4 address {@code v4}. */
    public static byte[] mapped(byte[] v4) {
        byte[] m = new byte[16];
        m[10] = (byte) 0xff;
        m[11] = (byte) 0xff;
        System.arraycopy(v4, 0, m, 12, 4);
        return m;
    }

    /** An IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.1}) as the IPv4 address it stands for; others as they are. */
    public static java.net.InetAddress unmapped(java.net.InetAddress a) {
        byte[] b = a.getAddress();
        if (!isMapped(b)) return a;
        try {
            return java.net.InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    /** True when the 16 bytes {@code a} are an IPv4-mapped IPv6 address. */
    public static boolean isMapped(byte[] a) {
        if (a.length != 16) return false;
        for (int i = 0; i < 10; i++) if (a[i] != 0) return false;
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }
}
