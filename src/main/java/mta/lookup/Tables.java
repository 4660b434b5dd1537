package mta.lookup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import mta.config.Config;
import mta.util.SecretFiles;

/**
 * Tables - opens a lookup table from its {@code type:name} specification, as Postfix's dict_open.
 *
 * <p>Reads nothing itself but the configuration file of a database table; the backend reads its
 * data, lazily, at the first lookup. Types:
 * <ul>
 *   <li>{@code hash:/path/file}, {@code btree:/path/file}, {@code mvstore:/path/file}: the
 *       MVStore file {@code /path/file.db} built by postmap or postalias ({@link MvStoreTable});
 *       {@code lmdb:/path/file} and {@code cdb:/path/file} the same format in
 *       {@code /path/file.lmdb} and {@code /path/file.cdb};
 *   <li>{@code inline:{ key=value, { key2 = value with spaces } }} ({@link InlineTable});
 *   <li>{@code static:text} or {@code static:{text}} ({@link StaticTable});
 *   <li>{@code texthash:/path/file}: the postmap source file itself, no {@code .db} ({@link TexthashTable});
 *   <li>{@code regexp:/path/file} (POSIX regular expressions) and {@code pcre:/path/file} (Java's,
 *       close to PCRE): regexp_table(5) and pcre_table(5) rule files ({@link RegexpTable});
 *   <li>{@code cidr:/path/file}: cidr_table(5) network rules for IP address keys ({@link CidrTable});
 *   <li>{@code unix:passwd.byname}: the user names of {@code /etc/passwd} ({@link UnixPasswdTable});
 *   <li>{@code pgsql:}, {@code mysql:}, {@code sqlite:}, {@code ldap:}, {@code memcache:} with a
 *       configuration file ({@link PgsqlTable}, {@link MysqlTable}, {@link SqliteTable},
 *       {@link LdapTable}, {@link MemcacheTable});
 *   <li>{@code socketmap:inet:host:port:name}, {@code socketmap:unix:/path:name} and
 *       {@code tcp:host:port}: lookup servers ({@link SocketmapTable}, {@link TcpTable});
 *   <li>{@code unionmap:{type:name, ...}} and {@code pipemap:{type:name, ...}}: tables made of
 *       tables ({@link UnionTable}, {@link PipeTable});
 *   <li>{@code proxy:type:name}: one shared instance of {@code type:name} for every user in this
 *       JVM, the role of Postfix's proxymap ({@link ProxyMap}).
 * </ul>
 * Anything else throws {@link TableException} {@code unsupported dictionary type: foo}. The
 * configuration files of the database tables are read through the {@link SecretFiles} set with
 * {@link #useSecretFiles} (the disk, by default).
 */
public final class Tables {
    private Tables() {}

    /** The types whose data lives in a file that postmap and postalias build, with the file's suffix. */
    private static final Map<String, String> FILE_TYPES = Map.of(
            "hash", ".db", "btree", ".db", "mvstore", ".db", "lmdb", ".lmdb", "cdb", ".cdb");

    /** The types whose name is a configuration file (which may hold a password). */
    private static final Set<String> CONFIG_FILE_TYPES = Set.of("pgsql", "mysql", "sqlite", "ldap", "memcache");

    /** Every type {@link #open} knows, sorted, for {@code postconf -m}. */
    public static final List<String> TYPES = List.copyOf(new TreeSet<>(List.of(
            "hash", "btree", "mvstore", "lmdb", "cdb", "inline", "static", "texthash", "regexp", "pcre", "cidr",
            "unix", "pgsql", "mysql", "sqlite", "ldap", "memcache", "socketmap", "tcp", "unionmap", "pipemap",
            "proxy")));

    private static volatile SecretFiles secretFiles = SecretFiles.DIRECT;

    /**
     * Sets how the configuration files of database tables are read from now on. The master sets
     * it once at start-up, before it opens any table, when the privileged process has read
     * root-only files for it; tests set it too. Tables already open keep what they read.
     */
    public static void useSecretFiles(SecretFiles files) {
        secretFiles = files;
    }

    /**
     * Opens the table named by {@code spec}, such as {@code hash:/etc/aliases}; its lookups are
     * counted by type in the metrics ({@link MeteredTable}).
     */
    public static Table open(String spec) {
        int colon = typeEnd(spec);
        if (colon < 0) {
            throw new TableException("open dictionary: expecting \"type:name\" form instead of \"" + spec + "\"");
        }
        String type = spec.substring(0, colon).toLowerCase(Locale.ROOT);
        Table t = openType(spec, type, spec.substring(colon + 1));
        return MeteredTable.KNOWN_TYPES.contains(type) ? new MeteredTable(t, type) : t;
    }

    private static Table openType(String spec, String type, String name) {
        if (FILE_TYPES.containsKey(type)) return new MvStoreTable(spec, Path.of(name + FILE_TYPES.get(type)));
        return switch (type) {
            case "inline" -> new InlineTable(spec, name);
            case "static" -> new StaticTable(spec, name);
            case "texthash" -> new TexthashTable(spec, Path.of(name));
            case "regexp" -> new RegexpTable(spec, Path.of(name), RegexpPattern.Flavor.POSIX);
            case "pcre" -> new RegexpTable(spec, Path.of(name), RegexpPattern.Flavor.PCRE);
            case "cidr" -> new CidrTable(spec, Path.of(name));
            case "pgsql" -> new PgsqlTable(spec, config(spec, name));
            case "mysql" -> new MysqlTable(spec, config(spec, name));
            case "sqlite" -> new SqliteTable(spec, config(spec, name));
            case "ldap" -> new LdapTable(spec, config(spec, name));
            case "memcache" -> new MemcacheTable(spec, config(spec, name));
            case "socketmap" -> new SocketmapTable(spec, name);
            case "tcp" -> new TcpTable(spec, name);
            case "unionmap" -> new UnionTable(spec, members(spec, name));
            case "pipemap" -> new PipeTable(spec, members(spec, name));
            case "proxy" -> ProxyMap.open(spec, name);
            case "unix" -> {
                if (!name.equals("passwd.byname")) throw new TableException("unsupported unix map type: " + name);
                yield new UnixPasswdTable(spec, Path.of("/etc/passwd"));
            }
            default -> throw new TableException("unsupported dictionary type: " + type);
        };
    }

    private static TableConfig config(String spec, String name) {
        return TableConfig.read(spec, Path.of(name), secretFiles);
    }

    /** The tables of {@code unionmap:{a:b, c:d}}: the specifications between the braces. */
    static List<String> memberSpecs(String spec, String name) {
        String text = name.strip();
        if (!text.startsWith("{") || !text.endsWith("}")) {
            throw new TableException(spec + ": need \"{type:name, ...}\"");
        }
        // split as a main.cf list: commas or white space, not inside nested braces
        List<String> out = Config.splitList(text.substring(1, text.length() - 1));
        if (out.isEmpty()) throw new TableException(spec + ": empty table list");
        return out;
    }

    private static List<Table> members(String spec, String name) {
        List<Table> out = new ArrayList<>();
        try {
            for (String s : memberSpecs(spec, name)) out.add(open(s));
        } catch (RuntimeException e) {
            out.forEach(Table::close);
            throw e;
        }
        return out;
    }

    /**
     * The configuration files that opening {@code spec} reads ({@code /etc/postfix/pgsql.cf} of
     * {@code proxy:pgsql:/etc/postfix/pgsql.cf}, the members of {@code unionmap:} and
     * {@code pipemap:}). The privileged process reads these for the master when they are
     * readable by root only; see {@link #useSecretFiles}. The {@code backup} table of a
     * {@code memcache:} file is not followed.
     */
    public static List<Path> configFiles(String spec) {
        List<Path> out = new ArrayList<>();
        String type = type(spec);
        if (type == null) return out;
        String name = name(spec);
        if (CONFIG_FILE_TYPES.contains(type)) {
            out.add(Path.of(name));
        } else if (type.equals("proxy")) {
            out.addAll(configFiles(name));
        } else if (type.equals("unionmap") || type.equals("pipemap")) {
            try {
                for (String s : memberSpecs(spec, name)) out.addAll(configFiles(s));
            } catch (TableException e) {
                // opening will say what is wrong
            }
        }
        return out;
    }

    /** True for types that postmap and postalias can build from a source file. */
    public static boolean isFileType(String type) {
        return FILE_TYPES.containsKey(type.toLowerCase(Locale.ROOT));
    }

    /** The database file of a {@code hash:} table: {@code name + ".db"}. */
    public static Path dbFile(String name) {
        return Path.of(name + ".db");
    }

    /**
     * The database file of a file-backed table: {@code /x.db} for {@code hash:/x} and
     * {@code btree:/x}, {@code /x.lmdb} for {@code lmdb:/x}, {@code /x.cdb} for {@code cdb:/x}.
     */
    public static Path databaseFile(String spec) {
        String type = type(spec);
        String suffix = type == null ? null : FILE_TYPES.get(type);
        if (suffix == null) throw new TableException("unsupported dictionary type: " + type + " has no database file");
        return Path.of(name(spec) + suffix);
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
