package mta.smtpd;

import mta.dns.IpLiteral;

/**
 * SmtpdHostnames - the syntax tests of the HELO and address restrictions: valid name, fully qualified.
 *
 * <p>Reads only its argument. A valid host name has labels of letters, digits, {@code -} and
 * {@code _}, each 1..63 characters, not starting or ending with {@code -}, 255 characters in all,
 * and not all-numeric in its last label; an address ({@code 192.0.2.1}) or address literal
 * ({@code [192.0.2.1]}, {@code [IPv6:2001:db8::1]}) is valid too. Fully qualified means a valid
 * name with at least one dot (a trailing dot is ignored), or an address literal.
 *
 * <p>The domain of a MAIL FROM or RCPT TO address is held to the rule of Postfix's address
 * resolver ({@link #isValidAddressDomain}): an address literal in brackets, IPv6 ones with their
 * {@code IPv6:} tag, or a host name (one trailing dot allowed) that is not all digits and dots, so
 * that {@code user@192.0.2.1} (an address without brackets, an easy way around the checks of
 * bracketed literals) is bad syntax. Non-ASCII names are checked in their IDNA (A-label) form.
 */
final class SmtpdHostnames {
    private SmtpdHostnames() {}

    static boolean isValid(String name) {
        return isLiteral(name) || IpLiteral.isLiteral(name) || isHostname(stripDot(name));
    }

    static boolean isFqdnOrLiteral(String name) {
        if (isLiteral(name)) return true;
        String n = stripDot(name);
        return n.indexOf('.') > 0 && isHostname(n);
    }

    /** {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]}. */
    static boolean isLiteral(String name) {
        if (!name.startsWith("[") || !name.endsWith("]")) return false;
        String inner = name.substring(1, name.length() - 1);
        if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) inner = inner.substring(5);
        return IpLiteral.isLiteral(inner);
    }

    /** The domain of {@code address} as the resolver sees it: after the last {@code @} of the unquoted form; null if none. */
    static String addressDomain(mta.mail.Address address) {
        String text = address.toString();
        StringBuilder unquoted = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) unquoted.append(text.charAt(++i));
            else if (c != '"') unquoted.append(c);
        }
        int at = unquoted.lastIndexOf("@");
        return at < 0 ? null : unquoted.substring(at + 1);
    }

    /** True when the address has no domain or one that {@link #isValidAddressDomain} accepts. */
    static boolean hasValidDomain(mta.mail.Address address) {
        String d = addressDomain(address);
        return d == null || isValidAddressDomain(d);
    }

    /** {@code [192.0.2.1]}, {@code [IPv6:2001:db8::1]}, or a host name that is not an IP address. */
    static boolean isValidAddressDomain(String domain) {
        if (domain.startsWith("[")) {
            if (!domain.endsWith("]")) return false;
            String inner = domain.substring(1, domain.length() - 1);
            if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) return inner.indexOf(':', 5) >= 0 && IpLiteral.isLiteral(inner);
            return inner.indexOf(':') < 0 && IpLiteral.isLiteral(inner);
        }
        String d = domain.endsWith(".") && !domain.endsWith("..") ? domain.substring(0, domain.length() - 1) : domain;
        if (!d.chars().allMatch(c -> c < 0x80)) {
            try {
                d = java.net.IDN.toASCII(d, java.net.IDN.ALLOW_UNASSIGNED);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return hasLabelSyntax(d) && !d.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    private static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static boolean isHostname(String name) {
        return hasLabelSyntax(name) && !name.substring(name.lastIndexOf('.') + 1).chars().allMatch(Character::isDigit);
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
