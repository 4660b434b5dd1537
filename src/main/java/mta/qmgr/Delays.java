package mta.qmgr;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Delays - formats the {@code delay=} and {@code delays=} numbers of delivery log lines.
 *
 * <p>Postfix's style: zero is {@code 0}, values under 10 s keep two significant digits and at
 * most two decimals ({@code 0.46}, {@code 0.01}, {@code 1.2}), larger values are whole seconds ({@code 30}).
 */
final class Delays {
    private Delays() {}

    static String format(double seconds) {
        if (seconds < 0.005) return "0";
        if (seconds >= 10) return Long.toString(Math.round(seconds));
        BigDecimal d = new BigDecimal(seconds).round(new MathContext(2));
        if (d.scale() > 2) d = d.setScale(2, java.math.RoundingMode.HALF_UP);
        d = d.stripTrailingZeros();
        return d.signum() == 0 ? "0" : d.toPlainString();
    }
}
