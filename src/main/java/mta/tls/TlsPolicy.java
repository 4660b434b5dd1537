package mta.tls;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * TlsPolicy - one entry of {@code smtp_tls_policy_maps}: a security level and the attributes that
 * override main.cf for one next-hop destination.
 *
 * <p>Reads the table's value text, such as {@code secure match=.example.net:example.net
 * protocols=>=TLSv1.2 ciphers=high} (words separated by white space or commas; in attribute
 * values the list separator is a colon). Writes nothing; problems are reported in Postfix's words
 * ({@code invalid security level "foo"}, {@code attribute "match" invalid at security level "may"})
 * through {@link InvalidPolicy}, and attributes that TLS off makes meaningless are warned about.
 * An attribute that is not set is null (or empty for the lists), and main.cf applies.
 */
public record TlsPolicy(TlsLevel level, List<String> protocols, String ciphers, List<String> exclude,
                        List<String> match, List<String> tafiles, String servername) {

    /** A policy that cannot be used: the delivery is deferred ("client TLS configuration problem"). */
    public static final class InvalidPolicy extends Exception {
        public InvalidPolicy(String message) {
            super(message);
        }
    }

    /** Only a level, every attribute from main.cf. */
    public static TlsPolicy of(TlsLevel level) {
        return new TlsPolicy(level, null, null, null, List.of(), List.of(), null);
    }

    /** The same attributes at another level (DANE falls back to may or encrypt). */
    public TlsPolicy withLevel(TlsLevel other) {
        return new TlsPolicy(other, protocols, ciphers, exclude, match, tafiles, servername);
    }

    /**
     * Parses a policy-table value.
     *
     * @param warn receives warnings that do not invalidate the policy
     * @throws InvalidPolicy with Postfix's message for a policy that must not be used
     */
    public static TlsPolicy parse(String value, Consumer<String> warn) throws InvalidPolicy {
        List<String> words = new ArrayList<>();
        for (String w : value.split("[\\s,]+")) if (!w.isEmpty()) words.add(w);
        if (words.isEmpty()) throw new InvalidPolicy("invalid empty policy");
        TlsLevel level = TlsLevel.parse(words.get(0));
        if (level == null) throw new InvalidPolicy("invalid security level \"" + words.get(0) + "\"");
        if (level == TlsLevel.NONE) {
            for (String w : words.subList(1, words.size())) warn.accept("ignoring attribute \"" + w + "\" with TLS disabled");
            return of(level);
        }
        List<String> protocols = null;
        String ciphers = null;
        List<String> exclude = null;
        String servername = null;
        List<String> match = new ArrayList<>();
        List<String> tafiles = new ArrayList<>();
        for (String w : words.subList(1, words.size())) {
            int eq = w.indexOf('=');
            if (eq <= 0) throw new InvalidPolicy("malformed attribute/value pair \"" + w + "\": missing '='");
            String name = w.substring(0, eq).toLowerCase(Locale.ROOT);
            String val = w.substring(eq + 1);
            switch (name) {
                case "ciphers" -> {
                    nonEmpty(name, val);
                    once(name, ciphers);
                    ciphers = val;
                }
                case "protocols" -> {
                    once(name, protocols);
                    protocols = colonList(val);
                }
                case "exclude" -> {
                    once(name, exclude);
                    exclude = colonList(val);
                }
                case "servername" -> {
                    nonEmpty(name, val);
                    once(name, servername);
                    servername = val;
                }
                case "connection_reuse" -> {
                    if (!val.equalsIgnoreCase("yes") && !val.equalsIgnoreCase("no")) {
                        throw new InvalidPolicy("malformed attribute/value pair \"" + w + "\": yes or no expected");
                    }
                }
                case "match" -> {
                    nonEmpty(name, val);
                    switch (level) {
                        case FINGERPRINT -> match.addAll(List.of(val.split("\\|")));
                        case VERIFY, SECURE -> match.addAll(colonList(val));
                        default -> throw new InvalidPolicy("attribute \"" + name + "\" invalid at security level \""
                                + level.word() + "\"");
                    }
                }
                case "tafile" -> {
                    if (level != TlsLevel.VERIFY && level != TlsLevel.SECURE) {
                        throw new InvalidPolicy("attribute \"" + name + "\" invalid at security level \""
                                + level.word() + "\"");
                    }
                    nonEmpty(name, val);
                    tafiles.add(val);
                }
                default -> throw new InvalidPolicy("invalid attribute name: \"" + name + "\"");
            }
        }
        return new TlsPolicy(level, protocols, ciphers, exclude, List.copyOf(match), List.copyOf(tafiles), servername);
    }

    private static void nonEmpty(String name, String val) throws InvalidPolicy {
        if (val.isEmpty()) throw new InvalidPolicy("attribute \"" + name + "\" has empty value");
    }

    private static void once(String name, Object previous) throws InvalidPolicy {
        if (previous != null) throw new InvalidPolicy("attribute \"" + name + "\" is specified multiple times");
    }

    private static List<String> colonList(String val) {
        List<String> out = new ArrayList<>();
        for (String p : val.split(":")) if (!p.isEmpty()) out.add(p);
        return List.copyOf(out);
    }
}
