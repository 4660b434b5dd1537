package mta.lookup;

import java.util.Locale;

/**
 * Keys - the one place where lookup keys are folded to lower case.
 *
 * <p>Reads and writes nothing. Postfix folds keys of fixed-string tables when it builds them and
 * again when it looks them up, which makes lookups case-insensitive; every backend calls
 * {@link #fold} so the rule lives here only.
 */
final class Keys {
    private Keys() {}

    static String fold(String key) {
        return key.toLowerCase(Locale.ROOT);
    }
}
