package mta.policy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * PolicyRequest - one policy query: {@code name=value} attributes in the order they are sent.
 *
 * <p>Built by the SMTP server; {@link #encode} writes the wire form of Postfix's policy
 * delegation protocol: one {@code name=value} line per attribute, each ended by a newline, and an
 * empty line after the last. A value never spans lines: a CR or LF in it is sent as a space.
 */
public final class PolicyRequest {
    private final List<String[]> attributes = new ArrayList<>();

    /** Adds {@code name=value}; null is sent as an empty value. */
    public PolicyRequest add(String name, Object value) {
        attributes.add(new String[] {name, value == null ? "" : value.toString()});
        return this;
    }

    /** The value of {@code name}, or null. */
    public String get(String name) {
        for (String[] a : attributes) if (a[0].equals(name)) return a[1];
        return null;
    }

    /** The attribute names, in order. */
    public List<String> names() {
        List<String> out = new ArrayList<>();
        for (String[] a : attributes) out.add(a[0]);
        return out;
    }

    /** The bytes sent to the server (UTF-8). */
    public byte[] encode() {
        StringBuilder sb = new StringBuilder();
        for (String[] a : attributes) {
            sb.append(a[0]).append('=').append(a[1].replace('\r', ' ').replace('\n', ' ')).append('\n');
        }
        sb.append('\n');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return new String(encode(), StandardCharsets.UTF_8);
    }
}
