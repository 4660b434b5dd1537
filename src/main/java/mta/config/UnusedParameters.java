package mta.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * UnusedParameters - the "unused parameter" warnings of postconf and {@code postfix check}.
 *
 * <p>Reads the raw values of main.cf and master.cf; writes nothing. As in Postfix, a name set in
 * main.cf or with {@code -o} in master.cf is used when it is a built-in parameter (this system's
 * {@link Params} or another Postfix 3.7 parameter, {@link PostfixParameters}), a parameter that a
 * master.cf service defines ({@link ServiceParameters}: {@code smtp-amavis_destination_recipient_limit}),
 * a name referenced as {@code $name} in any value of either file (a user-defined parameter such as
 * {@code dkim_milter = inet:localhost:8891} used in {@code smtpd_milters = $dkim_milter}), or a
 * restriction class named in {@code smtpd_restriction_classes}. Anything else gets
 * {@code FILE: unused parameter: name=value}: usually a misspelling. A {@code $name} reference to
 * a parameter defined nowhere gets {@code FILE: undefined parameter: name}.
 */
public final class UnusedParameters {
    private UnusedParameters() {}

    private static final Pattern REFERENCE = Pattern.compile("\\$[{(]?([A-Za-z0-9_]+)");

    /**
     * All warnings, in Postfix's wording: first references to parameters that are defined nowhere
     * ({@code FILE: undefined parameter: name}), then names nothing uses
     * ({@code FILE: unused parameter: name=value}); main.cf before master.cf. {@code mainCfName} and
     * {@code masterCfName} are the files as the warnings should name them; {@code masterCf} may be null.
     */
    public static List<String> warnings(String mainCfName, Map<String, String> mainCf, String masterCfName,
                                        MasterCf masterCf) {
        List<String> out = new ArrayList<>(undefined(mainCfName, mainCf, masterCfName, masterCf));
        out.addAll(unused(mainCfName, mainCf, masterCfName, masterCf));
        return out;
    }

    /** {@code FILE: undefined parameter: name} for each $name that nothing defines. */
    public static List<String> undefined(String mainCfName, Map<String, String> mainCf, String masterCfName,
                                         MasterCf masterCf) {
        Set<String> serviceDefined = masterCf == null ? Set.of() : ServiceParameters.of(masterCf).keySet();
        List<String> out = new ArrayList<>();
        for (String n : mainReferences(mainCf)) {
            if (!builtIn(n) && !serviceDefined.contains(n) && !mainCf.containsKey(n)) {
                out.add(mainCfName + ": undefined parameter: " + n);
            }
        }
        for (String n : masterReferences(masterCf)) {
            if (!builtIn(n) && !serviceDefined.contains(n) && !mainCf.containsKey(n)) {
                out.add(masterCfName + ": undefined parameter: " + n);
            }
        }
        return out;
    }

    /** {@code FILE: unused parameter: name=value} for each name set in main.cf or with -o that nothing uses. */
    public static List<String> unused(String mainCfName, Map<String, String> mainCf, String masterCfName,
                                      MasterCf masterCf) {
        Set<String> used = new HashSet<>(masterCf == null ? Set.of() : ServiceParameters.of(masterCf).keySet());
        String classes = mainCf.get("smtpd_restriction_classes");
        if (classes != null) used.addAll(Config.splitList(classes));
        used.addAll(mainReferences(mainCf));
        used.addAll(masterReferences(masterCf));
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : mainCf.entrySet()) {
            if (!known(e.getKey(), used)) out.add(mainCfName + ": unused parameter: " + e.getKey() + "=" + e.getValue());
        }
        if (masterCf != null) {
            for (MasterCf.Service s : masterCf.services()) {
                for (Map.Entry<String, String> e : s.overrides().entrySet()) {
                    if (!known(e.getKey(), used)) {
                        out.add(masterCfName + ": unused parameter: " + e.getKey() + "=" + e.getValue());
                    }
                }
            }
        }
        return out;
    }

    private static Set<String> mainReferences(Map<String, String> mainCf) {
        Set<String> refs = new LinkedHashSet<>();
        for (String v : mainCf.values()) references(v, refs);
        return refs;
    }

    private static Set<String> masterReferences(MasterCf masterCf) {
        Set<String> refs = new LinkedHashSet<>();
        if (masterCf == null) return refs;
        for (MasterCf.Service s : masterCf.services()) {
            for (String v : s.overrides().values()) references(v, refs);
        }
        return refs;
    }

    /** The user-defined parameters: set in main.cf, not built in, and referenced as $name somewhere. */
    public static Set<String> userDefined(Map<String, String> mainCf, MasterCf masterCf) {
        Set<String> refs = new HashSet<>();
        for (String v : mainCf.values()) references(v, refs);
        if (masterCf != null) {
            for (MasterCf.Service s : masterCf.services()) {
                for (String v : s.overrides().values()) references(v, refs);
            }
        }
        String classes = mainCf.get("smtpd_restriction_classes");
        if (classes != null) refs.addAll(Config.splitList(classes));
        Set<String> out = new LinkedHashSet<>();
        for (String n : mainCf.keySet()) if (!builtIn(n) && refs.contains(n)) out.add(n);
        return out;
    }

    /** True when {@code name} is a parameter of this system or of Postfix (not user- or service-defined). */
    public static boolean builtIn(String name) {
        return Params.byName(name) != null || PostfixParameters.known(name);
    }

    private static boolean known(String name, Set<String> used) {
        return builtIn(name) || used.contains(name);
    }

    private static void references(String value, Set<String> into) {
        if (value.indexOf('$') < 0) return;
        Matcher m = REFERENCE.matcher(value);
        while (m.find()) into.add(m.group(1));
    }
}
