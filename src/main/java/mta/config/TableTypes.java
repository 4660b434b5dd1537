package mta.config;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * TableTypes - which {@code type:} prefixes a TABLES parameter may use, checked at load time.
 *
 * <p>Reads nothing. The list mirrors what the lookup package's Tables class opens (or is about to);
 * it lives here because config may not import lookup (see LayeringTest), so a new table type
 * must be added in both places. Postfix's {@code postconf -m} lists its own, longer set.
 */
final class TableTypes {
    private TableTypes() {}

    /** The table types this system supports; keep in step with the lookup package's Tables. */
    static final Set<String> SUPPORTED = Set.of(
            "hash", "btree", "mvstore", "texthash", "inline", "static", "regexp", "cidr", "proxy", "unix");

    /**
     * Throws {@code unsupported dictionary type: T} for the first entry of {@code entries}
     * whose {@code type:} prefix is not supported. Entries without a prefix (a bare file name
     * or a domain) are left to the code that uses them. {@code proxy:T:name} checks T too.
     */
    static void check(List<String> entries) {
        for (String entry : entries) {
            String rest = entry.startsWith("!") ? entry.substring(1) : entry;
            String type;
            while ((type = type(rest)) != null) {
                if (!SUPPORTED.contains(type)) throw new ConfigException("unsupported dictionary type: " + type);
                if (!type.equals("proxy")) break;
                rest = rest.substring(type.length() + 1);
            }
        }
    }

    /** The lower-cased word before the first colon, or null when there is none. */
    static String type(String spec) {
        int colon = spec.indexOf(':');
        if (colon <= 0) return null;
        for (int i = 0; i < colon; i++) {
            char c = spec.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-')) return null;
        }
        return spec.substring(0, colon).toLowerCase(Locale.ROOT);
    }
}
