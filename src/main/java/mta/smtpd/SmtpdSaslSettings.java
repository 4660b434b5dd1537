package mta.smtpd;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import mta.config.Cidr;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.Params;

/**
 * SmtpdSaslSettings - the AUTH parameters of one smtpd listener (smtpd_sasl_*), read and checked once.
 *
 * <p>Reads {@code smtpd_sasl_auth_enable}, {@code smtpd_sasl_type} ({@code dovecot} or {@code cyrus}),
 * {@code smtpd_sasl_path} (for dovecot the auth socket, relative to the queue directory unless
 * absolute or {@code inet:}; for cyrus the application name, whose {@code .conf} file is found
 * through {@code cyrus_sasl_config_path}: {@link CyrusSaslConfig}), {@code smtpd_sasl_local_domain},
 * the security options, {@code broken_sasl_auth_clients},
 * {@code smtpd_sasl_response_limit}, {@code smtpd_tls_auth_only},
 * {@code smtpd_sasl_authenticated_header}, {@code smtpd_client_auth_rate_limit} and
 * {@code ipc_timeout} (the Dovecot conversation); with {@code smtpd_sasl_exceptions_networks}
 * from {@link SmtpdSettings}. Used by {@link SmtpdSasl}.
 */
final class SmtpdSaslSettings {
    final boolean enabled;
    /** True for smtpd_sasl_type = cyrus (saslauthd), false for dovecot. */
    final boolean cyrus;
    /** The Cyrus application file, read once (null for dovecot). */
    final CyrusSaslConfig cyrusConfig;
    /** smtpd_sasl_local_domain: the realm given to saslauthd. */
    final String realm;
    /** Set once the unusable Cyrus configuration has been reported, so that it is not reported per session. */
    final java.util.concurrent.atomic.AtomicBoolean cyrusReported = new java.util.concurrent.atomic.AtomicBoolean();
    /** The Dovecot auth socket: a path, or {@code inet:host:port}. */
    final String endpoint;
    final String service;
    /** smtpd_sasl_security_options and smtpd_sasl_tls_security_options, in lower case. */
    final Set<String> options;
    final Set<String> tlsOptions;
    final List<Cidr> exceptions;
    final boolean brokenClients;
    final int responseLimit;
    final boolean tlsAuthOnly;
    final boolean authenticatedHeader;
    final int rateLimit;
    final Duration timeout;

    /** @throws ConfigException when AUTH is enabled with a smtpd_sasl_type other than dovecot or cyrus */
    private SmtpdSaslSettings(Config c, List<Cidr> exceptions) {
        enabled = c.bool(Params.SMTPD_SASL_AUTH_ENABLE);
        String type = c.str(Params.SMTPD_SASL_TYPE).strip();
        if (enabled && !type.equalsIgnoreCase("dovecot") && !type.equalsIgnoreCase("cyrus")) {
            throw new ConfigException("unsupported SASL server implementation: " + type
                    + " (smtpd_sasl_type = dovecot or cyrus)");
        }
        cyrus = type.equalsIgnoreCase("cyrus");
        cyrusConfig = enabled && cyrus
                ? CyrusSaslConfig.find(c.str(Params.CYRUS_SASL_CONFIG_PATH), c.str(Params.SMTPD_SASL_PATH).strip())
                : null;
        realm = c.str(Params.SMTPD_SASL_LOCAL_DOMAIN).strip();
        // the Dovecot conversation
        endpoint = endpoint(c);
        service = c.str(Params.SMTPD_SASL_SERVICE).strip();
        timeout = c.time(Params.IPC_TIMEOUT);
        // which mechanisms are offered, and to whom
        options = options(c.list(Params.SMTPD_SASL_SECURITY_OPTIONS));
        tlsOptions = options(c.list(Params.SMTPD_SASL_TLS_SECURITY_OPTIONS));
        tlsAuthOnly = c.bool(Params.SMTPD_TLS_AUTH_ONLY);
        this.exceptions = exceptions;
        brokenClients = c.bool(Params.BROKEN_SASL_AUTH_CLIENTS);
        responseLimit = c.integer(Params.SMTPD_SASL_RESPONSE_LIMIT);
        authenticatedHeader = c.bool(Params.SMTPD_SASL_AUTHENTICATED_HEADER);
        rateLimit = c.integer(Params.SMTPD_CLIENT_AUTH_RATE_LIMIT);
    }

    /**
     * The AUTH parameters of {@code c}; {@code exceptions} is smtpd_sasl_exceptions_networks, which
     * {@link SmtpdSettings} reads with its other network lists.
     *
     * @throws ConfigException when AUTH is enabled with a smtpd_sasl_type other than dovecot or cyrus
     */
    static SmtpdSaslSettings from(Config c, List<Cidr> exceptions) {
        return new SmtpdSaslSettings(c, exceptions);
    }

    private static String endpoint(Config c) {
        String path = c.str(Params.SMTPD_SASL_PATH).strip();
        if (!path.startsWith("inet:") && !Path.of(path.startsWith("unix:") ? path.substring(5) : path).isAbsolute()) {
            path = Path.of(c.str(Params.QUEUE_DIRECTORY)).resolve(path.startsWith("unix:") ? path.substring(5) : path)
                    .toString();
        }
        return path;
    }

    private static Set<String> options(List<String> words) {
        Set<String> out = new HashSet<>();
        for (String w : words) out.add(w.toLowerCase(Locale.ROOT));
        return Set.copyOf(out);
    }
}
