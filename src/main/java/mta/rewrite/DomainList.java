package mta.rewrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mta.config.ConfigException;
import mta.lookup.Table;
import mta.lookup.TableException;
import mta.lookup.Tables;

/**
 * DomainList - a list of domains as Postfix parameters write it: names, {@code .parent} forms and tables.
 *
 * <p>Reads one list value ({@code mydestination}, {@code relay_domains},
 * {@code virtual_alias_domains}, {@code virtual_mailbox_domains}, {@code fast_flush_domains}); a {@code type:name} element is a
 * table whose keys are domains (the value is ignored, as in {@code example.com  anything}), a
 * {@code !name} element excludes that domain; {@code /file/name} elements arrive already replaced
 * by the words of the file (Config.list). Writes nothing. A domain matches itself; its
 * subdomains match a {@code .example.com} element, or a plain {@code example.com} element when the
 * parameter is listed in {@code parent_domain_matches_subdomains}.
 */
public final class DomainList {
    private record Element(String name, Table table, boolean negated) {}

    private final List<Element> elements = new ArrayList<>();
    private final boolean parentMatchesSubdomains;

    public DomainList(String parameter, List<String> values, boolean parentMatchesSubdomains) {
        this.parentMatchesSubdomains = parentMatchesSubdomains;
        for (String v : values) {
            boolean negated = v.startsWith("!");
            String e = negated ? v.substring(1) : v;
            if (e.isEmpty()) continue;
            if (e.indexOf(':') > 0 && !e.startsWith("[")) {
                try {
                    elements.add(new Element(e, Tables.open(e), negated));
                } catch (TableException ex) {
                    throw new ConfigException("parameter " + parameter + ": " + ex.getMessage());
                }
            } else {
                elements.add(new Element(e.toLowerCase(Locale.ROOT), null, negated));
            }
        }
    }

    public boolean isEmpty() {
        return elements.isEmpty();
    }

    /**
     * True when {@code domain} is in the list; the first element that matches decides.
     *
     * @throws mta.lookup.TableException when a table of the list cannot be read
     */
    public boolean contains(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) d = d.substring(0, d.length() - 1);
        for (Element e : elements) {
            if (matches(e, d)) return !e.negated();
        }
        return false;
    }

    private boolean matches(Element e, String d) {
        for (String key : keys(d)) {
            if (e.table() != null ? e.table().get(key) != null : e.name().equals(key)) return true;
        }
        return false;
    }

    /** {@code a.example.com}, then {@code .example.com} or {@code example.com}, then {@code .com} or {@code com}. */
    private List<String> keys(String d) {
        List<String> keys = new ArrayList<>();
        keys.add(d);
        for (int dot = d.indexOf('.'); dot >= 0 && dot + 1 < d.length(); dot = d.indexOf('.', dot + 1)) {
            keys.add(d.substring(dot));                                       // .parent always matches subdomains
            if (parentMatchesSubdomains) keys.add(d.substring(dot + 1));
        }
        return keys;
    }
}
