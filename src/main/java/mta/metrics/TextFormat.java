package mta.metrics;

import java.util.List;
import java.util.Locale;

/**
 * TextFormat - writes Prometheus's text exposition format (version 0.0.4): a {@code # HELP} and a
 * {@code # TYPE} line per family, then one line per sample, {@code name{label="value"} number}.
 *
 * <p>Reads nothing; appends to a {@link StringBuilder}. Label values are escaped (backslash,
 * double quote, line feed) and help texts too (backslash, line feed), as the format requires.
 */
public final class TextFormat {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out;

    public TextFormat(StringBuilder out) {
        this.out = out;
    }

    /** {@code # HELP name help} and {@code # TYPE name type}. */
    public void header(String name, String help, Family.Type type) {
        out.append("# HELP ").append(name).append(' ')
                .append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type.name().toLowerCase(Locale.ROOT)).append('\n');
    }

    /** One sample line. */
    public void sample(String name, List<String> labelNames, List<String> labelValues, double value) {
        out.append(name);
        if (!labelNames.isEmpty()) {
            out.append('{');
            for (int i = 0; i < labelNames.size(); i++) {
                if (i > 0) out.append(',');
                out.append(labelNames.get(i)).append("=\"").append(escape(labelValues.get(i))).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(number(value)).append('\n');
    }

    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String number(double v) {
        if (v == Double.POSITIVE_INFINITY) return "+Inf";
        if (v == Double.NEGATIVE_INFINITY) return "-Inf";
        if (Double.isNaN(v)) return "NaN";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString(); // 0.0005, not 5.0E-4
    }
}
