package mta.qmgr;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Delays - formats the {@code delay=} and {@code delays=} numbers of delivery log lines.
 *
 * <p>Postfix's style: zero is {@code 0}, values under 10 s keep two significant digits and at
 * most two decimals ({@code 0.46}, {@code 0.01}, {@code 1.2}), larger values are whole seconds ({@code 30}).
 * Rounding is half up on the exact value of the double: first to two significant digits, then to
 * two decimals. Five numbers go into every delivery line, so the usual case is done in integer
 * arithmetic; a value within a hair of a rounding tie takes the exact decimal path.
 */
final class Delays {
    private Delays() {}

    static String format(double seconds) {
        if (seconds < 0.005) return "0";
        if (seconds >= 10) return Long.toString(Math.round(seconds));
        if (seconds < 0.01) return "0.01"; // two digits (0.0050 to 0.010), then two decimals: always 0.01
        // decimals that keep two significant digits
        int k = seconds >= 1 ? 1 : seconds >= 0.1 ? 2 : 3;
        double scaled = seconds * (k == 1 ? 10 : k == 2 ? 100 : 1000);
        double frac = scaled - Math.floor(scaled);
        if (Math.abs(frac - 0.5) < 1e-6) return exact(seconds);
        long n = (long) Math.floor(scaled + 0.5); // n / 10^k, two significant digits (or 100 after a carry)
        if (k == 3) {
            n = (n + 5) / 10; // then two decimals at most, half up
            k = 2;
        }
        return plain(n, k);
    }

    /** {@code n / 10^scale} without trailing zeros. */
    private static String plain(long n, int scale) {
        long unit = scale == 1 ? 10 : 100;
        long whole = n / unit;
        long part = n % unit;
        if (part == 0) return Long.toString(whole);
        if (scale == 2 && part % 10 == 0) return whole + "." + part / 10;
        return whole + "." + (scale == 2 && part < 10 ? "0" : "") + part;
    }

    /** The same rounding on the exact decimal value (for values near a tie). */
    static String exact(double seconds) {
        BigDecimal d = new BigDecimal(seconds).round(new MathContext(2));
        if (d.scale() > 2) d = d.setScale(2, RoundingMode.HALF_UP);
        d = d.stripTrailingZeros();
        return d.signum() == 0 ? "0" : d.toPlainString();
    }
}
