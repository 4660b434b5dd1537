package mta.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Registry - the metric families of one process, and the collectors whose values are computed
 * when scraped (queue sizes, JVM memory); {@link #write} renders all of them in
 * {@link TextFormat}.
 *
 * <p>Reads nothing itself; a collector may read what it reports (the queue directories). Families
 * are created once, at class initialisation of {@link MailMetrics}; collectors are added and
 * removed by the service that owns what they read.
 */
public final class Registry {
    private final List<Family<?>> families = new CopyOnWriteArrayList<>();
    private final List<Consumer<TextFormat>> collectors = new CopyOnWriteArrayList<>();

    public Family<Counter> counter(String name, String help, String... labels) {
        if (!name.endsWith("_total")) throw new IllegalArgumentException("a counter's name ends in _total: " + name);
        return add(new Family<>(name, help, Family.Type.COUNTER, List.of(labels), Counter::new));
    }

    public Family<Gauge> gauge(String name, String help, String... labels) {
        return add(new Family<>(name, help, Family.Type.GAUGE, List.of(labels), Gauge::new));
    }

    /** A histogram of seconds with these upper bounds (ascending). */
    public Family<Histogram> histogram(String name, String help, double[] bounds, String... labels) {
        double[] b = bounds.clone();
        return add(new Family<>(name, help, Family.Type.HISTOGRAM, List.of(labels), () -> new Histogram(b)));
    }

    private <T> Family<T> add(Family<T> f) {
        for (Family<?> other : families) {
            if (other.name().equals(f.name())) throw new IllegalStateException("declared twice: " + f.name());
        }
        families.add(f);
        return f;
    }

    /** Adds a collector that writes its own families when scraped. */
    public void collector(Consumer<TextFormat> c) {
        collectors.add(c);
    }

    public void remove(Consumer<TextFormat> c) {
        collectors.remove(c);
    }

    /** Every family and collector in the text exposition format. */
    public String write() {
        StringBuilder sb = new StringBuilder(8192);
        TextFormat out = new TextFormat(sb);
        for (Family<?> f : families) write(f, out);
        for (Consumer<TextFormat> c : collectors) c.accept(out);
        return sb.toString();
    }

    private static void write(Family<?> f, TextFormat out) {
        out.header(f.name(), f.help(), f.type());
        for (Map.Entry<List<String>, ?> e : f.children().entrySet()) {
            Object child = e.getValue();
            if (child instanceof Counter c) out.sample(f.name(), f.labelNames(), e.getKey(), c.get());
            else if (child instanceof Gauge g) out.sample(f.name(), f.labelNames(), e.getKey(), g.get());
            else if (child instanceof Histogram h) writeHistogram(f, e.getKey(), h, out);
        }
    }

    private static void writeHistogram(Family<?> f, List<String> values, Histogram h, TextFormat out) {
        List<String> names = new ArrayList<>(f.labelNames());
        names.add("le");
        double[] bounds = h.bounds();
        long[] counts = h.counts();
        long cumulative = 0;
        for (int i = 0; i <= bounds.length; i++) {
            cumulative += counts[i];
            List<String> v = new ArrayList<>(values);
            v.add(i < bounds.length ? TextFormat.number(bounds[i]) : "+Inf");
            out.sample(f.name() + "_bucket", names, v, cumulative);
        }
        out.sample(f.name() + "_sum", f.labelNames(), values, h.sum());
        out.sample(f.name() + "_count", f.labelNames(), values, cumulative);
    }
}
