package mta.smtp;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import mta.config.Config;
import mta.config.Params;
import mta.tls.TlsProtocols;

/**
 * SmtpTls - the SMTP client's TLS policy and handshake: when to say STARTTLS, and how.
 *
 * <p>Reads {@code smtp_tls_security_level} and {@code smtp_tls_loglevel}, and the JDK's default
 * trust store (only to tell "Trusted" from "Untrusted" in the log); writes the TLS handshake on
 * a {@link SmtpConnection}. At the levels {@code may} and {@code encrypt} the server's
 * certificate is not verified, as in Postfix: any certificate is accepted, because opportunistic
 * encryption against a passive listener is the goal, not authentication.
 */
final class SmtpTls {
    /** The security levels this client implements (Postfix's dane, verify, secure are not). */
    enum Level {
        NONE, MAY, ENCRYPT;

        static Level parse(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "", "none" -> NONE;
                case "may" -> MAY;
                case "encrypt" -> ENCRYPT;
                default -> throw new mta.config.ConfigException("smtp_tls_security_level: unsupported level \""
                        + value.strip() + "\" (use none, may or encrypt)");
            };
        }
    }

    /** What a handshake produced, for the log line. */
    record Established(String protocol, String cipher, boolean trusted) {}

    static final SmtpTls OFF = new SmtpTls(Level.NONE, 0);

    private final Level level;
    private final int logLevel;
    /** Null at level none. */
    private final SSLContext context;

    SmtpTls(Level level, int logLevel) {
        this.level = level;
        this.logLevel = logLevel;
        this.context = level == Level.NONE ? null : acceptAnyContext();
    }

    static SmtpTls from(Config config) {
        return new SmtpTls(Level.parse(config.str(Params.SMTP_TLS_SECURITY_LEVEL)),
                config.integer(Params.SMTP_TLS_LOGLEVEL));
    }

    Level level() {
        return level;
    }

    /** True when a summary line should be logged for each handshake. */
    boolean logSummary() {
        return logLevel >= 1;
    }

    /** Runs the handshake on {@code conn}; the caller has had the 220 reply to STARTTLS. */
    Established handshake(SmtpConnection conn, MailHost host, Duration timeout) throws IOException {
        SSLSession session = conn.startTls(context.getSocketFactory(), host, timeout);
        return new Established(session.getProtocol(), session.getCipherSuite(), trusted(session));
    }

    /**
     * {@code Untrusted TLS connection established to mx.example.com[192.0.2.1]:25: TLSv1.3 with
     * cipher TLS_AES_256_GCM_SHA384 (256/256 bits)}, the shape of Postfix's summary line. The
     * cipher has the JDK's (IANA) name, not OpenSSL's.
     */
    static String summary(Established e, MailHost host) {
        int bits = TlsProtocols.bits(e.cipher());
        return (e.trusted() ? "Trusted" : "Untrusted") + " TLS connection established to " + host.relay() + ": "
                + e.protocol() + " with cipher " + e.cipher() + (bits > 0 ? " (" + bits + "/" + bits + " bits)" : "");
    }

    private static SSLContext acceptAnyContext() {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, new TrustManager[] {new AcceptAny()}, null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** Would the JDK's default trust store accept this chain? Only the log line asks. */
    private static boolean trusted(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            X509Certificate[] x509 = new X509Certificate[chain.length];
            for (int i = 0; i < chain.length; i++) x509[i] = (X509Certificate) chain[i];
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init((KeyStore) null);
            for (TrustManager tm : f.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    x.checkServerTrusted(x509, "UNKNOWN");
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    /** Accepts every server certificate: the levels may and encrypt do not authenticate. */
    private static final class AcceptAny implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // never used by a client
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // unauthenticated encryption: any certificate will do
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
