package mta.util;

import java.time.Duration;

/**
 * Durations - parses Postfix time values: a number and an optional unit (s, m, h, d, w).
 *
 * <p>Reads only its argument. The default unit is the parameter's own (for example {@code s} for
 * {@code queue_run_delay}, {@code d} for {@code maximal_queue_lifetime}).
 */
public final class Durations {
    private Durations() {}

    /** Parses {@code text} with {@code defaultUnit} for a bare number; throws IllegalArgumentException. */
    public static Duration parse(String text, char defaultUnit) {
        String t = text.trim();
        if (t.isEmpty()) throw new IllegalArgumentException("empty time value");
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) i++;
        if (i == 0) throw new IllegalArgumentException("bad time value: " + text);
        long n;
        try {
            n = Long.parseLong(t.substring(0, i));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad time value: " + text);
        }
        char unit = i < t.length() ? Character.toLowerCase(t.charAt(i)) : defaultUnit;
        if (i < t.length() - 1) throw new IllegalArgumentException("bad time value: " + text);
        long seconds = switch (unit) {
            case 's' -> n;
            case 'm' -> n * 60;
            case 'h' -> n * 3600;
            case 'd' -> n * 86400;
            case 'w' -> n * 7 * 86400;
            default -> throw new IllegalArgumentException("bad time unit in: " + text);
        };
        return Duration.ofSeconds(seconds);
    }

    /** Formats a duration in whole seconds, as Postfix prints time parameters ("300s"). */
    public static String format(Duration d) {
        return d.toSeconds() + "s";
    }
}
