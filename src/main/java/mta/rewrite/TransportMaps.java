package mta.rewrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mta.config.ConfigException;
import mta.lookup.Table;
import mta.lookup.TableException;
import mta.lookup.Tables;

/**
 * TransportMaps - the transport(5) tables: an address or domain to {@code transport:nexthop}.
 *
 * <p>Reads the tables of {@code transport_maps}; writes nothing. Keys are tried in transport(5)
 * order, each key in every table before the next key: {@code user+ext@domain},
 * {@code user@domain}, {@code domain}, then each parent as {@code .parent} (or {@code parent} when
 * {@code parent_domain_matches_subdomains} lists {@code transport_maps}), and last {@code *}.
 * Pattern tables (regexp:, pcre:) see only the full address. The answer is split at its first
 * colon into transport and next-hop; either may be empty (see {@link TrivialRewrite#resolve}).
 */
final class TransportMaps {
    /** One answer: {@code transport} and {@code nexthop} as written, possibly empty. */
    record Route(String transport, String nexthop) {}

    private final List<Table> tables = new ArrayList<>();
    private final String delimiters;
    private final boolean parentMatchesSubdomains;

    TransportMaps(List<String> specs, String recipientDelimiter, boolean parentMatchesSubdomains) {
        for (String s : specs) {
            try {
                tables.add(Tables.open(s));
            } catch (TableException e) {
                throw new ConfigException("parameter transport_maps: " + e.getMessage());
            }
        }
        this.delimiters = recipientDelimiter == null ? "" : recipientDelimiter;
        this.parentMatchesSubdomains = parentMatchesSubdomains;
    }

    boolean isEmpty() {
        return tables.isEmpty();
    }

    /** The route for {@code localPart@domain}, or null when no key matches. */
    Route find(String localPart, String domain) {
        if (tables.isEmpty()) return null;
        String d = domain.toLowerCase(Locale.ROOT);
        String full = localPart + "@" + d;
        for (String key : keys(localPart, d)) {
            for (Table t : tables) {
                if (!key.equals(full) && t.matchesPatterns()) continue;
                String v = t.get(key);
                if (v != null) return parse(v.strip());
            }
        }
        return null;
    }

    private List<String> keys(String localPart, String d) {
        List<String> keys = new ArrayList<>();
        keys.add(localPart + "@" + d);
        int ext = extensionStart(localPart);
        if (ext > 0) keys.add(localPart.substring(0, ext) + "@" + d);
        keys.add(d);
        for (int dot = d.indexOf('.'); dot >= 0 && dot + 1 < d.length(); dot = d.indexOf('.', dot + 1)) {
            keys.add(parentMatchesSubdomains ? d.substring(dot + 1) : d.substring(dot));
        }
        keys.add("*");
        return keys;
    }

    private int extensionStart(String local) {
        for (int i = 1; i < local.length(); i++) {
            if (delimiters.indexOf(local.charAt(i)) >= 0) return i;
        }
        return -1;
    }

    /** {@code smtp:[host]:25} is {smtp, [host]:25}; {@code error:text} keeps the colons of its text. */
    static Route parse(String value) {
        int colon = value.indexOf(':');
        if (colon < 0) return new Route(value, "");
        return new Route(value.substring(0, colon).strip(), value.substring(colon + 1).strip());
    }
}
