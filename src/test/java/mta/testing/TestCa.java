package mta.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import mta.tls.PemFiles;

/**
 * TestCa - a Certification Authority made with openssl at test time, and server certificates it
 * signs for given DNS names; no key is checked into the repository.
 *
 * <p>Writes {@code ca.pem} (the CA certificate, for {@code smtp_tls_CAfile} or a trust-anchor
 * file) and, per server, {@code NAME-cert.pem} (leaf, then the CA) and {@code NAME-key.pem}
 * into a directory. {@link #serverContext} turns a server's files into an SSLContext for a test
 * server; {@link #spkiSha256} and {@link #certSha256} give the digests TLSA records and
 * fingerprints use.
 */
public final class TestCa {
    private final Path dir;
    public final Path caCert;
    private final Path caKey;
    private int serial = 1;

    private TestCa(Path dir, Path caCert, Path caKey) {
        this.dir = dir;
        this.caCert = caCert;
        this.caKey = caKey;
    }

    /** A new CA (EC P-256) named {@code cn}, in {@code dir}. */
    public static TestCa create(Path dir, String cn) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path cert = dir.resolve("ca.pem");
        Path key = dir.resolve("ca-key.pem");
        run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=" + cn,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return new TestCa(dir, cert, key);
    }

    /** A server certificate signed by this CA for the DNS names given (the first is also the CN). */
    public TestPem.Pair issue(String file, String... dnsNames) throws IOException, InterruptedException {
        Path key = dir.resolve(file + "-key.pem");
        Path csr = dir.resolve(file + ".csr");
        Path leaf = dir.resolve(file + "-leaf.pem");
        Path cert = dir.resolve(file + "-cert.pem");
        Path ext = dir.resolve(file + ".ext");
        List<String> sans = new ArrayList<>();
        for (String n : dnsNames) sans.add("DNS:" + n);
        Files.writeString(ext, "subjectAltName=" + String.join(",", sans) + "\nextendedKeyUsage=serverAuth\n"
                + "keyUsage=critical,digitalSignature\n");
        run(dir, "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=" + dnsNames[0]);
        run(dir, "openssl", "x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
                "-set_serial", Integer.toString(serial++), "-out", leaf.toString(), "-days", "2", "-extfile", ext.toString());
        Files.writeString(cert, Files.readString(leaf) + Files.readString(caCert));
        return new TestPem.Pair(cert, key);
    }

    /** An SSLContext that serves the pair's key and chain. */
    public static SSLContext serverContext(TestPem.Pair pair) throws Exception {
        PemFiles.KeyChain kc = PemFiles.load(pair.cert(), pair.key());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", kc.key(), new char[0], kc.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("NewSunX509");
        kmf.init(ks, new char[0]);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(kmf.getKeyManagers(), null, null);
        return c;
    }

    /** SHA-256 of the certificate's public key (TLSA 3 1 1 / 2 1 1), hex. */
    public static String spkiSha256(Path certFile) throws Exception {
        X509Certificate c = PemFiles.certificates(mta.util.SecretFiles.DIRECT, certFile).get(0);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getPublicKey().getEncoded()));
    }

    /** SHA-256 of the whole certificate (TLSA x 0 1, fingerprints), hex. */
    public static String certSha256(Path certFile) throws Exception {
        X509Certificate c = PemFiles.certificates(mta.util.SecretFiles.DIRECT, certFile).get(0);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    }

    private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
}
