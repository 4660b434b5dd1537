package mta.tls;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import mta.config.Config;
import mta.util.SecretFiles;

/**
 * TlsKeyFiles - the private keys and certificate chains one TLS role is configured with: the SMTP
 * server's ({@code smtpd_tls_*}) or the SMTP client's ({@code smtp_tls_*}).
 *
 * <p>Reads the parameters {@code PREFIX_tls_chain_files}, else {@code PREFIX_tls_cert_file} /
 * {@code _key_file} (RSA) and {@code PREFIX_tls_eccert_file} / {@code _eckey_file} (ECDSA), and
 * then the files they name, through a {@link SecretFiles} (the privileged process when the key is
 * root-only). A problem is a {@link KeyException} in Postfix's words: {@code cannot get RSA private
 * key from file "/etc/ssl/private/mx.key"}, with the underlying reason ({@code cannot read file
 * "...": Permission denied}) as its detail, which Postfix logs as a "TLS library problem".
 */
public record TlsKeyFiles(List<Path> chainFiles, Path rsaCert, Path rsaKey, Path ecCert, Path ecKey) {

    /** A key or certificate that cannot be loaded. */
    public static final class KeyException extends Exception {
        private final String detail;

        KeyException(String message, String detail) {
            super(message);
            this.detail = detail;
        }

        /** The reason underneath ({@code cannot read file "...": Permission denied}). */
        public String detail() {
            return detail;
        }

        /**
         * One line for a fatal message: {@code cannot get RSA private key from file "/k.pem":
         * Permission denied} (the file is named once).
         */
        public String line() {
            int cut = detail.startsWith("cannot read file \"") ? detail.indexOf("\": ") : -1;
            return getMessage() + ": " + (cut > 0 ? detail.substring(cut + 3) : detail);
        }
    }

    /** The files named by {@code prefix_tls_*} ({@code prefix} is {@code smtpd} or {@code smtp}). */
    public static TlsKeyFiles of(Config c, String prefix) {
        List<Path> chains = new ArrayList<>();
        for (String f : Config.splitList(c.get(prefix + "_tls_chain_files"))) chains.add(Path.of(f));
        return new TlsKeyFiles(List.copyOf(chains), path(c, prefix + "_tls_cert_file"), path(c, prefix + "_tls_key_file"),
                path(c, prefix + "_tls_eccert_file"), path(c, prefix + "_tls_eckey_file"));
    }

    private static Path path(Config c, String name) {
        String v = c.get(name).strip();
        return v.isEmpty() || v.equalsIgnoreCase("none") ? null : Path.of(v);
    }

    /** No key is configured at all. */
    public boolean none() {
        return chainFiles.isEmpty() && rsaCert == null && ecCert == null;
    }

    /** The files that will be read, for messages. */
    public List<Path> files() {
        if (!chainFiles.isEmpty()) return chainFiles;
        List<Path> out = new ArrayList<>();
        if (rsaCert != null) {
            out.add(rsaCert);
            if (rsaKey != null && !rsaKey.equals(rsaCert)) out.add(rsaKey);
        }
        if (ecCert != null) {
            out.add(ecCert);
            if (ecKey != null && !ecKey.equals(ecCert)) out.add(ecKey);
        }
        return out;
    }

    /**
     * Loads every configured key with its chain; empty when {@link #none()}.
     *
     * @throws KeyException for the first file that cannot be used
     */
    public List<PemFiles.KeyChain> load(SecretFiles files) throws KeyException {
        List<PemFiles.KeyChain> out = new ArrayList<>();
        if (!chainFiles.isEmpty()) {
            try {
                out.addAll(PemFiles.loadChains(files, chainFiles));
            } catch (PemFiles.PemException e) {
                throw new KeyException("cannot load private keys and certificate chains from file"
                        + (chainFiles.size() > 1 ? "s" : "") + " \"" + String.join(", ",
                        chainFiles.stream().map(Path::toString).toList()) + "\"", e.getMessage());
            }
            return out;
        }
        if (rsaCert != null) out.add(pair(files, "RSA", rsaCert, rsaKey));
        if (ecCert != null) out.add(pair(files, "ECDSA", ecCert, ecKey));
        return out;
    }

    private static PemFiles.KeyChain pair(SecretFiles files, String kind, Path cert, Path key) throws KeyException {
        Path keyFile = key == null ? cert : key;
        List<X509Certificate> chain;
        try {
            chain = PemFiles.certificates(files, cert);
            if (chain.isEmpty()) throw new PemFiles.PemException("no certificate in file \"" + cert + "\"");
        } catch (PemFiles.PemException e) {
            throw new KeyException("cannot get " + kind + " certificate from file \"" + cert + "\"", e.getMessage());
        }
        PemFiles.KeyChain kc;
        try {
            kc = new PemFiles.KeyChain(PemFiles.privateKey(files, keyFile), List.copyOf(chain));
        } catch (PemFiles.PemException e) {
            throw new KeyException("cannot get " + kind + " private key from file \"" + keyFile + "\"", e.getMessage());
        }
        if (!PemFiles.matches(kc)) {
            throw new KeyException(kind + " private key in " + keyFile + " does not match public key in " + cert,
                    "the key and the certificate do not belong together");
        }
        return kc;
    }
}
