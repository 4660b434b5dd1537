package mta.smtp;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.Params;
import mta.dns.Resolver;
import mta.mail.Dsn;
import mta.tls.CipherExclusions;
import mta.tls.PemFiles;
import mta.tls.TlsKeyFiles;
import mta.tls.TlsLevel;
import mta.tls.TlsPolicy;
import mta.tls.TlsProtocols;
import mta.tls.TrustStore;
import mta.util.SecretFiles;

/**
 * SmtpTls - the SMTP client's TLS engine and settings: its keys, what it trusts, and the policy
 * of each destination ({@link SmtpTlsPolicy}).
 *
 * <p>Reads, once per agent (at start and on {@code postfix reload}): {@code smtp_tls_security_level}
 * (or the older {@code smtp_use_tls}/{@code smtp_enforce_tls}), {@code smtp_tls_policy_maps}, the
 * client keys ({@code smtp_tls_cert_file} and the like, through {@link SecretFiles}, so that a
 * root-only key works under privilege separation), the CAs ({@code smtp_tls_CAfile} through the
 * same hand-over, {@code smtp_tls_CApath} directly, {@code tls_append_default_CA}) and trust
 * anchors ({@code smtp_tls_trust_anchor_file}), the protocol, cipher and exclusion parameters (the
 * {@code mandatory} ones at level encrypt and above), the match rules, {@code smtp_tls_servername},
 * {@code smtp_tls_loglevel}, {@code smtp_tls_note_starttls_offer}, {@code smtp_tls_wrappermode}
 * (TLS from the first byte, for SMTPS relays on port 465), {@code smtp_dns_support_level},
 * {@code smtp_tls_dane_insecure_mx_policy} and the session cache timeout. The handshake itself
 * accepts any certificate; the chain is judged afterwards, by the level ({@link SmtpTlsPolicy.Host#judge}),
 * as Postfix judges it. Sessions are resumed from the JDK's cache of this one SSL context.
 *
 * <p>When the keys or CAs cannot be loaded the engine is unavailable, as Postfix's is: at level
 * may mail goes out in plaintext, and a level that requires TLS defers it
 * ({@code TLS is required, but our TLS engine is unavailable}).
 */
final class SmtpTls {
    final TlsLevel level;
    /** Why the main.cf level cannot be used, or null. */
    final String levelProblem;
    final SmtpTlsPolicyMaps maps;
    final List<String> protocols;
    final List<String> mandatoryProtocols;
    final String ciphers;
    final String mandatoryCiphers;
    final List<String> exclude;
    final List<String> mandatoryExclude;
    final List<String> verifyMatch;
    final List<String> secureMatch;
    final List<String> fingerprints;
    final String fingerprintDigest;
    final String servername;
    final int logLevel;
    final boolean noteStarttlsOffer;
    final boolean wrapperMode;
    final boolean dnssec;
    final String insecureMxPolicy;
    final boolean wildcardMultipleLabels;
    final Resolver resolver;
    final Consumer<String> log;
    /** Null when the engine is unavailable (keys or CAs that cannot be loaded). */
    final SSLContext context;
    final TrustStore trust;
    private final Map<String, TrustStore> taFiles = new ConcurrentHashMap<>();

    private SmtpTls(Config c, Resolver resolver, SecretFiles secrets, Consumer<String> log) {
        TlsLevel l;
        String problem = null;
        try {
            l = TlsLevel.client(c);
        } catch (ConfigException e) {
            l = TlsLevel.ENCRYPT; // never used: every delivery is deferred
            problem = e.getMessage();
            log.accept("warning: " + problem);
        }
        this.level = l;
        this.levelProblem = problem;
        this.maps = SmtpTlsPolicyMaps.from(c);
        this.protocols = c.list(Params.SMTP_TLS_PROTOCOLS);
        this.mandatoryProtocols = c.list(Params.SMTP_TLS_MANDATORY_PROTOCOLS);
        this.ciphers = c.str(Params.SMTP_TLS_CIPHERS);
        this.mandatoryCiphers = c.str(Params.SMTP_TLS_MANDATORY_CIPHERS);
        this.exclude = c.list(Params.SMTP_TLS_EXCLUDE_CIPHERS);
        this.mandatoryExclude = c.list(Params.SMTP_TLS_MANDATORY_EXCLUDE_CIPHERS);
        this.verifyMatch = matchList(c.str(Params.SMTP_TLS_VERIFY_CERT_MATCH));
        this.secureMatch = matchList(c.str(Params.SMTP_TLS_SECURE_CERT_MATCH));
        this.fingerprints = c.list(Params.SMTP_TLS_FINGERPRINT_CERT_MATCH);
        this.fingerprintDigest = c.str(Params.SMTP_TLS_FINGERPRINT_DIGEST);
        this.servername = c.str(Params.SMTP_TLS_SERVERNAME).strip();
        this.logLevel = c.integer(Params.SMTP_TLS_LOGLEVEL);
        this.noteStarttlsOffer = c.bool(Params.SMTP_TLS_NOTE_STARTTLS_OFFER);
        this.wrapperMode = c.bool(Params.SMTP_TLS_WRAPPERMODE);
        this.dnssec = c.str(Params.SMTP_DNS_SUPPORT_LEVEL).strip().equalsIgnoreCase("dnssec");
        String mxPolicy = c.str(Params.SMTP_TLS_DANE_INSECURE_MX_POLICY).strip().toLowerCase(Locale.ROOT);
        this.insecureMxPolicy = !mxPolicy.isEmpty() ? mxPolicy : level == TlsLevel.DANE ? "dane" : "may";
        this.wildcardMultipleLabels = c.bool(Params.TLS_WILDCARD_MATCHES_MULTIPLE_LABELS);
        this.resolver = resolver;
        this.log = log;
        TrustStore t = null;
        SSLContext ctx = null;
        if (level != TlsLevel.NONE || !maps.isEmpty()) {
            t = trustStore(c, secrets, log);
            KeyManager[] keys = t == null ? null : clientKeys(c, secrets, log);
            if (t != null && keys != null) ctx = context(keys, c.time(Params.SMTP_TLS_SESSION_CACHE_TIMEOUT));
        }
        this.trust = t == null ? TrustStore.EMPTY : t;
        this.context = ctx;
    }

    /**
     * The TLS engine and settings of an SMTP client service.
     *
     * @param log receives the client's own lines (TLS summaries, {@code warning: ...})
     */
    static SmtpTls from(Config c, Resolver resolver, SecretFiles secrets, Consumer<String> log) {
        return new SmtpTls(c, resolver, secrets, log);
    }

    /** The policy for one destination: from the policy tables, else main.cf. */
    SmtpTlsPolicy destination(String destination, Nexthop nexthop) throws SmtpFailure {
        if (levelProblem != null) throw SmtpFailure.deferred(Dsn.CRYPTOGRAPHIC_FAILURE.temporary(), "none", "client TLS configuration problem");
        TlsPolicy p = maps == null ? null : maps.find(destination, w -> log.accept("warning: " + w));
        return new SmtpTlsPolicy(this, p != null ? p : TlsPolicy.of(level), nexthop);
    }

    /** True when a summary line should be logged for each handshake. */
    boolean logSummary() {
        return logLevel >= 1;
    }

    /** The anchors of a policy's {@code tafile=} files (read directly: they must be readable by mail_owner). */
    TrustStore taFiles(List<String> files) throws SmtpFailure {
        String key = String.join("\n", files);
        TrustStore t = taFiles.get(key);
        if (t != null) return t;
        try {
            t = TrustStore.anchorFiles(SecretFiles.DIRECT, files.stream().map(Path::of).toList());
        } catch (PemFiles.PemException e) {
            log.accept("warning: cannot load trust anchors: " + e.getMessage());
            throw SmtpFailure.deferred(Dsn.CRYPTOGRAPHIC_FAILURE.temporary(), "none", "client TLS configuration problem");
        }
        taFiles.put(key, t);
        return t;
    }

    /**
     * The SSL parameters of a handshake at {@code level}, with a policy's overrides.
     *
     * @throws IllegalArgumentException for an unknown protocol name or cipher grade
     */
    SSLParameters parameters(TlsLevel lvl, TlsPolicy p, String sni) {
        boolean mandatory = lvl.mandatory();
        SSLParameters params = context.getDefaultSSLParameters();
        List<String> spec = p.protocols() != null ? p.protocols() : mandatory ? mandatoryProtocols : protocols;
        List<String> enabled = Arrays.asList(params.getProtocols());
        List<String> prot = TlsProtocols.protocols(spec, Arrays.asList(context.getSupportedSSLParameters().getProtocols()))
                .stream().filter(enabled::contains).toList();
        params.setProtocols(prot.toArray(new String[0]));
        String grade = p.ciphers() != null ? p.ciphers() : mandatory ? mandatoryCiphers : ciphers;
        List<String> excl = new ArrayList<>();
        if (p.exclude() != null) {
            excl.addAll(p.exclude());
        } else {
            excl.addAll(exclude);
            if (mandatory) excl.addAll(mandatoryExclude);
        }
        List<String> suites = CipherExclusions.apply(TlsProtocols.ciphers(grade, Arrays.asList(params.getCipherSuites()),
                Arrays.asList(context.getSupportedSSLParameters().getCipherSuites())), excl);
        params.setCipherSuites(suites.toArray(new String[0]));
        if (sni != null && !sni.isEmpty() && !mta.dns.IpLiteral.isLiteral(sni)) {
            params.setServerNames(List.of(new javax.net.ssl.SNIHostName(sni.endsWith(".")
                    ? sni.substring(0, sni.length() - 1) : sni)));
        }
        return params;
    }

    /** The chain the server sent, leaf first. */
    static X509Certificate[] peerChain(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            X509Certificate[] x509 = new X509Certificate[chain.length];
            for (int i = 0; i < chain.length; i++) x509[i] = (X509Certificate) chain[i];
            return x509;
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return new X509Certificate[0];
        }
    }

    /** Rules separated by commas, white space or colons. */
    static List<String> matchList(String value) {
        List<String> out = new ArrayList<>();
        for (String w : value.split("[\\s,:]+")) if (!w.isEmpty()) out.add(w);
        return List.copyOf(out);
    }

    /** The CAs or trust anchors of main.cf; null (after a warning) when they cannot be loaded. */
    private static TrustStore trustStore(Config c, SecretFiles secrets, Consumer<String> log) {
        List<String> anchors = c.list(Params.SMTP_TLS_TRUST_ANCHOR_FILE);
        if (!anchors.isEmpty()) {
            try {
                return TrustStore.anchorFiles(secrets, anchors.stream().map(Path::of).toList());
            } catch (PemFiles.PemException e) {
                log.accept("warning: cannot load trust anchors from smtp_tls_trust_anchor_file: disabling TLS support");
                log.accept("warning: TLS library problem: " + e.getMessage());
                return null;
            }
        }
        List<X509Certificate> cas = new ArrayList<>();
        Path caFile = c.path(Params.SMTP_TLS_CAFILE);
        if (caFile != null) {
            try {
                cas.addAll(PemFiles.certificates(secrets, caFile));
            } catch (PemFiles.PemException e) {
                log.accept("warning: cannot load Certification Authority data, CAfile=\"" + caFile
                        + "\": disabling TLS support");
                log.accept("warning: TLS library problem: " + e.getMessage());
                return null;
            }
        }
        return TrustStore.ofCasLater(cas, c.path(Params.SMTP_TLS_CAPATH), c.bool(Params.TLS_APPEND_DEFAULT_CA));
    }

    /** The client's key managers (empty when it has no keys); null (after warnings) when they cannot be loaded. */
    private static KeyManager[] clientKeys(Config c, SecretFiles secrets, Consumer<String> log) {
        TlsKeyFiles files = TlsKeyFiles.of(c, "smtp");
        if (files.none()) return new KeyManager[0];
        try {
            List<PemFiles.KeyChain> keys = files.load(secrets);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int n = 0;
            for (PemFiles.KeyChain kc : keys) {
                ks.setKeyEntry("key" + n++, kc.key(), new char[0], kc.chain().toArray(new X509Certificate[0]));
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("NewSunX509");
            kmf.init(ks, new char[0]);
            return kmf.getKeyManagers();
        } catch (TlsKeyFiles.KeyException e) {
            log.accept("warning: " + e.getMessage() + ": disabling TLS support");
            log.accept("warning: TLS library problem: " + e.detail());
            return null;
        } catch (GeneralSecurityException | IOException e) {
            log.accept("warning: TLS library problem: " + e.getMessage());
            return null;
        }
    }

    private static SSLContext context(KeyManager[] keys, Duration sessionTimeout) {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(keys.length == 0 ? null : keys, new TrustManager[] {new AcceptAny()}, null);
            c.getClientSessionContext().setSessionTimeout((int) Math.min(Integer.MAX_VALUE, sessionTimeout.toSeconds()));
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** Accepts every server certificate during the handshake; {@link SmtpTlsPolicy.Host#judge} decides afterwards. */
    private static final class AcceptAny implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // never used by a client
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // judged after the handshake, by the security level
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
