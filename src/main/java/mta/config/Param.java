package mta.config;

/**
 * Param - one main.cf parameter: Postfix's name, its type, default, bounds and a line of doc.
 *
 * <p>Declared once, in {@link Params}; read through {@link Config}. The default is main.cf text
 * and is expanded like any value, so {@code "$myhostname"} or {@code "${stress?{10}:{300}}s"}
 * work as defaults. {@code unit} is the default unit of a time value.
 */
public record Param(String name, Type type, String defaultValue, long min, long max, char unit, String doc) {
    /**
     * What a value means, which decides how {@link Config} checks and converts it. PATTERNS is a
     * list whose {@code /file/name} elements stand for the words in that file (Postfix's domain,
     * host and network lists); NAME_OR_FILE is a value that, when it starts with {@code /}, names
     * a file whose first word is the value (Debian's {@code myorigin = /etc/mailname}).
     */
    public enum Type { STRING, INT, SIZE, TIME, BOOL, LIST, TABLES, PATH, PATTERNS, NAME_OR_FILE }

    public static Param string(String name, String def, String doc) {
        return new Param(name, Type.STRING, def, 0, 0, ' ', doc);
    }

    public static Param path(String name, String def, String doc) {
        return new Param(name, Type.PATH, def, 0, 0, ' ', doc);
    }

    public static Param list(String name, String def, String doc) {
        return new Param(name, Type.LIST, def, 0, 0, ' ', doc);
    }

    public static Param patterns(String name, String def, String doc) {
        return new Param(name, Type.PATTERNS, def, 0, 0, ' ', doc);
    }

    public static Param nameOrFile(String name, String def, String doc) {
        return new Param(name, Type.NAME_OR_FILE, def, 0, 0, ' ', doc);
    }

    public static Param tables(String name, String def, String doc) {
        return new Param(name, Type.TABLES, def, 0, 0, ' ', doc);
    }

    public static Param integer(String name, String def, long min, long max, String doc) {
        return new Param(name, Type.INT, def, min, max, ' ', doc);
    }

    public static Param size(String name, String def, long min, long max, String doc) {
        return new Param(name, Type.SIZE, def, min, max, ' ', doc);
    }

    public static Param time(String name, String def, char unit, long minSeconds, long maxSeconds, String doc) {
        return new Param(name, Type.TIME, def, minSeconds, maxSeconds, unit, doc);
    }

    public static Param bool(String name, String def, String doc) {
        return new Param(name, Type.BOOL, def, 0, 0, ' ', doc);
    }
}
