package mta.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * IpLiteral - recognises and parses IP address literals without asking DNS.
 *
 * <p>Reads only its argument. {@code InetAddress.getByName} would quietly look up a host name;
 * this class first checks the text is an IPv4 dotted quad or an IPv6 address (an optional
 * {@code IPv6:} prefix, as in SMTP address literals, is accepted), so no lookup can happen.
 */
public final class IpLiteral {
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private IpLiteral() {}

    /** True for {@code 192.0.2.1}, {@code 2001:db8::1} or {@code IPv6:2001:db8::1}. */
    public static boolean isLiteral(String text) {
        String t = stripPrefix(text);
        return IPV4.matcher(t).matches() || IPV6.matcher(t).matches() && parse(t) != null;
    }

    /** The address of a literal, or null when {@code text} is not one. */
    public static InetAddress parse(String text) {
        String t = stripPrefix(text);
        if (!IPV4.matcher(t).matches() && !IPV6.matcher(t).matches()) return null;
        try {
            return InetAddress.getByName(t);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * The query name of an address in a DNS block or allow list: 192.0.2.7 gives {@code 7.2.0.192};
     * an IPv6 address gives its 32 nibbles, least significant first.
     */
    public static String reversed(InetAddress address) {
        byte[] b = address.getAddress();
        StringBuilder sb = new StringBuilder();
        if (b.length == 4) {
            for (int i = 3; i >= 0; i--) sb.append(b[i] & 0xff).append(i > 0 ? "." : "");
        } else {
            for (int i = b.length - 1; i >= 0; i--) {
                sb.append(Character.forDigit(b[i] & 0xf, 16)).append('.')
                        .append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append(i > 0 ? "." : "");
            }
        }
        return sb.toString();
    }

    private static String stripPrefix(String text) {
        return text.regionMatches(true, 0, "IPv6:", 0, 5) ? text.substring(5) : text;
    }
}
