package mta.milter;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.Params;
import mta.util.Durations;

/**
 * MilterSpec - one element of {@code smtpd_milters} or {@code non_smtpd_milters}: where the filter
 * listens and how it is treated.
 *
 * <p>Reads {@code milter_protocol}, {@code milter_default_action} and the three
 * {@code milter_*_timeout} parameters as defaults, and Postfix 3.0's per-milter overrides:
 * <pre>
 *   smtpd_milters = inet:127.0.0.1:8891, unix:/run/opendkim/opendkim.sock
 *   smtpd_milters = { inet:127.0.0.1:11332, default_action=accept, command_timeout=10s }
 * </pre>
 * An override is the parameter name without {@code milter_}: {@code connect_timeout},
 * {@code command_timeout}, {@code content_timeout}, {@code default_action}, {@code protocol}.
 * A relative UNIX-domain path is relative to {@code queue_directory}, as in Postfix.
 *
 * @param name           the endpoint as written ({@code inet:127.0.0.1:8891}), as warnings show it
 * @param address        where to connect (a host name is looked up at each connection)
 * @param protocol       the protocol version offered: 2, 3, 4 or 6
 * @param defaultAction  accept, reject, tempfail or quarantine
 */
public record MilterSpec(String name, SocketAddress address, int protocol, Duration connectTimeout,
                         Duration commandTimeout, Duration contentTimeout, String defaultAction) {

    /** The milters of a list parameter (smtpd_milters, non_smtpd_milters) in order. */
    public static List<MilterSpec> list(String value, Config c) {
        List<MilterSpec> out = new ArrayList<>();
        for (String item : Config.splitList(value)) out.add(parse(item, c));
        return out;
    }

    /** @throws ConfigException for a malformed endpoint, an unknown override or a bad value */
    public static MilterSpec parse(String item, Config c) {
        String text = item.strip();
        List<String> overrides = List.of();
        String name = text;
        if (text.startsWith("{")) {
            if (!text.endsWith("}")) throw new ConfigException("milter syntax error: " + text);
            List<String> parts = splitOverrides(text.substring(1, text.length() - 1));
            if (parts.isEmpty()) throw new ConfigException("empty milter definition: \"" + text + "\"");
            name = parts.get(0);
            overrides = parts.subList(1, parts.size());
        }
        int protocol = version(c.str(Params.MILTER_PROTOCOL), text);
        String defaultAction = action(c.str(Params.MILTER_DEFAULT_ACTION), text);
        Duration connect = c.time(Params.MILTER_CONNECT_TIMEOUT);
        Duration command = c.time(Params.MILTER_COMMAND_TIMEOUT);
        Duration content = c.time(Params.MILTER_CONTENT_TIMEOUT);
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) throw new ConfigException("milter " + text + ": missing '=' after attribute name: " + o);
            String n = o.substring(0, eq).strip();
            if (n.startsWith("milter_")) n = n.substring("milter_".length());
            String v = o.substring(eq + 1).strip();
            switch (n) {
                case "connect_timeout" -> connect = time(n, v, text);
                case "command_timeout" -> command = time(n, v, text);
                case "content_timeout" -> content = time(n, v, text);
                case "default_action" -> defaultAction = action(v, text);
                case "protocol" -> protocol = version(v, text);
                default -> throw new ConfigException("milter " + text + ": unknown attribute name: " + n);
            }
        }
        return new MilterSpec(name, address(name, c.path(Params.QUEUE_DIRECTORY)), protocol, connect, command,
                content, defaultAction);
    }

    /** Splits the inside of { ... } on commas; white space around names and values does not count. */
    private static List<String> splitOverrides(String inside) {
        List<String> out = new ArrayList<>();
        for (String part : inside.split(",")) {
            String t = part.strip();
            if (t.startsWith("{") && t.endsWith("}")) t = t.substring(1, t.length() - 1).strip();
            if (!t.isEmpty()) out.add(t);
        }
        // "{ inet:host:port default_action=accept }" without commas: split on white space too
        if (out.size() == 1 && out.get(0).contains("=")) return Config.splitList(out.get(0));
        return out;
    }

    private static SocketAddress address(String name, Path queueDirectory) {
        int colon = name.indexOf(':');
        String transport = colon < 0 ? "" : name.substring(0, colon);
        String endpoint = colon < 0 ? "" : name.substring(colon + 1);
        switch (transport) {
            case "unix" -> {
                if (endpoint.isEmpty()) throw new ConfigException("milter " + name + ": need unix:pathname");
                Path p = Path.of(endpoint);
                return UnixDomainSocketAddress.of(p.isAbsolute() || queueDirectory == null ? p : queueDirectory.resolve(p));
            }
            case "inet" -> {
                // inet:host:port, inet:[::1]:port; Sendmail's inet:port@host is accepted too
                String host;
                String port;
                int at = endpoint.indexOf('@');
                if (at > 0) {
                    port = endpoint.substring(0, at);
                    host = endpoint.substring(at + 1);
                } else {
                    int c = endpoint.lastIndexOf(':');
                    host = c < 0 ? "" : endpoint.substring(0, c);
                    port = c < 0 ? "" : endpoint.substring(c + 1);
                }
                if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
                if (host.isEmpty() || !port.matches("\\d{1,5}") || Integer.parseInt(port) == 0
                        || Integer.parseInt(port) > 65535) {
                    throw new ConfigException("milter " + name + ": need inet:host:port");
                }
                return InetSocketAddress.createUnresolved(host, Integer.parseInt(port));
            }
            default -> throw new ConfigException("milter " + name + ": unsupported transport type: \"" + transport
                    + "\" (use inet: or unix:)");
        }
    }

    private static int version(String v, String whole) {
        return switch (v.strip()) {
            case "2" -> 2;
            case "3" -> 3;
            case "4" -> 4;
            case "6" -> 6;
            default -> throw new ConfigException("milter " + whole + ": unsupported protocol version: " + v
                    + " (use 2, 3, 4 or 6)");
        };
    }

    private static String action(String v, String whole) {
        String a = v.strip().toLowerCase(Locale.ROOT);
        return switch (a) {
            case "accept", "reject", "tempfail", "quarantine" -> a;
            default -> throw new ConfigException("milter " + whole + ": unrecognized default action: " + v
                    + " (use accept, reject, tempfail or quarantine)");
        };
    }

    private static Duration time(String n, String v, String whole) {
        try {
            Duration d = Durations.parse(v, 's');
            if (d.isZero() || d.isNegative()) throw new IllegalArgumentException("zero");
            return d;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("milter " + whole + ": bad time value: " + n + "=" + v);
        }
    }
}
