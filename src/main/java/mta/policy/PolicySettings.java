package mta.policy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.Params;
import mta.util.Durations;

/**
 * PolicySettings - one {@code check_policy_service} argument: the endpoint and its client settings.
 *
 * <p>Reads the {@code smtpd_policy_service_*} parameters of main.cf (with the service's {@code -o}
 * overrides) as defaults, and the per-service overrides of Postfix 3.0's form:
 * <pre>
 *   check_policy_service inet:127.0.0.1:10023
 *   check_policy_service { inet:127.0.0.1:10023, timeout=10s, default_action=DUNNO }
 *   check_policy_service { unix:private/policy, { default_action = 451 4.3.5 Try later } }
 * </pre>
 * An override name is the parameter name without {@code smtpd_policy_service_}: {@code timeout},
 * {@code max_idle}, {@code max_ttl}, {@code retry_delay}, {@code request_limit}, {@code try_limit},
 * {@code default_action}, {@code policy_context}. A value with spaces goes in braces.
 *
 * @param endpoint      where the server listens
 * @param timeout       the limit for connecting, writing a request and reading its reply
 * @param maxIdle       an unused connection is closed after this
 * @param maxTtl        a connection is closed (between requests) after this age
 * @param requestLimit  requests per connection, 0 for no limit
 * @param tryLimit      attempts per request before the default action applies
 * @param retryDelay    the pause between attempts
 * @param defaultAction the action when the server cannot be asked (an access(5) result)
 * @param policyContext sent as {@code policy_context=}
 */
public record PolicySettings(PolicyEndpoint endpoint, Duration timeout, Duration maxIdle, Duration maxTtl,
                             int requestLimit, int tryLimit, Duration retryDelay, String defaultAction,
                             String policyContext) {

    private static final String PREFIX = "smtpd_policy_service_";

    /**
     * The settings for {@code argument}, the word after {@code check_policy_service}.
     *
     * @throws ConfigException for a malformed endpoint, an unknown override or a bad value
     */
    public static PolicySettings parse(String argument, Config c) {
        String text = argument.strip();
        List<String> overrides = List.of();
        String service = text;
        if (text.startsWith("{")) {
            if (!text.endsWith("}")) throw new ConfigException("policy service syntax error: " + text);
            List<String> parts = Config.splitList(text.substring(1, text.length() - 1));
            if (parts.isEmpty()) throw new ConfigException("empty policy service: \"" + text + "\"");
            service = parts.get(0);
            overrides = parts.subList(1, parts.size());
        }
        Duration timeout = c.time(Params.SMTPD_POLICY_SERVICE_TIMEOUT);
        Duration maxIdle = c.time(Params.SMTPD_POLICY_SERVICE_MAX_IDLE);
        Duration maxTtl = c.time(Params.SMTPD_POLICY_SERVICE_MAX_TTL);
        Duration retryDelay = c.time(Params.SMTPD_POLICY_SERVICE_RETRY_DELAY);
        int requestLimit = c.integer(Params.SMTPD_POLICY_SERVICE_REQUEST_LIMIT);
        int tryLimit = c.integer(Params.SMTPD_POLICY_SERVICE_TRY_LIMIT);
        String defaultAction = c.str(Params.SMTPD_POLICY_SERVICE_DEFAULT_ACTION).strip();
        String context = c.str(Params.SMTPD_POLICY_SERVICE_POLICY_CONTEXT).strip();
        for (String o : overrides) {
            String[] nv = nameValue(o, text);
            String v = nv[1];
            switch (nv[0]) {
                case "timeout" -> timeout = time(nv, text);
                case "max_idle" -> maxIdle = time(nv, text);
                case "max_ttl" -> maxTtl = time(nv, text);
                case "retry_delay" -> retryDelay = time(nv, text);
                case "request_limit" -> requestLimit = number(nv, 0, text);
                case "try_limit" -> tryLimit = number(nv, 1, text);
                case "default_action" -> defaultAction = v;
                case "policy_context" -> context = v;
                default -> throw new ConfigException("policy service " + text + ": unknown attribute name: " + nv[0]);
            }
        }
        if (defaultAction.isEmpty()) {
            throw new ConfigException("policy service " + text + ": empty default_action");
        }
        Path queue = c.path(Params.QUEUE_DIRECTORY);
        return new PolicySettings(PolicyEndpoint.parse(service, queue), timeout, maxIdle, maxTtl, requestLimit,
                tryLimit, retryDelay, defaultAction, context);
    }

    /** {@code name=value} or {@code { name = value }}. */
    private static String[] nameValue(String item, String whole) {
        String t = item.strip();
        if (t.startsWith("{")) {
            if (!t.endsWith("}")) throw new ConfigException("policy service syntax error: " + whole);
            t = t.substring(1, t.length() - 1).strip();
        }
        int eq = t.indexOf('=');
        if (eq <= 0) throw new ConfigException("policy service " + whole + ": missing '=' after attribute name: " + item);
        String name = t.substring(0, eq).strip();
        if (name.startsWith(PREFIX)) name = name.substring(PREFIX.length());
        return new String[] {name, t.substring(eq + 1).strip()};
    }

    private static Duration time(String[] nv, String whole) {
        try {
            Duration d = Durations.parse(nv[1], 's');
            if (d.isZero()) throw new IllegalArgumentException("zero");
            return d;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("policy service " + whole + ": bad time value: " + nv[0] + "=" + nv[1]);
        }
    }

    private static int number(String[] nv, int min, String whole) {
        try {
            int n = Integer.parseInt(nv[1]);
            if (n < min) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException("policy service " + whole + ": bad numerical value: " + nv[0] + "=" + nv[1]);
        }
    }
}
