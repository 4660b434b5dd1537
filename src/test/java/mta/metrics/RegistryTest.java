package mta.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** RegistryTest - the text exposition: help and type lines, escaping, cumulative histogram buckets. */
class RegistryTest {
    @Test
    void countersGaugesAndHistogramsAreWrittenInTheTextFormat() {
        Registry r = new Registry();
        Family<Counter> c = r.counter("x_events_total", "Events, with a \\ and a\nline.", "kind");
        c.labels("a\"b").add(3);
        Family<Gauge> g = r.gauge("x_open", "Open now.");
        g.get().inc();
        g.get().inc();
        g.get().dec();
        Family<Histogram> h = r.histogram("x_seconds", "Time.", new double[] {0.0005, 0.1, 1});
        h.get().observe(0.05);
        h.get().observe(0.5);
        h.get().observe(5);
        String text = r.write();
        assertTrue(text.contains("# HELP x_events_total Events, with a \\\\ and a\\nline.\n# TYPE x_events_total counter\n"), text);
        assertTrue(text.contains("x_events_total{kind=\"a\\\"b\"} 3\n"), text);
        assertTrue(text.contains("# TYPE x_open gauge\nx_open 1\n"), text);
        assertTrue(text.contains("x_seconds_bucket{le=\"0.0005\"} 0\nx_seconds_bucket{le=\"0.1\"} 1\nx_seconds_bucket{le=\"1\"} 2\nx_seconds_bucket{le=\"+Inf\"} 3\n"
                + "x_seconds_sum 5.55\nx_seconds_count 3\n"), text);
    }

    @Test
    void namesAndLabelsAreChecked() {
        Registry r = new Registry();
        assertThrows(IllegalArgumentException.class, () -> r.counter("x_events", "no _total"));
        assertThrows(IllegalArgumentException.class, () -> r.gauge("x-bad", "bad name"));
        Family<Counter> c = r.counter("x_total", "one label", "kind");
        assertThrows(IllegalArgumentException.class, () -> c.labels("a", "b"));
        assertThrows(IllegalStateException.class, () -> r.counter("x_total", "twice"));
        assertEquals(c.labels("a"), c.labels("a"));
    }
}
