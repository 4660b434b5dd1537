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
import mta.tls.TlsProtocols;
import mta.tls.TlsServerContext;
import mta.util.MailLog;

/**
 * SmtpdTls - the SMTP server's TLS: the security level, the server keys, and the handshake (Postfix's smtpd_tls.c).
 *
 * <p>Reads {@code smtpd_tls_security_level}, {@code smtpd_tls_wrappermode}, the key and
 * certificate parameters ({@code smtpd_tls_chain_files}, else {@code smtpd_tls_cert_file} /
 * {@code _key_file} and {@code smtpd_tls_eccert_file} / {@code _eckey_file}), the protocol and
 * cipher parameters (the {@code mandatory} ones at level encrypt), {@code smtpd_tls_loglevel},
 * {@code smtpd_tls_received_header} and {@code smtpd_starttls_timeout}, once per listener
 * configuration. Keys that cannot be loaded are logged as warnings and leave the server without
 * TLS ({@link #available()} false): at level may STARTTLS is then not offered; at level encrypt
 * STARTTLS is answered {@code 454 4.7.0 TLS not available due to local problem} and mail is
 * refused until TLS, which cannot happen. Writes the handshake on a session's socket.
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

    /**
     * Reads the TLS parameters and loads the keys, logging problems on {@code log}.
     *
     * @throws ConfigException on a bad security level
     */
    static SmtpdTls from(Config c, MailLog.Channel log) {
        Level level = level(c.str(Params.SMTPD_TLS_SECURITY_LEVEL));
        boolean wrapper = c.bool(Params.SMTPD_TLS_WRAPPERMODE);
        int logLevel = c.integer(Params.SMTPD_TLS_LOGLEVEL);
        boolean received = c.bool(Params.SMTPD_TLS_RECEIVED_HEADER);
        Duration timeout = c.time(Params.SMTPD_STARTTLS_TIMEOUT);
        if (level == Level.NONE && !wrapper) return new SmtpdTls(level, false, null, logLevel, received, timeout);
        boolean mandatory = level == Level.ENCRYPT || wrapper;
        TlsServerContext context = null;
        List<PemFiles.KeyChain> keys = keys(c, log, level);
        if (keys != null) {
            try {
                context = TlsServerContext.create(keys,
                        c.list(mandatory ? Params.SMTPD_TLS_MANDATORY_PROTOCOLS : Params.SMTPD_TLS_PROTOCOLS),
                        c.str(mandatory ? Params.SMTPD_TLS_MANDATORY_CIPHERS : Params.SMTPD_TLS_CIPHERS));
            } catch (IllegalArgumentException e) {
                log.warn("TLS library problem: " + e.getMessage());
                log.warn("cannot initialize the TLS server engine: disabling TLS support");
            }
        }
        return new SmtpdTls(level, wrapper, context, logLevel, received, timeout);
    }

    /** The keys the parameters name, or null after logging why there are none. */
    private static List<PemFiles.KeyChain> keys(Config c, MailLog.Channel log, Level level) {
        List<PemFiles.KeyChain> keys = new ArrayList<>();
        try {
            List<String> chains = c.list(Params.SMTPD_TLS_CHAIN_FILES);
            if (!chains.isEmpty()) {
                for (String f : chains) keys.addAll(PemFiles.loadChains(Path.of(f)));
                return keys;
            }
            String cert = c.str(Params.SMTPD_TLS_CERT_FILE).strip();
            String ecCert = c.str(Params.SMTPD_TLS_ECCERT_FILE).strip();
            if (cert.isEmpty() && ecCert.isEmpty()) {
                log.warn("No server certs available. TLS " + (level == Level.ENCRYPT ? "can't" : "won't") + " be enabled");
                return null;
            }
            if (!cert.isEmpty()) keys.add(load("RSA", cert, c.str(Params.SMTPD_TLS_KEY_FILE).strip(), log));
            if (!ecCert.isEmpty()) keys.add(load("ECDSA", ecCert, c.str(Params.SMTPD_TLS_ECKEY_FILE).strip(), log));
            return keys;
        } catch (PemFiles.PemException e) {
            log.warn("TLS library problem: " + e.getMessage());
            log.warn("cannot load the server certificates and keys: disabling TLS support");
            return null;
        }
    }

    private static PemFiles.KeyChain load(String kind, String cert, String key, MailLog.Channel log)
            throws PemFiles.PemException {
        try {
            return PemFiles.load(Path.of(cert), Path.of(key.isEmpty() ? cert : key));
        } catch (PemFiles.PemException e) {
            log.warn("cannot get " + kind + " certificate or private key from file \"" + cert + "\": disabling TLS support");
            throw e;
        }
    }

    static Level level(String v) {
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "", "none" -> Level.NONE;
            case "may" -> Level.MAY;
            case "encrypt" -> Level.ENCRYPT;
            default -> throw new ConfigException("smtpd_tls_security_level: unsupported level \"" + v.strip()
                    + "\" (use none, may or encrypt)");
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
