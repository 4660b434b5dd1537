package mta.mail;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * DomainSyntax - is this a domain that mail can be addressed to? Postfix's valid_hostname and valid_mailhost_literal.
 *
 * <p>Reads only its argument. A domain is an address literal in brackets ({@code [192.0.2.1]},
 * or {@code [IPv6:2001:db8::1]} with its tag), or a host name: labels of letters, digits,
 * {@code -} and {@code _}, 1..63 long, not starting or ending with {@code -}, 255 characters in
 * all, and not all digits and dots (so {@code 192.0.2.1} without brackets, an easy way around the
 * checks of bracketed literals, is no domain). Non-ASCII names are checked in their IDNA
 * (A-label) form. Used for the domains of SMTP addresses, ETRN and the flush service's sites, and
 * to parse address literals without any lookup.
 */
public final class DomainSyntax {
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private DomainSyntax() {}

    /** A host name or an address literal (ETRN's argument, a flush site). */
    public static boolean isValid(String domain) {
        if (domain.startsWith("[")) return literalAddress(domain) != null;
        String d = domain;
        if (!d.chars().allMatch(c -> c < 0x80)) {
            try {
                d = java.net.IDN.toASCII(d, java.net.IDN.ALLOW_UNASSIGNED);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return hasLabelSyntax(d) && !d.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    /** The domain of an e-mail address: as {@link #isValid}, with one trailing dot allowed ({@code example.com.}). */
    public static boolean isValidAddressDomain(String domain) {
        boolean oneDot = domain.endsWith(".") && !domain.endsWith("..") && !domain.startsWith("[");
        return isValid(oneDot ? domain.substring(0, domain.length() - 1) : domain);
    }

    /** The address of {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]}, parsed without a lookup; null for anything else. */
    public static InetAddress literalAddress(String domain) {
        if (domain.length() < 3 || domain.charAt(0) != '[' || domain.charAt(domain.length() - 1) != ']') return null;
        String inner = domain.substring(1, domain.length() - 1);
        boolean v6 = inner.regionMatches(true, 0, "IPv6:", 0, 5);
        if (v6) inner = inner.substring(5);
        if (v6 ? !IPV6.matcher(inner).matches() : !IPV4.matcher(inner).matches()) return null;
        try {
            return InetAddress.getByName(inner); // a literal: no lookup
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Labels of letters, digits, - and _, 1..63 long, not starting or ending with -; 255 in all. */
    private static boolean hasLabelSyntax(String name) {
        if (name.isEmpty() || name.length() > 255) return false;
        for (String l : name.split("\\.", -1)) {
            if (l.isEmpty() || l.length() > 63 || l.startsWith("-") || l.endsWith("-")) return false;
            for (int i = 0; i < l.length(); i++) {
                char c = l.charAt(i);
                if (!(c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_'))) return false;
            }
        }
        return true;
    }
}
