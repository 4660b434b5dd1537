package mta.util;

/**
 * Getopt - reads a command line's options as Postfix's commands do (POSIX getopt): flags may be
 * grouped ({@code -sv}), a value follows its letter ({@code -qkey}) or comes as the next argument
 * ({@code -q key}), and the options end at "--" or at the first argument that is not one; the
 * rest are operands. Reads only the arguments it is given.
 *
 * <pre>
 *   Getopt g = new Getopt(args, "cdq", "");
 *   for (char c; (c = g.next()) != Getopt.END; ) switch (c) { case 'q' -> key = g.value(); ... }
 *   if (g.problem() != null) ...   // "invalid option -- 'x'", "option requires an argument -- 'q'"
 *   operands: args[g.operands()] ... args[args.length - 1]
 * </pre>
 */
public final class Getopt {
    /** What {@link #next} returns when the options are over, or after a problem. */
    public static final char END = 0;

    private final String[] args;
    private final String withValue;
    private final String attachedOnly;
    private int i;
    private int k = 1;
    private String value;
    private String problem;

    /**
     * @param withValue    letters whose value follows, attached or as the next argument
     * @param attachedOnly letters whose value, possibly empty, is the rest of their argument
     *                     (sendmail's {@code -q30m}, {@code -qRsite})
     */
    public Getopt(String[] args, String withValue, String attachedOnly) {
        this.args = args;
        this.withValue = withValue;
        this.attachedOnly = attachedOnly;
    }

    /** The next option letter; {@link #END} when there is none, or when {@link #problem} is set. */
    public char next() {
        value = null;
        if (problem != null) return END;
        if (k == 1) {
            if (i >= args.length || !args[i].startsWith("-") || args[i].length() == 1) return END;
            if (args[i].equals("--")) {
                i++;
                return END;
            }
        }
        String a = args[i];
        char c = a.charAt(k);
        String rest = a.substring(k + 1);
        if (attachedOnly.indexOf(c) >= 0) {
            value = rest;
            advance();
        } else if (withValue.indexOf(c) >= 0) {
            advance();
            if (!rest.isEmpty()) {
                value = rest;
            } else if (i < args.length) {
                value = args[i++];
            } else {
                problem = "option requires an argument -- '" + c + "'";
                return END;
            }
        } else if (++k >= a.length()) {
            advance();
        }
        return c;
    }

    private void advance() {
        i++;
        k = 1;
    }

    /** The value of the option {@link #next} returned last (null for a flag). */
    public String value() {
        return value;
    }

    /** Marks the option {@link #next} returned last as unknown; {@link #next} then returns {@link #END}. */
    public void invalid(char c) {
        problem = "invalid option -- '" + c + "'";
    }

    /** What is wrong ("invalid option -- 'x'", ...), or null. */
    public String problem() {
        return problem;
    }

    /** The index of the first operand, once {@link #next} returned {@link #END}. */
    public int operands() {
        return i;
    }
}
