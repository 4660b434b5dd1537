package mta.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import mta.config.Config;
import mta.config.MasterCf;

/**
 * PostconfMaster - shows master.cf as {@code postconf -M}, {@code -F} and {@code -P} do.
 *
 * <p>Reads the parsed master.cf and main.cf's values (for {@code -x}); prints to standard output.
 * {@code -M [name[/type] ...]}: whole entries, in aligned columns ({@code -f}: folded).
 * {@code -F [name[/type[/field]] ...]}: one line per field, {@code name/type/field = value}, for the
 * fields service, type, private, unprivileged, chroot, wakeup, process_limit and command (with its
 * arguments). {@code -P [name[/type[/parameter]] ...]}: the {@code -o} parameters,
 * {@code name/type/parameter = value}, sorted by parameter within a service. Services come in
 * master.cf order; with {@code -F} and {@code -P} each pattern that matches a service prints its
 * part, in argument order. A pattern that matches nothing gives
 * {@code warning: unmatched request: "pattern"}. {@code -x} expands the {@code -o} values, with
 * {@code $service_name} set to the service's name; {@code -h} prints values without names.
 */
final class PostconfMaster {
    static final List<String> FIELDS =
            List.of("service", "type", "private", "unprivileged", "chroot", "wakeup", "process_limit", "command");

    private final List<MasterCf.Service> services;
    private final Map<String, String> mainCf;
    private final PrintStream out;
    private final PrintStream err;

    PostconfMaster(List<MasterCf.Service> services, Map<String, String> mainCf, PrintStream out, PrintStream err) {
        this.services = services;
        this.mainCf = mainCf;
        this.out = out;
        this.err = err;
    }

    /** {@code postconf -M}: whole entries. */
    void entries(List<String> args, boolean fold, boolean expand) {
        List<ServicePattern> patterns = patterns(args);
        for (ServicePattern p : patterns) {
            if (p.parts() > 2) throw new Postconf.Fatal("-M option requires service_name[/type]");
        }
        boolean[] used = new boolean[patterns.size()];
        for (MasterCf.Service s : services) {
            boolean match = patterns.isEmpty();
            for (int i = 0; i < patterns.size(); i++) {
                if (patterns.get(i).matches(s.name(), s.type())) {
                    used[i] = true;
                    match = true;
                }
            }
            if (!match) continue;
            UnaryOperator<String> x = expander(s, expand);
            if (fold) MasterCfFormat.folded(s.fields(), x).forEach(out::println);
            else out.println(MasterCfFormat.line(s.fields(), x));
        }
        unmatched(patterns, used);
    }

    /** {@code postconf -F}: fields. */
    void fields(List<String> args, boolean valuesOnly, boolean expand) {
        List<ServicePattern> patterns = patterns(args);
        for (ServicePattern p : patterns) {
            if (p.attribute() != null && !p.attribute().equals("*") && !FIELDS.contains(p.attribute())) {
                throw new Postconf.Fatal("invalid service attribute name: \"" + p.attribute() + "\"");
            }
        }
        boolean[] used = new boolean[patterns.size()];
        for (MasterCf.Service s : services) {
            Map<String, String> values = fieldValues(s, expander(s, expand));
            for (int i = 0; i < Math.max(1, patterns.size()); i++) {
                ServicePattern p = patterns.isEmpty() ? null : patterns.get(i);
                if (p != null && !p.matches(s.name(), s.type())) continue;
                if (p != null) used[i] = true;
                for (Map.Entry<String, String> f : values.entrySet()) {
                    if (p == null || p.matchesAttribute(f.getKey())) print(s, f.getKey(), f.getValue(), valuesOnly);
                }
            }
        }
        unmatched(patterns, used);
    }

    /** {@code postconf -P}: the -o parameters. */
    void parameters(List<String> args, boolean valuesOnly, boolean expand) {
        List<ServicePattern> patterns = patterns(args);
        boolean[] used = new boolean[patterns.size()];
        for (MasterCf.Service s : services) {
            Map<String, String> params = new TreeMap<>(s.overrides());
            UnaryOperator<String> x = expander(s, expand);
            for (int i = 0; i < Math.max(1, patterns.size()); i++) {
                ServicePattern p = patterns.isEmpty() ? null : patterns.get(i);
                if (p != null && !p.matches(s.name(), s.type())) continue;
                for (Map.Entry<String, String> e : params.entrySet()) {
                    if (p != null && !p.matchesAttribute(e.getKey())) continue;
                    if (p != null) used[i] = true;
                    print(s, e.getKey(), x.apply(e.getValue()), valuesOnly);
                }
            }
        }
        unmatched(patterns, used);
    }

    /** The eight fields of an entry as {@code -F} shows them. */
    static Map<String, String> fieldValues(MasterCf.Service s, UnaryOperator<String> expand) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < 7; i++) m.put(FIELDS.get(i), s.fields().get(i));
        m.put("command", MasterCfFormat.command(s.fields(), expand));
        return m;
    }

    private void print(MasterCf.Service s, String name, String value, boolean valuesOnly) {
        if (valuesOnly) out.println(value);
        else out.println(s.key() + "/" + name + " = " + value);
    }

    /** Expands -o values as main.cf would, with $service_name set ({@code -x}); otherwise leaves them. */
    private UnaryOperator<String> expander(MasterCf.Service s, boolean expand) {
        if (!expand) return UnaryOperator.identity();
        Map<String, String> values = new LinkedHashMap<>(mainCf);
        values.put("service_name", s.name());
        Config c = Config.of(values);
        return c::expandText;
    }

    private static List<ServicePattern> patterns(List<String> args) {
        List<ServicePattern> out = new ArrayList<>();
        for (String a : args) out.add(ServicePattern.parse(a));
        return out;
    }

    private void unmatched(List<ServicePattern> patterns, boolean[] used) {
        for (int i = 0; i < patterns.size(); i++) {
            if (!used[i]) err.println("postconf: warning: unmatched request: \"" + patterns.get(i).text() + "\"");
        }
    }
}
