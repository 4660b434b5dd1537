package mta.smtp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import mta.config.ConfigException;
import mta.lookup.Table;
import mta.lookup.TableException;
import mta.lookup.Tables;

/**
 * SmtpSaslMechanisms - which SASL mechanism the SMTP client may use with a server.
 *
 * <p>Reads {@code smtp_sasl_mechanism_filter} (names, {@code !name} exclusions, {@code /file/name}
 * with more of the same, {@code type:table} whose keys are names; the first pattern that matches
 * decides, and a mechanism no pattern matches is left out) and the security options of the session
 * ({@code smtp_sasl_security_options} outside TLS, {@code smtp_sasl_tls_security_options} inside,
 * {@code smtp_sasl_tls_verified_security_options} with a verified certificate). The mechanisms
 * built in are PLAIN (RFC 4616) and LOGIN, both of which send the password itself: the options
 * {@code noplaintext}, {@code noactive}, {@code nodictionary} and {@code mutual_auth} exclude them, as
 * the Cyrus library excludes them for Postfix; {@code noanonymous} does not. Writes nothing.
 */
final class SmtpSaslMechanisms {
    /** The mechanisms built in, in the order they are preferred. */
    static final List<String> BUILT_IN = List.of("PLAIN", "LOGIN");
    /** The security options that rule out mechanisms which send the password itself. */
    private static final Set<String> EXCLUDE_PASSWORD_MECHANISMS = Set.of("noplaintext", "noactive", "nodictionary",
            "mutual_auth");
    private static final Set<String> KNOWN_OPTIONS = Set.of("noplaintext", "noactive", "nodictionary", "mutual_auth",
            "noanonymous", "forward_secrecy");

    private final List<String> filter;
    private final List<Table> filterTables = new ArrayList<>();

    SmtpSaslMechanisms(String parameter, List<String> filter) {
        List<String> patterns = new ArrayList<>();
        for (String f : filter) {
            boolean not = f.startsWith("!");
            String body = not ? f.substring(1) : f;
            if (body.startsWith("/")) {
                try {
                    for (String line : Files.readAllLines(Path.of(body))) {
                        for (String w : line.replaceAll("#.*", "").split("[\\s,]+")) {
                            if (!w.isEmpty()) patterns.add(not ? "!" + w : w);
                        }
                    }
                } catch (IOException e) {
                    throw new ConfigException("parameter " + parameter + ": cannot read " + body + ": " + e.getMessage());
                }
            } else {
                patterns.add(f);
            }
        }
        for (String p : patterns) {
            String body = p.startsWith("!") ? p.substring(1) : p;
            if (Tables.type(body) != null) {
                try {
                    filterTables.add(Tables.open(body));
                } catch (TableException e) {
                    throw new ConfigException("parameter " + parameter + ": " + e.getMessage());
                }
            } else {
                filterTables.add(null);
            }
        }
        this.filter = List.copyOf(patterns);
    }

    /** Unknown words in a security options list, for a warning; empty when all are known. */
    static List<String> unknownOptions(List<String> options) {
        return options.stream().filter(o -> !KNOWN_OPTIONS.contains(o.toLowerCase(Locale.ROOT))).toList();
    }

    /**
     * The mechanisms to try with a server that offers {@code offered}, under {@code options}, best
     * first; empty when none may be used.
     */
    List<String> usable(List<String> offered, List<String> options) {
        for (String o : options) {
            if (EXCLUDE_PASSWORD_MECHANISMS.contains(o.toLowerCase(Locale.ROOT))) return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String m : BUILT_IN) {
            if (offered.contains(m) && passesFilter(m)) out.add(m);
        }
        return out;
    }

    private boolean passesFilter(String mechanism) {
        if (filter.isEmpty()) return true;
        for (int i = 0; i < filter.size(); i++) {
            String p = filter.get(i);
            boolean not = p.startsWith("!");
            String body = not ? p.substring(1) : p;
            Table t = filterTables.get(i);
            boolean matches = t != null ? t.get(mechanism) != null : body.equalsIgnoreCase(mechanism);
            if (matches) return !not;
        }
        return false;
    }
}
