package mta.mail;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * DsnNotify - one recipient's RFC 3461 NOTIFY request: which notices its sender wants.
 *
 * <p>Reads the value as stored in the queue file ({@code n} record) or given to
 * {@code sendmail -N}: {@code NEVER}, or a comma list of {@code SUCCESS}, {@code FAILURE} and
 * {@code DELAY}. Absent (null) means the RFC's default: failures and delays, no success report.
 * When NOTIFY is given, only what it lists is sent.
 */
public record DsnNotify(boolean success, boolean failure, boolean delay) {
    /** No NOTIFY given: failure and delay notices, as if there were no DSN extension. */
    public static final DsnNotify DEFAULT = new DsnNotify(false, true, true);
    public static final DsnNotify NEVER = new DsnNotify(false, false, false);

    /** The request for a stored value; null or unparsable gives {@link #DEFAULT}. */
    public static DsnNotify of(String value) {
        String v = normalize(value);
        if (v == null) return DEFAULT;
        if (v.equals("NEVER")) return NEVER;
        Set<String> words = Set.of(v.split(","));
        return new DsnNotify(words.contains("SUCCESS"), words.contains("FAILURE"), words.contains("DELAY"));
    }

    /**
     * The value in its stored form, upper case: {@code NEVER}, or distinct words from SUCCESS,
     * FAILURE, DELAY; null when it is none of these (NEVER mixed with others, repeats, empty words).
     */
    public static String normalize(String value) {
        if (value == null || value.isEmpty()) return null;
        String v = value.toUpperCase(Locale.ROOT);
        if (v.equals("NEVER")) return v;
        Set<String> seen = new HashSet<>();
        for (String word : v.split(",", -1)) {
            if (!(word.equals("SUCCESS") || word.equals("FAILURE") || word.equals("DELAY")) || !seen.add(word)) {
                return null;
            }
        }
        return v;
    }
}
