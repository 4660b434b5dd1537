package mta.tls;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * TlsServerContext - the server side of TLS, built once per configuration: keys, protocols, cipher suites.
 *
 * <p>Reads the {@link PemFiles.KeyChain}s (an RSA and an EC key may both be given; the JDK picks
 * the one the client's signature algorithms allow) and the protocol and cipher lists of
 * {@link TlsProtocols}. {@link #serverSocket} layers a server-mode {@link SSLSocket} over an
 * accepted plain socket; the caller runs the handshake.
 *
 * <p>Client-initiated renegotiation is refused, as Postfix refuses it (OpenSSL's
 * NO_RENEGOTIATION): a client that asks for a new handshake on an established TLS 1.2 session gets
 * a fatal alert, so it cannot make the server do expensive handshakes over and over. The JDK reads
 * the switch, {@code jdk.tls.rejectClientInitiatedRenegotiation}, once per JVM, before its first
 * server handshake: {@code postfix start} puts it on the master's command line, and this class sets
 * it when it is loaded, which is before any server context exists. TLS 1.3 has no renegotiation.
 */
public final class TlsServerContext {
    private static final char[] NO_PASSWORD = new char[0];

    /** The JDK's switch that refuses renegotiation started by a client. */
    public static final String REJECT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";

    static {
        System.setProperty(REJECT_RENEGOTIATION, "true");
    }

    private final SSLContext context;
    private final SSLParameters parameters;

    private TlsServerContext(SSLContext context, SSLParameters parameters) {
        this.context = context;
        this.parameters = parameters;
    }

    /** The same, with no cipher exclusions. */
    public static TlsServerContext create(List<PemFiles.KeyChain> keys, List<String> protocols, String grade) {
        return create(keys, protocols, grade, List.of());
    }

    /**
     * @param keys       at least one key with its chain
     * @param protocols  Postfix protocol syntax ({@code >=TLSv1})
     * @param grade      Postfix cipher grade ({@code medium})
     * @param exclusions {@code smtpd_tls_exclude_ciphers} words ({@link CipherExclusions})
     * @throws IllegalArgumentException when the settings leave no protocol or no cipher suite
     */
    public static TlsServerContext create(List<PemFiles.KeyChain> keys, List<String> protocols, String grade,
                                          List<String> exclusions) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int n = 0;
            for (PemFiles.KeyChain kc : keys) {
                ks.setKeyEntry("key" + n++, kc.key(), NO_PASSWORD, kc.chain().toArray(new X509Certificate[0]));
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("NewSunX509");
            kmf.init(ks, NO_PASSWORD);
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(kmf.getKeyManagers(), null, null);
            SSLParameters defaults = c.getDefaultSSLParameters();
            SSLParameters supported = c.getSupportedSSLParameters();
            List<String> p = TlsProtocols.protocols(protocols, Arrays.asList(supported.getProtocols()));
            List<String> enabledByJdk = Arrays.asList(defaults.getProtocols());
            List<String> usable = p.stream().filter(enabledByJdk::contains).toList();
            if (usable.isEmpty()) {
                throw new IllegalArgumentException("no TLS protocol left from \"" + String.join(", ", protocols)
                        + "\" among those the JDK enables " + enabledByJdk);
            }
            List<String> suites = CipherExclusions.apply(TlsProtocols.ciphers(grade,
                    Arrays.asList(defaults.getCipherSuites()), Arrays.asList(supported.getCipherSuites())), exclusions);
            if (suites.isEmpty()) throw new IllegalArgumentException("no cipher suite for grade \"" + grade + "\"");
            SSLParameters params = c.getDefaultSSLParameters();
            params.setProtocols(usable.toArray(new String[0]));
            params.setCipherSuites(suites.toArray(new String[0]));
            params.setNeedClientAuth(false);
            params.setWantClientAuth(false);
            return new TlsServerContext(c, params);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** A server-mode TLS socket over {@code plain} (closing it closes {@code plain}); no handshake yet. */
    public SSLSocket serverSocket(Socket plain) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain,
                plain.getInetAddress().getHostAddress(), plain.getPort(), true);
        s.setUseClientMode(false);
        s.setSSLParameters(parameters);
        return s;
    }

    /**
     * How long a client may resume a session ({@code smtpd_tls_session_cache_timeout}); the JDK
     * keeps the sessions in memory (there is no cache file). 0 turns resumption off.
     */
    public TlsServerContext sessionTimeout(java.time.Duration timeout) {
        javax.net.ssl.SSLSessionContext sessions = context.getServerSessionContext();
        if (timeout.isZero()) {
            sessions.setSessionCacheSize(1);
            sessions.setSessionTimeout(1);
        } else {
            sessions.setSessionTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toSeconds()));
        }
        return this;
    }

    /** The protocols a handshake may settle on. */
    public List<String> protocols() {
        return List.of(parameters.getProtocols());
    }
}
