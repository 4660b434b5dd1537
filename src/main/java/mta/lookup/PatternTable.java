package mta.lookup;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * PatternTable - what the pattern tables regexp:, pcre: and cidr: share: a rule file, read-only, first match wins.
 *
 * <p>Reads the rule file named in the specification at the first lookup and again when it changes
 * ({@link WatchedFile}); lines are joined as {@link LogicalLines} does, keeping the white space of
 * continuation lines. Writes nothing: {@link #put} and {@link #remove} are refused, and
 * {@link #entries} is unsupported because rules are not entries. A missing file fails the lookup
 * with {@code open /path: No such file or directory}. Bad lines are skipped and reported by
 * {@link #warnings}. Subclasses parse the lines and turn a lookup string into their key.
 *
 * @param <K> the key form the rules test
 */
abstract class PatternTable<K> extends ReadOnlyTable {
    private final WatchedFile<RuleList<K>> file;

    PatternTable(String spec, Path path) {
        super(spec);
        this.file = new WatchedFile<>(path, "open", (in, warnings) -> parse(in, path.toString(), warnings));
    }

    /** Parses the rule file. */
    abstract RuleList<K> parse(BufferedReader in, String name, List<String> warnings) throws IOException;

    /** The key form of a lookup string, or null when no rule can match it. */
    abstract K key(String lookup);

    @Override
    public final String get(String lookup) {
        RuleList<K> rules = file.current().value();
        K key = key(lookup);
        return key == null ? null : rules.lookup(key);
    }

    @Override
    public final boolean matchesPatterns() {
        return true;
    }

    @Override
    public final List<String> warnings() {
        return file.current().warnings();
    }

    @Override
    public final void close() {
        file.forget();
    }
}
