package mta.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PostfixParameters - every parameter name Postfix 3.7 knows, with its default, for the ones this
 * system does not implement.
 *
 * <p>Reads the resource {@code postfix-parameters.cf} (Postfix 3.7's {@code postconf -d} list,
 * compatibility-level forms given at level 3.6) once, on first use. {@link Params} stays the
 * registry of what this system implements; this list lets {@code postconf} show any Postfix
 * parameter with Postfix's default, lets {@code $name} of such a parameter expand to that default,
 * and tells an unknown (misspelled) name from a Postfix one that is accepted but not acted on,
 * which {@code postfix check} reports.
 */
public final class PostfixParameters {
    private PostfixParameters() {}

    private static final class Holder {
        /** The names postconf -d lists, then (after the "# legacy" line) old names of renamed ones. */
        static final Map<String, String> DEFAULTS = new LinkedHashMap<>();
        static final Map<String, String> LEGACY = new LinkedHashMap<>();

        static {
            try (InputStream in = PostfixParameters.class.getResourceAsStream("postfix-parameters.cf");
                 BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                Map<String, String> into = DEFAULTS;
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("# legacy")) into = LEGACY;
                    if (line.isEmpty() || line.startsWith("#")) continue;
                    int eq = line.indexOf(" =");
                    into.put(line.substring(0, eq), line.substring(eq + 2).strip());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** True when Postfix 3.7 has a built-in parameter of this name (old names of renamed ones included). */
    public static boolean known(String name) {
        return Holder.DEFAULTS.containsKey(name) || Holder.LEGACY.containsKey(name);
    }

    /** Postfix's default text (unexpanded), or null for a name Postfix does not know. */
    public static String defaultValue(String name) {
        String v = Holder.DEFAULTS.get(name);
        return v != null ? v : Holder.LEGACY.get(name);
    }

    /** The names {@code postconf -d} lists, with their defaults, sorted by name. */
    public static Map<String, String> all() {
        return Collections.unmodifiableMap(Holder.DEFAULTS);
    }
}
