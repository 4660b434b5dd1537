package mta.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * TestPem - self-signed certificates and private keys in PEM files, made with openssl at test time.
 *
 * <p>Writes a key and a certificate for {@code CN=mx.example.test} into a directory, with the key
 * in one of the forms OpenSSL writes: PKCS#8 ({@code PRIVATE KEY}), PKCS#1
 * ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}). No key is checked into the repository.
 */
public final class TestPem {
    /** The key forms. */
    public enum Form { RSA_PKCS8, RSA_PKCS1, EC_SEC1 }

    /** A certificate file and its key file. */
    public record Pair(Path cert, Path key) {
        /** The key followed by the certificate in one file, as smtpd_tls_chain_files wants it. */
        public Path chainFile(Path file) throws IOException {
            Files.writeString(file, Files.readString(key) + Files.readString(cert));
            return file;
        }
    }

    private TestPem() {}

    public static Pair make(Path dir, Form form) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String name = form.name().toLowerCase(java.util.Locale.ROOT);
        Path key = dir.resolve(name + "-key.pem");
        Path cert = dir.resolve(name + "-cert.pem");
        switch (form) {
            case RSA_PKCS8 -> run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                    "-out", key.toString());
            case RSA_PKCS1 -> run("openssl", "genrsa", "-traditional", "-out", key.toString(), "2048");
            case EC_SEC1 -> run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString());
        }
        run("openssl", "req", "-x509", "-new", "-key", key.toString(), "-out", cert.toString(), "-days", "2",
                "-subj", "/CN=mx.example.test");
        String begin = switch (form) {
            case RSA_PKCS8 -> "-----BEGIN PRIVATE KEY-----";
            case RSA_PKCS1 -> "-----BEGIN RSA PRIVATE KEY-----";
            case EC_SEC1 -> "-----BEGIN EC PRIVATE KEY-----";
        };
        if (!Files.readString(key).startsWith(begin)) throw new IOException("openssl wrote another key form: " + key);
        return new Pair(cert, key);
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(cmd))).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
}
