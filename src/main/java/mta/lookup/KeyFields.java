package mta.lookup;

/**
 * KeyFields - the parts of a lookup key (or of a result value) that Postfix's {@code %}
 * expansions name: {@code %s} the whole text, {@code %u} the local part, {@code %d} the domain,
 * {@code %1}...{@code %9} the domain's labels from the right.
 *
 * <p>Reads and writes nothing but strings. The text is split at its last {@code @}. A field that
 * does not exist gives null, and the caller then suppresses the query (or skips the value):
 * {@code %u} of {@code @example.com} (empty local part); {@code %d} and {@code %1} of an
 * unqualified {@code user}; {@code %3} of {@code user@example.com} (too few labels). Without an
 * {@code @}, {@code %u} is the whole text.
 */
record KeyFields(String text, String local, String domain) {
    static KeyFields of(String text) {
        int at = text.lastIndexOf('@');
        if (at < 0) return new KeyFields(text, text, null);
        return new KeyFields(text, text.substring(0, at), text.substring(at + 1));
    }

    /**
     * The field named by {@code f} (one of {@code s u d S U D 1-9}, case folded by the caller
     * where upper case means the same), or null when it does not exist for this text.
     */
    String field(char f) {
        return switch (f) {
            case 's', 'S' -> text;
            case 'u', 'U' -> domain == null ? text : (local.isEmpty() ? null : local);
            case 'd', 'D' -> domain == null || domain.isEmpty() ? null : domain;
            default -> {
                if (f < '1' || f > '9' || domain == null || domain.isEmpty()) yield null;
                String[] labels = domain.split("\\.", -1);
                int n = f - '0';
                yield n <= labels.length ? labels[labels.length - n] : null;
            }
        };
    }
}
