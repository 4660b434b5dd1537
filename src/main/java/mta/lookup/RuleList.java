package mta.lookup;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * RuleList - the rules of a pattern table (regexp:, cidr:) in file order, with nestable if/endif blocks.
 *
 * <p>{@link #read} reads a table's file (logical lines, {@code if} and {@code endif}, one rule a
 * line; a line its table cannot parse is a warning and is skipped); writes nothing. {@link #lookup}
 * walks the rules from the
 * top and returns the first result; an {@code if} whose condition fails jumps past its
 * {@code endif}. The {@link Builder} checks the nesting: an {@code endif} without {@code if} is
 * reported and ignored, and an {@code if} still open at the end of the file is reported and
 * closed there, as Postfix does.
 *
 * @param <K> the lookup key in the form the rules test (a string, or an address for cidr:)
 */
final class RuleList<K> {
    /** A test of the key: the condition of an {@code if}. */
    interface Condition<K> {
        boolean test(K key);
    }

    /** A rule's result for a key, or null when the rule does not match it. */
    interface Answer<K> {
        String answer(K key);
    }

    /**
     * What a table makes of one line's text: the condition of an {@code if}, or a rule's answer
     * (null to skip the rule, after a warning). Throws {@link IllegalArgumentException}, whose
     * message becomes the line's warning, for text it cannot parse.
     */
    @FunctionalInterface
    interface LineParser<T, K> {
        T parse(String text, int line, Builder<K> rules);
    }

    /** One step: an answer, or a condition whose failure jumps to {@code skipTo}. */
    private record Step<K>(Answer<K> answer, Condition<K> condition, int skipTo) {}

    private final List<Step<K>> steps;

    private RuleList(List<Step<K>> steps) {
        this.steps = List.copyOf(steps);
    }

    /** The first result for {@code key}, or null. */
    String lookup(K key) {
        int i = 0;
        while (i < steps.size()) {
            Step<K> s = steps.get(i);
            if (s.condition() != null) {
                i = s.condition().test(key) ? i + 1 : s.skipTo();
                continue;
            }
            String result = s.answer().answer(key);
            if (result != null) return result;
            i++;
        }
        return null;
    }

    /**
     * Reads the rules of the file {@code name}.
     *
     * @param where the start of each warning, such as {@code regexp map /etc/postfix/x}
     */
    static <K> RuleList<K> read(BufferedReader in, String name, String where, List<String> warnings,
                                LineParser<Condition<K>, K> condition, LineParser<Answer<K>, K> rule)
            throws IOException {
        Builder<K> rules = new Builder<>(where, warnings);
        for (LogicalLines.Line line : LogicalLines.read(in, name, warnings, true)) {
            String text = line.text();
            if (isEndif(text)) {
                rules.endIf(line.number());
                continue;
            }
            String ifText = afterIf(text);
            try {
                if (ifText != null) {
                    rules.beginIf(condition.parse(ifText, line.number(), rules), line.number());
                } else {
                    Answer<K> answer = rule.parse(text, line.number(), rules);
                    if (answer != null) rules.rule(answer);
                }
            } catch (IllegalArgumentException e) {
                rules.warn(line.number(), e.getMessage());
            }
        }
        return rules.build();
    }

    /** The number of rules and ifs kept; for tests. */
    int size() {
        return steps.size();
    }

    /** Collects rules while a file is parsed, and the warnings about it. */
    static final class Builder<K> {
        private final String where;
        private final List<String> warnings;
        private final List<Step<K>> steps = new ArrayList<>();
        private final Deque<int[]> open = new ArrayDeque<>(); // {step index, line}

        /**
         * @param where    the start of each warning, such as {@code regexp map /etc/postfix/x}
         * @param warnings receives the warnings
         */
        Builder(String where, List<String> warnings) {
            this.where = where;
            this.warnings = warnings;
        }

        /** Adds a warning about {@code line}. */
        void warn(int line, String text) {
            warnings.add(where + ", line " + line + ": " + text);
        }

        void rule(Answer<K> answer) {
            steps.add(new Step<>(answer, null, -1));
        }

        void beginIf(Condition<K> condition, int line) {
            open.push(new int[] {steps.size(), line});
            steps.add(new Step<>(null, condition, -1));
        }

        void endIf(int line) {
            if (open.isEmpty()) {
                warn(line, "ignoring ENDIF without matching IF");
                return;
            }
            close(open.pop()[0]);
        }

        RuleList<K> build() {
            while (!open.isEmpty()) {
                int[] unclosed = open.removeLast();
                warn(unclosed[1], "IF has no matching ENDIF");
                close(unclosed[0]);
            }
            return new RuleList<>(steps);
        }

        private void close(int index) {
            steps.set(index, new Step<>(null, steps.get(index).condition(), steps.size()));
        }
    }

    /** The text after a leading {@code if} keyword and white space, or null when the line is no IF. */
    static String afterIf(String line) {
        if (line.length() > 2 && line.regionMatches(true, 0, "if", 0, 2) && Character.isWhitespace(line.charAt(2))) {
            return line.substring(3).strip();
        }
        return null;
    }

    /** True for an {@code endif} line. */
    static boolean isEndif(String line) {
        return line.strip().equalsIgnoreCase("endif");
    }
}
