package mta.smtpd;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.Params;

/**
 * SmtpdRestrictionClasses - the restriction classes of {@code smtpd_restriction_classes}.
 *
 * <p>Reads {@code smtpd_restriction_classes} and, for each name it lists, the main.cf parameter of
 * that name (expanded, with the listener's {@code -o} overrides), whose value is a restriction
 * list: {@code permissive = permit} makes {@code permissive} a restriction word, usually the
 * result of an access table ({@code example.com permissive}). Writes nothing. Each class is parsed
 * once, when a list first names it; a class without a definition, an unknown word in a class and
 * a class that names itself (directly or through others) are fatal configuration errors.
 */
final class SmtpdRestrictionClasses {
    /** No classes: every word must be a built-in restriction. */
    static final SmtpdRestrictionClasses NONE = new SmtpdRestrictionClasses(Set.of(), Map.of());

    private final Set<String> names;
    private final Map<String, String> definitions;
    private final Map<String, SmtpdRestrictions> parsed = new HashMap<>();
    private final Set<String> parsing = new HashSet<>();

    private SmtpdRestrictionClasses(Set<String> names, Map<String, String> definitions) {
        this.names = names;
        this.definitions = definitions;
    }

    /** The classes that {@code c} defines. */
    static SmtpdRestrictionClasses of(Config c) {
        Set<String> names = new LinkedHashSet<>(c.list(Params.SMTPD_RESTRICTION_CLASSES));
        Map<String, String> defs = new HashMap<>();
        for (String n : names) defs.put(n, c.get(n));
        return new SmtpdRestrictionClasses(names, defs);
    }

    /** True when {@code word} is the name of a class (names are case-sensitive, as in Postfix). */
    boolean defines(String word) {
        return names.contains(word);
    }

    /** The list of class {@code name}, parsed on first use. */
    synchronized SmtpdRestrictions parse(String name) {
        SmtpdRestrictions list = parsed.get(name);
        if (list != null) return list;
        String value = definitions.get(name);
        if (value == null || value.isBlank()) {
            throw new ConfigException("restriction class `" + name + "' needs a definition");
        }
        if (!parsing.add(name)) {
            throw new ConfigException("restriction class `" + name + "' names itself");
        }
        try {
            list = SmtpdRestrictions.parse(name, Config.splitList(value), this);
        } finally {
            parsing.remove(name);
        }
        parsed.put(name, list);
        return list;
    }

    /** The parsed list of a class that a list names (parsed by then). */
    synchronized SmtpdRestrictions get(String name) {
        return parsed.get(name);
    }

    /** The class names, as smtpd_restriction_classes lists them. */
    List<String> names() {
        return List.copyOf(names);
    }
}
