package mta.cli;

import java.util.List;

/**
 * ServicePattern - one {@code name[/type[/attribute]]} argument of {@code postconf -M}, {@code -F}
 * or {@code -P}; each part may be {@code *} (any).
 *
 * <p>Reads only its text. {@code smtp} selects every service called smtp, {@code * /inet} (without
 * the space) every inet service, {@code submission/inet/syslog_name} one attribute of one service.
 */
record ServicePattern(String text, String name, String type, String attribute) {
    static ServicePattern parse(String text) {
        List<String> p = List.of(text.split("/", -1));
        return new ServicePattern(text, p.get(0), p.size() > 1 ? p.get(1) : null, p.size() > 2 ? p.get(2) : null);
    }

    /** The number of parts given (1 to 3; more are kept in the attribute). */
    int parts() {
        return attribute != null ? 3 : type != null ? 2 : 1;
    }

    boolean matches(String serviceName, String serviceType) {
        return part(name, serviceName) && (type == null || part(type, serviceType));
    }

    boolean matchesAttribute(String attr) {
        return attribute == null || part(attribute, attr);
    }

    private static boolean part(String pattern, String value) {
        return pattern.equals("*") || pattern.equals(value);
    }
}
