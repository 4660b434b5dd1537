package mta.lookup;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Tables - opens a lookup table from its {@code type:name} specification, as Postfix's dict_open.
 *
 * <p>Reads nothing itself; the backend does, lazily, at the first lookup. Types:
 * <ul>
 *   <li>{@code hash:/path/file}, {@code btree:/path/file}, {@code mvstore:/path/file}: the
 *       MVStore file {@code /path/file.db} built by postmap or postalias ({@link MvStoreTable});
 *   <li>{@code inline:{ key=value, { key2 = value with spaces } }} ({@link InlineTable});
 *   <li>{@code static:text} or {@code static:{text}} ({@link StaticTable});
 *   <li>{@code texthash:/path/file}: the postmap source file itself, no {@code .db} ({@link TexthashTable});
 *   <li>{@code regexp:/path/file} (POSIX regular expressions) and {@code pcre:/path/file} (Java's,
 *       close to PCRE): regexp_table(5) and pcre_table(5) rule files ({@link RegexpTable});
 *   <li>{@code cidr:/path/file}: cidr_table(5) network rules for IP address keys ({@link CidrTable});
 *   <li>{@code unix:passwd.byname}: the user names of {@code /etc/passwd} ({@link UnixPasswdTable});
 *   <li>{@code proxy:type:name}: the same as {@code type:name}; there is no proxymap process
 *       here, every service reads the table directly.
 * </ul>
 * Anything else throws {@link TableException} {@code unsupported dictionary type: foo}.
 */
public final class Tables {
    private Tables() {}

    /** The types whose data lives in a {@code .db} file that postmap and postalias build. */
    private static final Set<String> FILE_TYPES = Set.of("hash", "btree", "mvstore");

    /** Opens the table named by {@code spec}, such as {@code hash:/etc/aliases}. */
    public static Table open(String spec) {
        int colon = typeEnd(spec);
        if (colon < 0) {
            throw new TableException("open dictionary: expecting \"type:name\" form instead of \"" + spec + "\"");
        }
        String type = spec.substring(0, colon).toLowerCase(Locale.ROOT);
        String name = spec.substring(colon + 1);
        if (FILE_TYPES.contains(type)) return new MvStoreTable(spec, dbFile(name));
        return switch (type) {
            case "inline" -> new InlineTable(spec, name);
            case "static" -> new StaticTable(spec, name);
            case "texthash" -> new TexthashTable(spec, Path.of(name));
            case "regexp" -> new RegexpTable(spec, Path.of(name), RegexpPattern.Flavor.POSIX);
            case "pcre" -> new RegexpTable(spec, Path.of(name), RegexpPattern.Flavor.PCRE);
            case "cidr" -> new CidrTable(spec, Path.of(name));
            case "proxy" -> open(name);
            case "unix" -> {
                if (!name.equals("passwd.byname")) throw new TableException("unsupported unix map type: " + name);
                yield new UnixPasswdTable(spec, Path.of("/etc/passwd"));
            }
            default -> throw new TableException("unsupported dictionary type: " + type);
        };
    }

    /** True for types that postmap and postalias can build from a source file. */
    public static boolean isFileType(String type) {
        return FILE_TYPES.contains(type.toLowerCase(Locale.ROOT));
    }

    /** The database file of a file-backed table: {@code name + ".db"}. */
    public static Path dbFile(String name) {
        return Path.of(name + ".db");
    }

    /**
     * The specification for a command-line argument: {@code arg} itself when it starts with a
     * type ({@code hash:/etc/aliases}), else {@code defaultType:arg}.
     */
    public static String withType(String arg, String defaultType) {
        return typeEnd(arg) > 0 ? arg : defaultType + ":" + arg;
    }

    /** The type part of a specification, or null when it has none. */
    public static String type(String spec) {
        int colon = typeEnd(spec);
        return colon < 0 ? null : spec.substring(0, colon).toLowerCase(Locale.ROOT);
    }

    /** The name part of a specification (after the type), or the whole text when it has no type. */
    public static String name(String spec) {
        int colon = typeEnd(spec);
        return colon < 0 ? spec : spec.substring(colon + 1);
    }

    /** The index of the colon that ends a leading type word, or -1 (so {@code /a:b} has no type). */
    private static int typeEnd(String spec) {
        int colon = spec.indexOf(':');
        if (colon <= 0) return -1;
        for (int i = 0; i < colon; i++) {
            char c = spec.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-')) return -1;
        }
        return colon;
    }
}
