package mta.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * CommandAttributes - the {@code name=value} attributes that end a master.cf {@code pipe} or
 * {@code spawn} entry: {@code flags=DRhu user=vmail argv=/usr/bin/maildrop -d ${recipient}}.
 *
 * <p>Reads the words after the program name ({@link MasterCf.Service#args()}); writes nothing.
 * Attribute names are matched without regard to case, as pipe(8) and spawn(8) do; {@code argv=}
 * must come last and takes every word after it: its value is the program, the following words its
 * arguments. A word written as {@code { text with spaces }} is one argument without the braces
 * (Postfix 3.0 syntax). Each program says which names it knows; an unknown name, a missing
 * {@code user=} or a missing {@code argv=} is a {@link ConfigException}.
 *
 * @param values the attributes before {@code argv=}, by lower-case name (the last one wins)
 * @param argv   the command and its arguments, macros not yet expanded
 */
public record CommandAttributes(Map<String, String> values, List<String> argv) {

    /**
     * Parses the attributes of {@code service}; {@code known} are the names (without {@code =})
     * that the program accepts besides {@code user} and {@code argv}.
     */
    public static CommandAttributes parse(String service, List<String> args, Set<String> known) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> argv = null;
        for (int i = 0; i < args.size(); i++) {
            String word = unbrace(args.get(i));
            int eq = word.indexOf('=');
            String name = eq > 0 ? word.substring(0, eq).toLowerCase(Locale.ROOT) : "";
            if (name.equals("argv")) {
                argv = new ArrayList<>();
                String first = word.substring(eq + 1);
                if (!first.isEmpty()) argv.add(first);
                for (int j = i + 1; j < args.size(); j++) argv.add(unbrace(args.get(j)));
                break;
            }
            if (!name.equals("user") && !known.contains(name)) {
                throw new ConfigException("service " + service + ": unknown attribute name: " + word);
            }
            values.put(name, word.substring(eq + 1));
        }
        if (!values.containsKey("user")) throw new ConfigException("service " + service + ": missing user= attribute");
        if (argv == null || argv.isEmpty()) {
            throw new ConfigException("service " + service + ": missing argv= attribute");
        }
        return new CommandAttributes(Map.copyOf(values), List.copyOf(argv));
    }

    /** The value of an attribute, or {@code fallback} when it is not given. */
    public String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** The {@code user=} attribute as written: {@code name} or {@code name:group}. */
    public String user() {
        return values.get("user");
    }

    /**
     * How long a command of {@code service} may run: {@code SERVICE_time_limit} when main.cf (or an
     * -o override) sets it, else {@code command_time_limit}.
     */
    public static Duration timeLimit(Config c, String service) {
        String name = service + "_time_limit";
        if (!c.isSet(name)) return c.time(Params.COMMAND_TIME_LIMIT);
        String v = c.get(name);
        try {
            Duration d = mta.util.Durations.parse(v, 's');
            if (d.toSeconds() >= 1) return d;
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new ConfigException("invalid time value: " + name + " = " + v);
    }

    /** {@code { a b }} is the one word {@code a b}: white space after "{" and before "}" is dropped. */
    static String unbrace(String word) {
        if (word.length() >= 2 && word.startsWith("{") && word.endsWith("}")) {
            return word.substring(1, word.length() - 1).strip();
        }
        return word;
    }
}
