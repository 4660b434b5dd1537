package mta.config;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * TableTypes - which {@code type:} prefixes a TABLES parameter may use, checked at load time.
 *
 * <p>Reads nothing. The list mirrors what the lookup package's Tables class opens (or is about to);
 * it lives here because config may not import lookup (see LayeringTest), so a new table type
 * must be added in both places (TableTypesTest compares them). {@code postconf -m} lists them.
 * It also checks that every {@code proxy:} table is one that {@code proxy_read_maps} or
 * {@code proxy_write_maps} allows, as Postfix's proxymap does.
 */
public final class TableTypes {
    private TableTypes() {}

    /** The table types this system supports; keep in step with the lookup package's Tables. */
    static final Set<String> SUPPORTED = Set.of(
            "hash", "btree", "mvstore", "lmdb", "cdb", "texthash", "inline", "static", "regexp", "pcre", "cidr",
            "proxy", "unix", "pgsql", "mysql", "sqlite", "ldap", "memcache", "socketmap", "tcp", "unionmap", "pipemap");

    /** The supported types, sorted, one per line of {@code postconf -m}. */
    public static List<String> supported() {
        return List.copyOf(new TreeSet<>(SUPPORTED));
    }

    /**
     * Throws {@code proxymap service is not configured for table "T"} for the first
     * {@code proxy:T} in a TABLES or LIST parameter whose T is not listed (as {@code proxy:T})
     * in {@code proxy_read_maps} or {@code proxy_write_maps}.
     */
    static void checkProxied(Config c) {
        Set<String> allowed = new HashSet<>();
        for (Param p : List.of(Params.PROXY_READ_MAPS, Params.PROXY_WRITE_MAPS)) {
            for (String e : c.list(p)) {
                if (e.regionMatches(true, 0, "proxy:", 0, 6)) allowed.add(e.substring(6));
            }
        }
        for (Param p : Params.all().values()) {
            if (p.type() != Param.Type.TABLES && p.type() != Param.Type.LIST && p.type() != Param.Type.PATTERNS) continue;
            if (p == Params.PROXY_READ_MAPS || p == Params.PROXY_WRITE_MAPS) continue;
            for (String entry : c.list(p)) {
                String e = entry.startsWith("!") ? entry.substring(1) : entry;
                if (!e.regionMatches(true, 0, "proxy:", 0, 6)) continue;
                String inner = e.substring(6);
                if (!allowed.contains(inner)) {
                    throw new ConfigException("parameter " + p.name() + ": proxymap service is not configured for table \""
                            + inner + "\" (list proxy:" + inner + " in proxy_read_maps)");
                }
            }
        }
    }

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
