package mta.postscreen;

import java.net.InetAddress;
import java.util.Locale;
import mta.config.ConfigException;
import mta.dns.ReplyFilter;

/**
 * PostscreenDnsblSite - one entry of {@code postscreen_dnsbl_sites}: {@code domain[=filter][*weight]}.
 *
 * <p>The filter is {@code d.d.d.d}, where each {@code d} is a number or a bracketed list of numbers
 * and ranges ({@code 127.0.0.[2..11]}, {@code 127.0.[0;1].[2;4..6]}); without one, any A record
 * lists the client. The weight (default 1) is added to the client's score when the site lists it;
 * a negative weight makes the site an allow list.
 *
 * @param domain the list's DNS domain
 * @param filter the A records that list the client ({@link ReplyFilter#ANY} without a filter)
 * @param weight what a listing adds to the score
 */
record PostscreenDnsblSite(String domain, ReplyFilter filter, int weight) {

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
        if (eq < 0) return new PostscreenDnsblSite(domain, ReplyFilter.ANY, weight);
        ReplyFilter filter = ReplyFilter.parse(s.substring(eq + 1));
        if (filter == null) throw bad(spec, "bad address filter");
        return new PostscreenDnsblSite(domain, filter, weight);
    }

    /** True when the A record {@code a} lists the client under this entry's filter. */
    boolean matches(InetAddress a) {
        return filter.matches(a);
    }

    private static ConfigException bad(String spec, String why) {
        return new ConfigException("postscreen_dnsbl_sites: " + why + ": \"" + spec + "\"");
    }
}
