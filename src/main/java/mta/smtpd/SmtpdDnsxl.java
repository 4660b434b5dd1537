package mta.smtpd;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import mta.config.ConfigException;
import mta.dns.DnsException;
import mta.dns.IpLiteral;
import mta.dns.ReplyFilter;
import mta.dns.Resolver;
import mta.util.MailLog;

/**
 * SmtpdDnsxl - DNS block and allow lists (DNSBL, RHSBL, DNSWL, RHSWL) for the access restrictions.
 *
 * <p>Reads DNS through {@link Resolver}; writes a {@code warning: NAME: RBL lookup error: ...} line
 * when a list's server fails. A list is named {@code domain} or {@code domain=d.d.d.d}, where each
 * {@code d} is a number or a pattern in brackets, {@code [2;4]} or {@code [2..11]} or a mix
 * ({@code [1;3..5]}): with a pattern, only an A record that matches lists the name. The name
 * asked is the client's reversed address ({@code 2.0.0.127.bl.test}, 32 nibbles for IPv6), or a
 * domain ({@code example.com.bl.test}): a host name, the HELO name, or the domain of a sender or
 * recipient address. Domains that are address literals, not valid host names, or end in a numeric
 * label are never asked about. When a name is listed, its TXT records (joined with
 * {@code " / "}, at most 500 characters) become the reason of the reply. A failed question
 * (SERVFAIL, timeout) lists nothing: mail is not refused because a list's server is down.
 */
final class SmtpdDnsxl {
    /** The longest reason taken from TXT records, as Postfix limits it. */
    private static final int TXT_LIMIT = 500;

    /** The answer about one name: listed (with its reason, maybe empty), not listed, or unknown for now. */
    sealed interface Result permits Listed, NotListed, Failed {}

    record Listed(String reason) implements Result {}

    record NotListed() implements Result {}

    record Failed() implements Result {}

    static final Result NOT_LISTED = new NotListed();
    static final Result FAILED = new Failed();

    /**
     * One list as a restriction names it: the DNS domain and the A record filter.
     *
     * @param domain  the list's DNS domain, as replies name it
     * @param filter  the A records that list a name ({@link ReplyFilter#ANY} without a pattern)
     */
    record Zone(String domain, ReplyFilter filter) {

        /**
         * Parses {@code domain[=d.d.d.d]}.
         *
         * @throws ConfigException for a malformed pattern
         */
        static Zone parse(String spec) {
            int eq = spec.indexOf('=');
            if (eq < 0) return new Zone(spec.toLowerCase(Locale.ROOT), ReplyFilter.ANY);
            String domain = spec.substring(0, eq).toLowerCase(Locale.ROOT);
            String pattern = spec.substring(eq + 1);
            ReplyFilter filter = ReplyFilter.parse(pattern);
            if (domain.isEmpty() || filter == null) {
                throw new ConfigException("RBL reply error: bad address pattern: \"" + pattern + "\"");
            }
            return new Zone(domain, filter);
        }

        /** True when {@code a} is an IPv4 address and the pattern (if any) matches it. */
        boolean matches(InetAddress a) {
            return filter.matches(a);
        }
    }

    private final Resolver resolver;
    private final MailLog.Channel log;

    SmtpdDnsxl(Resolver resolver, MailLog.Channel log) {
        this.resolver = resolver;
        this.log = log;
    }

    /** Is the client address listed under {@code zone}? */
    Result address(InetAddress client, Zone zone) {
        return lookup(IpLiteral.reversed(client) + "." + zone.domain(), zone);
    }

    /**
     * Is the domain of {@code what} listed under {@code zone}? {@code what} is a host name or an
     * address, whose domain is the part after the last {@code @}.
     */
    Result domain(String what, Zone zone) {
        int at = what.lastIndexOf('@');
        String domain = (at < 0 ? what : what.substring(at + 1)).toLowerCase(Locale.ROOT);
        if (domain.endsWith(".")) domain = domain.substring(0, domain.length() - 1);
        if (domain.isEmpty() || domain.startsWith("[") || !SmtpdHostnames.isValid(domain)) return NOT_LISTED;
        String last = domain.substring(domain.lastIndexOf('.') + 1);
        if (last.chars().allMatch(Character::isDigit)) return NOT_LISTED; // no IP-like queries
        return lookup(domain + "." + zone.domain(), zone);
    }

    private Result lookup(String query, Zone zone) {
        List<InetAddress> answer;
        try {
            answer = resolver.addresses(query);
        } catch (DnsException e) {
            if (!e.isTemporary()) return NOT_LISTED;
            log.warn(query + ": RBL lookup error: " + e.getMessage());
            return FAILED;
        }
        if (answer.stream().noneMatch(zone::matches)) return NOT_LISTED;
        return new Listed(reason(query));
    }

    /** The TXT records of a listed name, joined; empty when there are none (or DNS fails now). */
    private String reason(String query) {
        List<String> txt;
        try {
            txt = resolver.txt(query);
        } catch (DnsException e) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < txt.size() && sb.length() < TXT_LIMIT; i++) {
            if (i > 0) sb.append(" / ");
            sb.append(txt.get(i));
        }
        return sb.length() > TXT_LIMIT ? sb.substring(0, TXT_LIMIT) : sb.toString();
    }
}
