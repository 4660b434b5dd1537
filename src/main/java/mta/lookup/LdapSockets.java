package mta.lookup;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.naming.NamingException;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * LdapSockets - the sockets JNDI opens for an {@code ldap:} table: UNIX-domain for
 * {@code ldapi://}, TLS with the table's trust settings for {@code ldaps://}, plain TCP otherwise.
 *
 * <p>Reads the CA file named by {@code tls_ca_cert_file}. JNDI makes its socket factory through
 * the static {@link #getDefault()} of the class named in the environment, on the thread that opens
 * the context, so the table's settings travel in a thread-local set around that call
 * ({@link #withSettings}). With {@code tls_require_cert = no} (Postfix's default) the server
 * certificate is not checked; with {@code yes} it must chain to tls_ca_cert_file (or the JDK's
 * trust store) and name the server.
 */
public final class LdapSockets extends SocketFactory {
    /** How to open this table's sockets. */
    record Settings(String unixPath, SSLSocketFactory ssl, boolean ldaps) {}

    /** Opens one context. */
    interface Opener<T> {
        T open() throws NamingException;
    }

    private static final ThreadLocal<Settings> CURRENT = new ThreadLocal<>();
    private final Settings settings;

    private LdapSockets(Settings settings) {
        this.settings = settings;
    }

    /** Called by JNDI. */
    public static SocketFactory getDefault() {
        Settings s = CURRENT.get();
        return new LdapSockets(s != null ? s : new Settings(null, (SSLSocketFactory) SSLSocketFactory.getDefault(), false));
    }

    static <T> T withSettings(Settings s, Opener<T> opener) throws NamingException {
        CURRENT.set(s);
        try {
            return opener.open();
        } finally {
            CURRENT.remove();
        }
    }

    /** The TLS socket factory for {@code ldaps://} and STARTTLS. */
    static SSLSocketFactory sslFactory(String spec, boolean requireCert, String caFile) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            TrustManager[] trust;
            if (!requireCert) {
                trust = new TrustManager[] {new TrustAll()};
            } else if (!caFile.isEmpty()) {
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                try (InputStream in = Files.newInputStream(Path.of(caFile))) {
                    int n = 0;
                    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        ks.setCertificateEntry("ca" + n++, c);
                    }
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                trust = tmf.getTrustManagers();
            } else {
                trust = null;
            }
            ctx.init(null, trust, null);
            return ctx.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new TableException(spec + ": tls_ca_cert_file " + caFile + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Socket createSocket() throws IOException {
        if (settings.unixPath() != null) return new UnixSocketFactory.UnixSocket(Path.of(settings.unixPath()));
        return settings.ldaps() ? settings.ssl().createSocket() : new Socket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        if (settings.unixPath() != null) {
            Socket s = createSocket();
            s.connect(null, 0);
            return s;
        }
        return settings.ldaps() ? settings.ssl().createSocket(host, port) : new Socket(host, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return createSocket(host.getHostAddress(), port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return createSocket(address.getHostAddress(), port);
    }

    /** Accepts any server certificate: {@code tls_require_cert = no}. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
