package mta.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import mta.util.Durations;
import mta.util.MacroExpand;

/**
 * Config - the parameters in force: main.cf values over {@link Params} defaults, expanded.
 *
 * <p>Reads nothing from disk itself (see {@link ConfigLoader}); holds the raw values of main.cf
 * and of master.cf {@code -o} overrides, and expands {@code $name}, {@code ${name}},
 * {@code $(name)}, {@code ${name?value}}, {@code ${name:value}} and {@code ${name?{a}:{b}}} on
 * demand, with loop detection. Typed getters check each value once against its declaration and
 * throw {@link ConfigException} with Postfix's wording when it is bad. {@link #validate()} is the
 * load-time check: every explicit value, the table types, and a usable {@code myhostname}.
 */
public final class Config {
    private final Map<String, String> raw;
    private final Map<String, String> expanded = new ConcurrentHashMap<>();
    /** PATTERNS lists with their /file elements read, and NAME_OR_FILE values read from their file. */
    private final Map<String, List<String>> fileLists = new ConcurrentHashMap<>();
    private final Map<String, String> fileValues = new ConcurrentHashMap<>();
    /** This host's name for computed defaults; null means ask the operating system. */
    private final String hostName;

    public Config(Map<String, String> raw) {
        this(raw, null);
    }

    /** For tests: a configuration on a host called {@code hostName}. */
    Config(Map<String, String> raw, String hostName) {
        this.raw = Collections.unmodifiableMap(new LinkedHashMap<>(raw));
        this.hostName = hostName;
    }

    /** Every parameter at its default, except those given. */
    public static Config of(Map<String, String> values) {
        return new Config(values);
    }

    /** A copy with {@code overrides} on top (master.cf {@code -o name=value}). */
    public Config with(Map<String, String> overrides) {
        if (overrides.isEmpty()) return this;
        Map<String, String> m = new LinkedHashMap<>(raw);
        m.putAll(overrides);
        return new Config(m, hostName);
    }

    /** The values set explicitly (main.cf plus overrides), unexpanded. */
    public Map<String, String> explicit() {
        return raw;
    }

    /** True when main.cf (or an override) sets the parameter. */
    public boolean isSet(String name) {
        return raw.containsKey(name);
    }

    /**
     * The unexpanded value: explicit, else the default: this system's ({@link Params}), else
     * Postfix's for a parameter this system does not implement ({@link PostfixParameters}), else
     * that of a per-transport parameter ({@link ServiceParameters#defaultFor}); null for a name
     * nobody knows.
     */
    public String rawValue(String name) {
        String v = raw.get(name);
        if (v != null) return v;
        Param p = Params.byName(name);
        if (p != null) return p.defaultValue() != null ? p.defaultValue() : computedDefault(name);
        v = PostfixParameters.defaultValue(name);
        return v != null ? v : ServiceParameters.defaultFor(name);
    }

    /** The expanded value of any parameter; unknown names expand to the empty string. */
    public String get(String name) {
        String v = expanded.get(name);
        if (v == null) {
            v = expand(name, new HashSet<>());
            expanded.put(name, v);
        }
        return v;
    }

    /**
     * The expanded value. For a name-or-file parameter ({@code myorigin = /etc/mailname}) a
     * value that starts with {@code /} is replaced by the first word of that file.
     */
    public String str(Param p) {
        String v = get(p.name());
        if (p.type() == Param.Type.NAME_OR_FILE && v.strip().startsWith("/")) {
            return fileValues.computeIfAbsent(p.name(), n -> PatternFiles.firstWord(v));
        }
        return v;
    }

    /** A PATH parameter, or null when it is empty. */
    public Path path(Param p) {
        String v = get(p.name()).strip();
        return v.isEmpty() ? null : Path.of(v).normalize();
    }

    public int integer(Param p) {
        long n = number(p, get(p.name()));
        return (int) n;
    }

    public long size(Param p) {
        return number(p, get(p.name()));
    }

    private long number(Param p, String v) {
        long n;
        try {
            n = Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new ConfigException("bad numerical configuration: " + p.name() + " = " + v);
        }
        if (n < p.min() || n > p.max()) {
            throw new ConfigException("invalid " + p.name() + " parameter value " + n
                    + " < " + p.min() + " or > " + p.max());
        }
        return n;
    }

    public Duration time(Param p) {
        String v = get(p.name());
        Duration d;
        try {
            d = Durations.parse(v, p.unit());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid time value: " + p.name() + " = " + v);
        }
        if (d.toSeconds() < p.min() || d.toSeconds() > p.max()) {
            throw new ConfigException("invalid " + p.name() + ": " + v + " (must be between "
                    + p.min() + "s and " + p.max() + "s)");
        }
        return d;
    }

    /**
     * A queue manager parameter for one master.cf transport: {@code TRANSPORT_destination_recipient_limit}
     * when main.cf sets it, else its default (which for most is the {@code default_*} parameter
     * {@code base}, see ServiceParameters), checked against the bounds of {@code base}.
     */
    public int transportInt(String transport, Param base) {
        return integer(transportParam(transport, base));
    }

    /** A time-valued queue manager parameter for one transport ({@code TRANSPORT_destination_rate_delay}). */
    public Duration transportTime(String transport, Param base) {
        return time(transportParam(transport, base));
    }

    private static Param transportParam(String transport, Param base) {
        String suffix = base.name().startsWith("default_") ? base.name().substring("default_".length()) : base.name();
        return new Param(transport + "_" + suffix, base.type(), null, base.min(), base.max(), base.unit(), base.doc());
    }

    public boolean bool(Param p) {
        // Postfix knows only "yes" and "no" (any case); the message shows the value as written.
        String v = get(p.name()).strip();
        if (v.equalsIgnoreCase("yes")) return true;
        if (v.equalsIgnoreCase("no")) return false;
        throw new ConfigException("bad boolean configuration: " + p.name() + " = " + v);
    }

    /**
     * A LIST, TABLES or PATTERNS parameter split on commas and white space; {@code { ... }} keeps
     * spaces. In a PATTERNS list each {@code /file/name} element is replaced by the words of the
     * file (read once per configuration).
     */
    /**
     * True when parent_domain_matches_subdomains names {@code p}: there, {@code example.com} also
     * matches its subdomains (else only {@code .example.com} does).
     */
    public boolean parentMatchesSubdomains(Param p) {
        return list(Params.PARENT_DOMAIN_MATCHES_SUBDOMAINS).contains(p.name());
    }

    public List<String> list(Param p) {
        List<String> items = splitList(get(p.name()));
        if (p.type() != Param.Type.PATTERNS || items.stream().noneMatch(i -> i.startsWith("/") || i.startsWith("!/"))) {
            return items;
        }
        return fileLists.computeIfAbsent(p.name(), n -> List.copyOf(PatternFiles.expand(n, items)));
    }

    /** Splits a Postfix list value. */
    public static List<String> splitList(String value) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '{') depth++;
            if (c == '}' && depth > 0) depth--;
            if (depth == 0 && (c == ',' || Character.isWhitespace(c))) {
                if (!cur.isEmpty()) out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (!cur.isEmpty()) out.add(cur.toString());
        return out;
    }

    /**
     * Checks every declared parameter that is set explicitly, the {@code type:} of every table
     * in a TABLES or PATTERNS parameter, {@code /file} values, {@code mynetworks}, and that
     * {@code myhostname} can be determined; throws ConfigException for the first problem. Names
     * that no part of the system knows are left to {@link UnusedParameters}, which needs master.cf too.
     */
    public void validate() {
        List<String> p = problems();
        if (!p.isEmpty()) throw new ConfigException(p.get(0));
    }

    /** Every problem {@link #validate} would stop at, in Postfix's wording; empty when there is none. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        for (String name : raw.keySet()) {
            Param p = Params.byName(name);
            if (p != null) problem(out, () -> check(p));
        }
        if (!raw.containsKey(Params.MYHOSTNAME.name())) problem(out, this::checkMyHostname);
        for (Param p : Params.all().values()) {
            if (p.type() == Param.Type.TABLES || p.type() == Param.Type.PATTERNS) problem(out, () -> TableTypes.check(list(p)));
            if (p.type() == Param.Type.NAME_OR_FILE) problem(out, () -> str(p));
        }
        problem(out, () -> TableTypes.checkProxied(this));
        // as smtpd will, so postfix check refuses what postfix start would
        problem(out, () -> { for (String net : list(Params.MYNETWORKS)) Cidr.parse(net); });
        return out;
    }

    private static void problem(List<String> into, Runnable check) {
        try {
            check.run();
        } catch (ConfigException e) {
            if (!into.contains(e.getMessage())) into.add(e.getMessage());
        }
    }

    /**
     * Refuses a computed {@code myhostname} that is not a domain name. Postfix 3.7 would append
     * {@code .localdomain} to a host name without a dot and carry on; this system stops instead,
     * because such a name in HELO and Message-ID is rejected by many receivers. When
     * {@code mydomain} is set, the name becomes {@code host.$mydomain}, as in Postfix.
     */
    private void checkMyHostname() {
        if (isSet(Params.MYHOSTNAME.name())) return;
        String host = hostName();
        if (host.isEmpty()) throw new ConfigException("unable to use my own hostname");
        if (host.indexOf('.') < 0 && !isSet(Params.MYDOMAIN.name())) {
            throw new ConfigException("this host's name \"" + host + "\" is not fully qualified:"
                    + " set myhostname (or mydomain) in main.cf");
        }
    }

    private String hostName() {
        return hostName != null ? hostName : HostInfo.hostName();
    }

    private void check(Param p) {
        switch (p.type()) {
            case INT -> integer(p);
            case SIZE -> size(p);
            case TIME -> time(p);
            case BOOL -> bool(p);
            default -> get(p.name());
        }
    }

    // ------------------------------------------------------------------ expansion

    private String expand(String name, Set<String> active) {
        if (!active.add(name)) {
            throw new ConfigException("parameter " + name + ": recursion loop in macro expansion");
        }
        try {
            String v = rawValue(name);
            return v == null ? "" : expandText(v, active);
        } finally {
            active.remove(name);
        }
    }

    /** Expands {@code $name} references in arbitrary text (for master.cf and table values). */
    public String expandText(String text) {
        return expandText(text, new HashSet<>());
    }

    private String expandText(String text, Set<String> active) {
        try {
            return MacroExpand.expand(text, name -> expand(name, active));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    // ------------------------------------------------------------------ computed defaults

    private String computedDefault(String name) {
        return switch (name) {
            case "myhostname" -> {
                String h = hostName();
                yield h.indexOf('.') > 0 ? h : h + ".$mydomain";
            }
            case "mydomain" -> {
                String h = raw.containsKey(Params.MYHOSTNAME.name()) ? expandText(raw.get(Params.MYHOSTNAME.name())) : hostName();
                int dot = h.indexOf('.');
                yield dot > 0 && dot < h.length() - 1 ? h.substring(dot + 1) : "localdomain";
            }
            case "mynetworks" -> String.join(" ", HostInfo.networks(get(Params.MYNETWORKS_STYLE.name())));
            default -> "";
        };
    }

    /** Facts about this host that defaults are computed from. */
    static final class HostInfo {
        private static volatile String hostName;

        static String hostName() {
            String h = hostName;
            if (h == null) {
                try {
                    h = InetAddress.getLocalHost().getHostName();
                } catch (UnknownHostException e) {
                    h = "localhost";
                }
                hostName = h.toLowerCase(Locale.ROOT);
            }
            return hostName;
        }

        static List<String> networks(String style) {
            Set<String> out = new LinkedHashSet<>();
            try {
                for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    if (!nif.isUp()) continue;
                    for (InterfaceAddress ia : nif.getInterfaceAddresses()) {
                        InetAddress a = ia.getAddress();
                        if (a instanceof Inet6Address && a.isLinkLocalAddress()) continue;
                        int bits = a instanceof Inet6Address ? 128 : 32;
                        if (!style.equals("host")) bits = Math.max(0, ia.getNetworkPrefixLength());
                        String net = Cidr.networkOf(a, bits);
                        out.add(a instanceof Inet6Address ? "[" + net + "]/" + bits : net + "/" + bits);
                    }
                }
            } catch (SocketException e) {
                out.add("127.0.0.0/8");
            }
            if (out.isEmpty()) out.add("127.0.0.0/8");
            return new ArrayList<>(out);
        }
    }
}
