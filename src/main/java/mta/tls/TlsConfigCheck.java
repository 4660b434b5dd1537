package mta.tls;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.MasterCf;
import mta.config.Params;
import mta.util.SecretFiles;

/**
 * TlsConfigCheck - the TLS part of what {@code postfix start} and {@code postfix check} refuse:
 * keys that cannot be loaded where a service requires TLS.
 *
 * <p>Reads main.cf and master.cf (each service with its {@code -o} overrides) and the key and
 * certificate files they name, through a {@link SecretFiles} (the privileged process's hand-over
 * for the master; {@code postfix check} run as root reads them itself). A problem is <em>fatal</em>
 * when TLS is required: an smtpd service at {@code smtpd_tls_security_level = encrypt} or with
 * {@code smtpd_tls_wrappermode = yes}, or an smtp service whose level requires TLS (encrypt,
 * fingerprint, verify, secure, dane-only) and that has client keys; elsewhere it is a warning (the
 * service then runs without TLS, or without a client certificate). Invalid levels are fatal, as in
 * Postfix. Unknown {@code tls_ssl_options} words are warnings. Messages use Postfix's wording:
 * {@code service submission: cannot get RSA private key from file "/etc/ssl/private/mx.key":
 * Permission denied; TLS is required (smtpd_tls_security_level = encrypt)}. Writes nothing.
 */
public final class TlsConfigCheck {
    private TlsConfigCheck() {}

    /** One finding. */
    public record Problem(boolean fatal, String text) {}

    /** The OpenSSL option names Postfix knows for tls_ssl_options. */
    private static final Set<String> SSL_OPTIONS = Set.of("ENABLE_MIDDLEBOX_COMPAT", "LEGACY_SERVER_CONNECT",
            "NO_TICKET", "NO_COMPRESSION", "NO_RENEGOTIATION", "NO_SESSION_RESUMPTION_ON_RENEGOTIATION",
            "PRIORITIZE_CHACHA", "ENABLE_KTLS", "IGNORE_UNEXPECTED_EOF");

    /** Every problem, fatal ones and warnings, each once. */
    public static List<Problem> check(Config main, MasterCf masterCf, SecretFiles files) {
        Map<String, Problem> out = new LinkedHashMap<>();
        for (String w : Config.splitList(main.str(Params.TLS_SSL_OPTIONS))) {
            String word = w.toUpperCase(Locale.ROOT);
            if (!SSL_OPTIONS.contains(word) && !word.startsWith("0X")) {
                add(out, false, "tls_ssl_options: unknown OpenSSL option \"" + w + "\" ignored");
            }
        }
        Set<String> seenClients = new LinkedHashSet<>();
        for (MasterCf.Service s : masterCf.services()) {
            Config c = serviceConfig(main, s);
            try {
                if (s.type().equals("inet") && s.command().equals("smtpd")) server(s.name(), c, files, out);
                if (s.type().equals("unix") && s.command().equals("smtp")) {
                    String id = TlsKeyFiles.of(c, "smtp") + "|" + c.str(Params.SMTP_TLS_SECURITY_LEVEL);
                    if (seenClients.add(id)) client(s.name(), c, files, out);
                }
            } catch (ConfigException e) {
                add(out, true, "service " + s.name() + ": " + e.getMessage());
            }
        }
        return List.copyOf(out.values());
    }

    /** The first fatal problem's text, or null. */
    public static String firstFatal(List<Problem> problems) {
        for (Problem p : problems) if (p.fatal()) return p.text();
        return null;
    }

    private static void server(String service, Config c, SecretFiles files, Map<String, Problem> out) {
        TlsLevel level = TlsLevel.server(c);
        boolean wrapper = c.bool(Params.SMTPD_TLS_WRAPPERMODE);
        if (level == TlsLevel.NONE && !wrapper) return;
        String required = wrapper ? "smtpd_tls_wrappermode = yes"
                : level == TlsLevel.ENCRYPT ? "smtpd_tls_security_level = " + c.str(Params.SMTPD_TLS_SECURITY_LEVEL).strip()
                : null;
        TlsKeyFiles keys = TlsKeyFiles.of(c, "smtpd");
        if (keys.none()) {
            if (required != null) {
                add(out, true, "service " + service + ": No server certs available. TLS can't be enabled; TLS is required ("
                        + required + ")");
            } else {
                add(out, false, "service " + service + ": No server certs available. TLS won't be enabled");
            }
            return;
        }
        try {
            keys.load(files);
        } catch (TlsKeyFiles.KeyException e) {
            if (required != null) {
                add(out, true, "service " + service + ": " + e.line() + "; TLS is required (" + required + ")");
            } else {
                add(out, false, "service " + service + ": " + e.line() + ": TLS will not be offered");
            }
        }
    }

    private static void client(String service, Config c, SecretFiles files, Map<String, Problem> out) {
        TlsLevel level = TlsLevel.client(c);
        TlsKeyFiles keys = TlsKeyFiles.of(c, "smtp");
        if (!keys.none()) {
            try {
                keys.load(files);
            } catch (TlsKeyFiles.KeyException e) {
                if (level.required()) {
                    add(out, true, "service " + service + ": " + e.line() + "; TLS is required (smtp_tls_security_level = "
                            + level.word() + ")");
                } else {
                    add(out, false, "service " + service + ": " + e.line());
                }
            }
        }
        Path caFile = c.path(Params.SMTP_TLS_CAFILE);
        if (caFile != null && level != TlsLevel.NONE) {
            try {
                PemFiles.certificates(files, caFile);
            } catch (PemFiles.PemException e) {
                add(out, false, "service " + service + ": cannot load Certification Authority data, CAfile=\"" + caFile + "\": "
                        + e.getMessage());
            }
        }
    }

    private static void add(Map<String, Problem> out, boolean fatal, String text) {
        out.putIfAbsent(text, new Problem(fatal, text));
    }

    /** main.cf with a master.cf service's {@code -o} overrides and {@code $service_name}. */
    private static Config serviceConfig(Config main, MasterCf.Service s) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("service_name", s.name());
        o.putAll(s.overrides());
        return main.with(o);
    }
}
