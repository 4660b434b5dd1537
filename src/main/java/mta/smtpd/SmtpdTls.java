package mta.smtpd;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.Params;
import mta.tls.PemFiles;
import mta.tls.TlsKeyFiles;
import mta.tls.TlsLevel;
import mta.tls.TlsProtocols;
import mta.tls.TlsServerContext;
import mta.util.MailLog;
import mta.util.SecretFiles;

/**
 * SmtpdTls - the SMTP server's TLS: the security level, the server keys, and the handshake (Postfix's smtpd_tls.c).
 *
 * <p>Reads {@code smtpd_tls_security_level} (or, when it is empty, the older {@code smtpd_use_tls}
 * and {@code smtpd_enforce_tls}), {@code smtpd_tls_wrappermode}, the key and certificate
 * parameters ({@link TlsKeyFiles}: {@code smtpd_tls_chain_files}, else {@code smtpd_tls_cert_file}
 * / {@code _key_file} and {@code smtpd_tls_eccert_file} / {@code _eckey_file}),
 * {@code smtpd_tls_dh1024_param_file}, the protocol, cipher and cipher-exclusion parameters (the
 * {@code mandatory} ones at level encrypt), {@code smtpd_tls_loglevel},
 * {@code smtpd_tls_received_header} and {@code smtpd_starttls_timeout}, once per listener
 * configuration. The files are read through a {@link SecretFiles}: under privilege separation the
 * root process reads the (root-only) keys and hands them over. When TLS is required (level
 * encrypt, or wrapper mode) keys that cannot be loaded are a {@link ConfigException}: start fails,
 * and a reload keeps the listener's previous settings. At level may they are logged as warnings
 * and leave the server without TLS ({@link #available()} false): STARTTLS is then not offered.
 * Writes the handshake on a session's socket.
 */
final class SmtpdTls {
    /** The levels of smtpd_tls_security_level this server implements. */
    enum Level { NONE, MAY, ENCRYPT }

    /** TLS off: standard input sessions, and listeners at level none. */
    static final SmtpdTls OFF = new SmtpdTls(Level.NONE, false, null, 0, false, Duration.ofSeconds(300));

    private final Level level;
    private final boolean wrapperMode;
    /** Null when TLS is off or the keys could not be loaded. */
    private final TlsServerContext context;
    private final int logLevel;
    private final boolean receivedHeader;
    private final Duration timeout;

    private SmtpdTls(Level level, boolean wrapperMode, TlsServerContext context, int logLevel, boolean receivedHeader,
                     Duration timeout) {
        this.level = level;
        this.wrapperMode = wrapperMode;
        this.context = context;
        this.logLevel = logLevel;
        this.receivedHeader = receivedHeader;
        this.timeout = timeout;
    }

    /** Reads the TLS parameters and loads the keys directly (tests, and no privilege separation). */
    static SmtpdTls from(Config c, MailLog.Channel log) {
        return from(c, log, SecretFiles.DIRECT, "smtpd");
    }

    /**
     * Reads the TLS parameters and loads the keys through {@code files}, logging problems on {@code log}.
     *
     * @param service the master.cf service name, for messages
     * @throws ConfigException on a bad security level, or keys that cannot be loaded when TLS is required
     */
    static SmtpdTls from(Config c, MailLog.Channel log, SecretFiles files, String service) {
        Level level = level(c, log);
        boolean wrapper = c.bool(Params.SMTPD_TLS_WRAPPERMODE);
        int logLevel = c.integer(Params.SMTPD_TLS_LOGLEVEL);
        boolean received = c.bool(Params.SMTPD_TLS_RECEIVED_HEADER);
        Duration timeout = c.time(Params.SMTPD_STARTTLS_TIMEOUT);
        if (level == Level.NONE && !wrapper) return new SmtpdTls(level, false, null, logLevel, received, timeout);
        boolean mandatory = level == Level.ENCRYPT || wrapper;
        String required = !mandatory ? null : wrapper ? "smtpd_tls_wrappermode = yes"
                : "smtpd_tls_security_level = " + c.str(Params.SMTPD_TLS_SECURITY_LEVEL).strip();
        TlsServerContext context = null;
        List<PemFiles.KeyChain> keys = keys(c, log, files, service, required);
        if (keys != null) {
            checkDhParameters(c, log, files);
            try {
                sslOptions(c);
                context = TlsServerContext.create(keys,
                        c.list(mandatory ? Params.SMTPD_TLS_MANDATORY_PROTOCOLS : Params.SMTPD_TLS_PROTOCOLS),
                        c.str(mandatory ? Params.SMTPD_TLS_MANDATORY_CIPHERS : Params.SMTPD_TLS_CIPHERS),
                        exclusions(c, mandatory)).sessionTimeout(c.time(Params.SMTPD_TLS_SESSION_CACHE_TIMEOUT));
            } catch (IllegalArgumentException e) {
                if (required != null) throw new ConfigException("service " + service + ": " + e.getMessage()
                        + "; TLS is required (" + required + ")");
                log.warn("TLS library problem: " + e.getMessage());
                log.warn("cannot initialize the TLS server engine: disabling TLS support");
            }
        }
        return new SmtpdTls(level, wrapper, context, logLevel, received, timeout);
    }

    /**
     * tls_ssl_options: NO_TICKET turns the JDK's session tickets off (a JVM-wide switch read at the
     * first server handshake, so it takes effect at start, not on reload); NO_RENEGOTIATION and
     * NO_COMPRESSION are always so with the JDK; the other words have no JDK counterpart.
     */
    private static void sslOptions(Config c) {
        for (String w : c.list(Params.TLS_SSL_OPTIONS)) {
            if (w.equalsIgnoreCase("NO_TICKET") && System.getProperty(NO_TICKETS) == null) {
                System.setProperty(NO_TICKETS, "false");
            }
        }
    }

    private static final String NO_TICKETS = "jdk.tls.server.enableSessionTicketExtension";

    /** smtpd_tls_exclude_ciphers, and at mandatory levels also smtpd_tls_mandatory_exclude_ciphers. */
    private static List<String> exclusions(Config c, boolean mandatory) {
        List<String> out = new ArrayList<>(c.list(Params.SMTPD_TLS_EXCLUDE_CIPHERS));
        if (mandatory) out.addAll(c.list(Params.SMTPD_TLS_MANDATORY_EXCLUDE_CIPHERS));
        return out;
    }

    /**
     * The keys the parameters name, or null after logging why there are none; when TLS is
     * {@code required}, a ConfigException instead.
     */
    private static List<PemFiles.KeyChain> keys(Config c, MailLog.Channel log, SecretFiles files, String service,
                                                String required) {
        TlsKeyFiles named = TlsKeyFiles.of(c, "smtpd");
        if (named.none()) {
            if (required != null) {
                throw new ConfigException("service " + service + ": No server certs available. TLS can't be enabled; "
                        + "TLS is required (" + required + ")");
            }
            log.warn("No server certs available. TLS won't be enabled");
            return null;
        }
        try {
            return named.load(files);
        } catch (TlsKeyFiles.KeyException e) {
            if (required != null) {
                throw new ConfigException("service " + service + ": " + e.line() + "; TLS is required (" + required + ")");
            }
            log.warn(e.getMessage() + ": disabling TLS support");
            log.warn("TLS library problem: " + e.detail());
            return null;
        }
    }

    /**
     * smtpd_tls_dh1024_param_file: read (through the hand-over, as the root process reads keys) and
     * checked to hold {@code DH PARAMETERS}; a problem is a warning and the built-in groups are
     * used, as Postfix does. The JDK chooses its finite-field groups itself (RFC 7919 ffdhe, the
     * groups such files usually hold), so the parameters are not otherwise used.
     */
    private static void checkDhParameters(Config c, MailLog.Channel log, SecretFiles files) {
        String f = c.str(Params.SMTPD_TLS_DH1024_PARAM_FILE).strip();
        if (f.isEmpty()) return;
        try {
            if (!PemFiles.blockTypes(files, Path.of(f)).contains("DH PARAMETERS")) {
                log.warn("cannot load DH parameters from file \"" + f + "\": no DH PARAMETERS in it: using built-in defaults");
            }
        } catch (PemFiles.PemException e) {
            log.warn("cannot load DH parameters from file \"" + f + "\": using built-in defaults");
            log.warn("TLS library problem: " + e.getMessage());
        }
    }

    /**
     * smtpd_tls_security_level; when empty, smtpd_enforce_tls (encrypt) and smtpd_use_tls (may),
     * the parameters it replaced ({@link TlsLevel#server}). verify, secure and fingerprint are
     * Postfix's client levels: the server uses encrypt for them, with a warning, as Postfix's smtpd does.
     */
    static Level level(Config c, MailLog.Channel log) {
        TlsLevel l = TlsLevel.server(c);
        String v = c.str(Params.SMTPD_TLS_SECURITY_LEVEL).strip().toLowerCase(Locale.ROOT);
        if (l == TlsLevel.ENCRYPT && !v.equals("encrypt") && !v.isEmpty()) {
            log.warn("smtpd_tls_security_level: unsupported TLS level \"" + v + "\", using \"encrypt\"");
        }
        return switch (l) {
            case NONE -> Level.NONE;
            case MAY -> Level.MAY;
            default -> Level.ENCRYPT;
        };
    }

    /** TLS on connect (smtps, port 465): the handshake comes before the greeting. */
    boolean wrapperMode() {
        return wrapperMode;
    }

    /** The keys loaded: a handshake is possible. */
    boolean available() {
        return context != null;
    }

    /** EHLO offers STARTTLS (until TLS is active). */
    boolean offersStarttls() {
        return level != Level.NONE && !wrapperMode && context != null;
    }

    /** STARTTLS is a known command here (else 502): level may or encrypt, not wrapper mode. */
    boolean starttlsEnabled() {
        return level != Level.NONE && !wrapperMode;
    }

    /** Level encrypt: no mail before STARTTLS. */
    boolean required() {
        return level == Level.ENCRYPT;
    }

    boolean receivedHeader() {
        return receivedHeader;
    }

    /**
     * Runs the server side of the handshake over {@code plain} within smtpd_starttls_timeout (a
     * deadline for the whole handshake, not per read).
     *
     * @return the TLS socket, ready for SMTP
     * @throws IOException when the handshake fails or takes too long (the message says why)
     */
    SSLSocket handshake(Socket plain) throws IOException {
        SSLSocket ssl = context.serverSocket(plain);
        // a backstop only: the deadline below ends the handshake first
        ssl.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis() + 5000));
        AtomicBoolean settled = new AtomicBoolean();
        Thread deadline = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(timeout);
                if (settled.compareAndSet(false, true)) plain.close();
            } catch (InterruptedException | IOException done) {
                // the handshake ended first
            }
        });
        try {
            ssl.startHandshake();
        } catch (IOException e) {
            if (!settled.compareAndSet(false, true) || e instanceof java.net.SocketTimeoutException) {
                throw new IOException("timed out", e);
            }
            throw e;
        } finally {
            deadline.interrupt();
        }
        if (!settled.compareAndSet(false, true)) throw new IOException("timed out");
        return ssl;
    }

    /** What the handshake settled, for the session state. */
    static SmtpdState.Tls describe(SSLSocket ssl) {
        SSLSession s = ssl.getSession();
        return new SmtpdState.Tls(s.getProtocol(), s.getCipherSuite(), TlsProtocols.bits(s.getCipherSuite()));
    }

    /**
     * At smtpd_tls_loglevel 1 or more: {@code Anonymous TLS connection established from
     * host[ip]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)}, Postfix's summary
     * line (with the JDK's cipher names). No client certificate is asked for, so the client is
     * always anonymous.
     */
    String summary(SmtpdState.Client client) {
        if (logLevel < 1) return null;
        return "Anonymous TLS connection established from " + client.label() + ": " + usingText(client.tls);
    }

    /** {@code TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)} */
    static String usingText(SmtpdState.Tls t) {
        return t.protocol() + " with cipher " + t.cipher() + " (" + t.bits() + "/" + t.bits() + " bits)";
    }
}
