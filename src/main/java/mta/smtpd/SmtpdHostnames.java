package mta.smtpd;

import mta.dns.IpLiteral;
import mta.mail.DomainSyntax;

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
 * resolver ({@link DomainSyntax#isValidAddressDomain}), so that {@code user@192.0.2.1} is bad
 * syntax; for a quoted local part the domain is what follows its last {@code @} once unquoted.
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

    /** {@code [192.0.2.1]}, {@code [IPv6:2001:db8::1]}, or a host name that is not an IP address ({@link DomainSyntax}). */
    static boolean isValidAddressDomain(String domain) {
        return DomainSyntax.isValidAddressDomain(domain);
    }

    private static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static boolean isHostname(String name) {
        if (name.isEmpty() || name.length() > 255) return false;
        String[] labels = name.split("\\.", -1);
        for (String l : labels) {
            if (l.isEmpty() || l.length() > 63 || l.startsWith("-") || l.endsWith("-")) return false;
            for (int i = 0; i < l.length(); i++) {
                char c = l.charAt(i);
                if (!(c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_'))) return false;
            }
        }
        return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
    }
}
