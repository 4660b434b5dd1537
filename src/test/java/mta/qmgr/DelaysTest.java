package mta.qmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * DelaysTest - the delay numbers of the delivery log: Postfix's examples, and the quick integer
 * rounding against the exact decimal one over every boundary and many random values.
 */
class DelaysTest {

    @Test
    void postfixStyle() {
        assertEquals("0", Delays.format(0));
        assertEquals("0", Delays.format(0.0049));
        assertEquals("0.01", Delays.format(0.005));
        assertEquals("0.01", Delays.format(0.0099));
        assertEquals("0.01", Delays.format(0.012));
        assertEquals("0.05", Delays.format(0.0449)); // 0.045 at two digits, then 0.05 at two decimals
        assertEquals("0.46", Delays.format(0.4567));
        assertEquals("0.1", Delays.format(0.1));
        assertEquals("1", Delays.format(0.999));
        assertEquals("1.2", Delays.format(1.24));
        assertEquals("2", Delays.format(2.04));
        assertEquals("10", Delays.format(9.97));
        assertEquals("30", Delays.format(30.4));
    }

    @Test
    void sameAsTheExactRoundingAtEveryStepAndItsNeighbours() {
        for (long i = 1; i <= 100_000; i++) {
            double v = i / 10_000.0; // 0.0001 to 10, every step of the three scales and their halves
            for (double x : new double[] {v, Math.nextDown(v), Math.nextUp(v), v + 0.00005, v - 0.00005}) {
                if (x >= 0.005 && x < 10) assertEquals(Delays.exact(x), Delays.format(x), "for " + x);
            }
        }
    }

    @Test
    void sameAsTheExactRoundingForRandomValues() {
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 1_000_000; i++) {
            double x = 0.005 + r.nextDouble() * (10 - 0.005);
            assertEquals(Delays.exact(x), Delays.format(x), "for " + x);
        }
    }
}
