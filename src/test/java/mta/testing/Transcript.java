package mta.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Transcript - a test SMTP client whose tests read like a session log: send, then expect.
 *
 * <p>Connects over TCP (optionally from a chosen loopback source address, to play a client outside
 * mynetworks), writes raw lines with CRLF, reads whole (multi-line) replies, and fails the test with
 * the full reply when it does not start as expected. {@link #startTls} runs a TLS handshake on the
 * same socket (after the server's 220 to STARTTLS), {@link #connectTls} one at once (wrapper
 * mode); the client accepts any server certificate.
 */
public final class Transcript implements AutoCloseable {
    private Socket socket;
    private BufferedReader in;
    private OutputStream out;

    private Transcript(Socket socket) throws IOException {
        use(socket);
    }

    private void use(Socket s) throws IOException {
        this.socket = s;
        s.setSoTimeout(20_000);
        this.in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        this.out = s.getOutputStream();
    }

    /** Connects and runs the TLS handshake at once (smtpd_tls_wrappermode). */
    public static Transcript connectTls(int port) throws IOException {
        return new Transcript(new Socket("127.0.0.1", port)).startTls();
    }

    /**
     * Runs a client TLS handshake over the connection; replies buffered before it are dropped, as
     * RFC 3207 requires of a client.
     */
    public Transcript startTls() throws IOException {
        return startTls(new String[0]);
    }

    /** {@link #startTls()} offering only the given signature schemes ("ecdsa_secp256r1_sha256"). */
    public Transcript startTls(String... signatureSchemes) throws IOException {
        javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) acceptAnyCertificate().getSocketFactory()
                .createSocket(socket, "127.0.0.1", socket.getPort(), true);
        ssl.setUseClientMode(true);
        if (signatureSchemes.length > 0) {
            javax.net.ssl.SSLParameters p = ssl.getSSLParameters();
            p.setSignatureSchemes(signatureSchemes);
            ssl.setSSLParameters(p);
        }
        ssl.startHandshake();
        use(ssl);
        return this;
    }

    /** The TLS protocol and cipher suite, once {@link #startTls} has run. */
    public javax.net.ssl.SSLSession tlsSession() {
        return ((javax.net.ssl.SSLSocket) socket).getSession();
    }

    private static javax.net.ssl.SSLContext acceptAnyCertificate() {
        try {
            javax.net.ssl.SSLContext c = javax.net.ssl.SSLContext.getInstance("TLS");
            c.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
                @Override
                public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                }

                @Override
                public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                    return new java.security.cert.X509Certificate[0];
                }
            }}, null);
            return c;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Transcript connect(int port) throws IOException {
        return new Transcript(new Socket("127.0.0.1", port));
    }

    /** Connects from {@code sourceAddress} (e.g. 127.0.0.2) to 127.0.0.1:port. */
    public static Transcript connectFrom(String sourceAddress, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(sourceAddress), 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        return new Transcript(s);
    }

    /** Sends one line; CRLF is added. */
    public Transcript send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return this;
    }

    /** Sends bytes exactly as given (for bare LF and pipelining tests). */
    public Transcript sendRaw(String data) throws IOException {
        out.write(data.getBytes(StandardCharsets.UTF_8));
        out.flush();
        return this;
    }

    /** Sends bytes exactly as given, also those that are not UTF-8 (NUL, binary garbage, bad UTF-8). */
    public Transcript sendBytes(byte[] data) throws IOException {
        out.write(data);
        out.flush();
        return this;
    }

    /** Reads one reply (all its lines) and checks that its last line starts with {@code prefix}. */
    public String expect(String prefix) throws IOException {
        String reply = reply();
        String last = reply.substring(reply.lastIndexOf('\n') + 1);
        if (!last.startsWith(prefix)) fail("expected \"" + prefix + "...\" but the server said:\n" + reply);
        return reply;
    }

    /** Reads one reply, all lines joined by \n. */
    public String reply() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String l = in.readLine();
            if (l == null) {
                if (lines.isEmpty()) fail("connection closed, no reply");
                break;
            }
            lines.add(l);
            if (l.length() < 4 || l.charAt(3) != '-') break;
        }
        return String.join("\n", lines);
    }

    /** Reads whatever comes (a TLS alert, say) until the server closes the connection. */
    public void awaitClosed() throws IOException {
        while (in.readLine() != null) {
            // discard
        }
    }

    /** Expects the server to close the connection. */
    public void expectClosed() throws IOException {
        assertTrue(in.readLine() == null, "the server should have closed the connection");
    }

    /**
     * One whole, accepted message: EHLO, MAIL, RCPT, DATA with {@code content} lines, QUIT.
     * Returns the reply to the final dot ("250 2.0.0 Ok: queued as ...").
     */
    public static String mail(int port, String from, String rcpt, String... content) throws IOException {
        try (Transcript t = connect(port)) {
            t.expect("220 ");
            t.send("EHLO client.example.test").expect("250 ");
            t.send("MAIL FROM:<" + from + ">").expect("250 ");
            t.send("RCPT TO:<" + rcpt + ">").expect("250 ");
            t.send("DATA").expect("354 ");
            for (String line : content) t.send(line);
            String reply = t.send(".").expect("250 ");
            t.send("QUIT").expect("221 ");
            return reply;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
