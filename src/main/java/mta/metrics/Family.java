package mta.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Family - one metric name with its help text, type and label names, and one child (a
 * {@link Counter}, {@link Gauge} or {@link Histogram}) per combination of label values.
 *
 * <p>Reads nothing, writes nothing. Label values must come from small fixed sets (a transport
 * name, a reply class, a restriction name): never an address or a host name, so the number of
 * series stays bounded. {@link #labels} looks a child up in a concurrent map; a hot path keeps the
 * child it gets.
 */
public final class Family<T> {
    public enum Type { COUNTER, GAUGE, HISTOGRAM }

    private final String name;
    private final String help;
    private final Type type;
    private final List<String> labelNames;
    private final Supplier<T> make;
    private final Map<List<String>, T> children = new ConcurrentHashMap<>();

    Family(String name, String help, Type type, List<String> labelNames, Supplier<T> make) {
        if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) throw new IllegalArgumentException("bad metric name: " + name);
        this.name = name;
        this.help = help;
        this.type = type;
        this.labelNames = List.copyOf(labelNames);
        this.make = make;
        if (labelNames.isEmpty()) children.put(List.of(), make.get()); // shown as 0 from the start
    }

    /** The child for these label values, in the order of the label names. */
    public T labels(String... values) {
        if (values.length != labelNames.size()) {
            throw new IllegalArgumentException(name + " has labels " + labelNames + ", got " + Arrays.toString(values));
        }
        List<String> key = List.of(values);
        T child = children.get(key);
        return child != null ? child : children.computeIfAbsent(key, k -> make.get());
    }

    /** The only child of a family without labels. */
    public T get() {
        return labels();
    }

    public String name() {
        return name;
    }

    String help() {
        return help;
    }

    Type type() {
        return type;
    }

    List<String> labelNames() {
        return labelNames;
    }

    Map<List<String>, T> children() {
        return children;
    }
}
