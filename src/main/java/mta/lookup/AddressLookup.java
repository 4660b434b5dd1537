package mta.lookup;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * AddressLookup - Postfix's search order for a mail address in lookup tables: the full address first, then partial keys.
 *
 * <p>Reads tables through {@link Table#get}; writes nothing. Two orders exist, and the caller picks
 * the one its Postfix counterpart uses. For {@code user+ext@example.com} with recipient delimiter
 * {@code +}:
 * <pre>
 *   {@link Order#REWRITE} - virtual(5), canonical(5) (sender, recipient), relocated(5),
 *                       and other maps looked up with mail_addr_find:
 *       user+ext@example.com, user@example.com,
 *       user+ext, user          (only when example.com is a local domain, or there is no domain)
 *       &#64;example.com
 *   {@link Order#ACCESS}  - access(5) e-mail address patterns (check_sender_access,
 *                       check_recipient_access, ... in smtpd):
 *       user+ext@example.com, user@example.com,
 *       example.com, then its parents: com          (parent_domain_matches_subdomains
 *                                                    lists smtpd_access_maps, the default)
 *                                or:   .com         (it does not)
 *       user+ext@, user@
 * </pre>
 * Each key is sent to every table before the next key is tried, so an earlier key in a later table
 * wins over a later key in an earlier table. Pattern tables (regexp:, pcre:, cidr:, see
 * {@link Table#matchesPatterns}) get only the full address: their patterns see the whole string.
 * Fixed-key tables fold keys to lower case themselves.
 *
 * <p>The address is split at its last {@code @}. The extension starts at the first character of
 * the local part that is in {@code recipient_delimiter} (a set of characters); nothing is split when
 * that first one starts the local part, nor, when {@code -} is a delimiter, for
 * {@code owner-list} and {@code list-request} (a Postfix compatibility rule).
 */
public final class AddressLookup {
    /** Which of Postfix's search orders to use; see the class comment. */
    public enum Order { ACCESS, REWRITE }

    /**
     * One key to look up.
     *
     * @param key                the text sent to the tables
     * @param partial            false only for the full address; partial keys skip pattern tables
     * @param unmatchedExtension the extension (with its delimiter, such as {@code +ext}) that this
     *                           key leaves out, or null; callers that honour
     *                           {@code propagate_unmatched_extensions} append it to the result
     */
    public record Query(String key, boolean partial, String unmatchedExtension) {}

    /** A found value: the table's answer and the query that found it. */
    public record Hit(String value, Query query, Table table) {}

    private final Order order;
    private final String delimiters;
    private final Predicate<String> localDomain;
    private final boolean parentMatchesSubdomains;

    private AddressLookup(Order order, String delimiters, Predicate<String> localDomain, boolean parentMatchesSubdomains) {
        this.order = order;
        this.delimiters = delimiters == null ? "" : delimiters;
        this.localDomain = localDomain;
        this.parentMatchesSubdomains = parentMatchesSubdomains;
    }

    /**
     * The order of virtual(5), canonical(5) and relocated(5).
     *
     * @param recipientDelimiter the value of {@code recipient_delimiter}; empty or null for none
     * @param isLocalDomain      true for domains in {@code mydestination}, {@code myorigin},
     *                           {@code inet_interfaces} and {@code proxy_interfaces}: only their
     *                           addresses are also looked up by bare user name
     */
    public static AddressLookup rewrite(String recipientDelimiter, Predicate<String> isLocalDomain) {
        return new AddressLookup(Order.REWRITE, recipientDelimiter, isLocalDomain, false);
    }

    /**
     * The order of access(5) tables.
     *
     * @param recipientDelimiter       the value of {@code recipient_delimiter}; empty or null for none
     * @param parentMatchesSubdomains  true when {@code parent_domain_matches_subdomains} lists
     *                                 {@code smtpd_access_maps}: parents are looked up as
     *                                 {@code example.com}, else as {@code .example.com}
     */
    public static AddressLookup access(String recipientDelimiter, boolean parentMatchesSubdomains) {
        return new AddressLookup(Order.ACCESS, recipientDelimiter, d -> false, parentMatchesSubdomains);
    }

    /** The keys for {@code address}, in the order they are tried. */
    public List<Query> queries(String address) {
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        String domain = at < 0 ? null : address.substring(at + 1);
        int split = extensionStart(local);
        String user = split < 0 ? local : local.substring(0, split);
        String ext = split < 0 ? null : local.substring(split);

        List<Query> out = new ArrayList<>();
        out.add(new Query(address, false, null));
        if (domain != null && ext != null) out.add(new Query(user + "@" + domain, true, ext));
        if (order == Order.REWRITE) {
            if (domain == null || localDomain.test(domain.toLowerCase(Locale.ROOT))) {
                if (domain != null) out.add(new Query(local, true, null));
                if (ext != null) out.add(new Query(user, true, ext));
            }
            if (domain != null) out.add(new Query("@" + domain, true, null));
        } else {
            if (domain != null) {
                out.add(new Query(domain, true, null));
                for (int dot = domain.indexOf('.'); dot >= 0; dot = domain.indexOf('.', dot + 1)) {
                    String parent = domain.substring(dot + 1);
                    if (parent.isEmpty()) break;
                    out.add(new Query(parentMatchesSubdomains ? parent : "." + parent, true, null));
                }
            }
            if (ext != null) out.add(new Query(local + "@", true, null));
            out.add(new Query(user + "@", true, ext));
        }
        return out;
    }

    /** The first hit for {@code address} in {@code tables}, or null. */
    public Hit find(List<Table> tables, String address) {
        for (Query q : queries(address)) {
            for (Table t : tables) {
                if (q.partial() && t.matchesPatterns()) continue;
                String value = t.get(q.key());
                if (value != null) return new Hit(value, q, t);
            }
        }
        return null;
    }

    /** The first value for {@code address} in {@code table}, or null. */
    public String get(Table table, String address) {
        Hit hit = find(List.of(table), address);
        return hit == null ? null : hit.value();
    }

    /** Where the extension of {@code local} starts (at its delimiter), or -1 when it is not split. */
    private int extensionStart(String local) {
        if (delimiters.isEmpty()) return -1;
        String lower = local.toLowerCase(Locale.ROOT);
        if (delimiters.indexOf('-') >= 0
                && (lower.startsWith("owner-") || (lower.length() > 8 && lower.endsWith("-request")))) {
            return -1;
        }
        for (int i = 0; i < local.length(); i++) {
            if (delimiters.indexOf(local.charAt(i)) >= 0) return i == 0 ? -1 : i;
        }
        return -1;
    }
}
