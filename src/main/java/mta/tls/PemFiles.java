package mta.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import mta.util.SecretFiles;

/**
 * PemFiles - private keys, certificate chains, CA certificates and public keys from PEM files, as
 * Postfix's TLS parameters name them.
 *
 * <p>Reads PEM text through a {@link SecretFiles} (the privileged process, for root-only files):
 * {@code CERTIFICATE} and {@code PUBLIC KEY} blocks, and private keys in the three forms OpenSSL
 * writes: {@code PRIVATE KEY} (PKCS#8), {@code RSA PRIVATE KEY} (PKCS#1) and {@code EC PRIVATE
 * KEY} (SEC1). The JDK reads only PKCS#8, so the other two are wrapped in a PKCS#8 structure (a
 * few bytes of DER around them). Encrypted keys are refused, as Postfix refuses them. Writes
 * nothing; every problem is a {@link PemException} whose message names the file, never its content.
 */
public final class PemFiles {
    private PemFiles() {}

    /** A private key and its certificate chain, leaf first. */
    public record KeyChain(PrivateKey key, List<X509Certificate> chain) {}

    /** A key or certificate that cannot be used, with a message fit for a log line. */
    public static final class PemException extends Exception {
        public PemException(String message) {
            super(message);
        }
    }

    /** One {@code -----BEGIN type-----} block: its type and decoded bytes. */
    record Block(String type, byte[] der) {}

    /**
     * The key in {@code keyFile} with the certificates of {@code certFile} (leaf first; the files
     * may be one and the same), checked to belong together; read directly.
     */
    public static KeyChain load(Path certFile, Path keyFile) throws PemException {
        return load(SecretFiles.DIRECT, certFile, keyFile);
    }

    /** The same, read through {@code files}. */
    public static KeyChain load(SecretFiles files, Path certFile, Path keyFile) throws PemException {
        List<X509Certificate> certs = certificates(files, certFile);
        if (certs.isEmpty()) throw new PemException("no certificate in file \"" + certFile + "\"");
        KeyChain kc = new KeyChain(privateKey(files, keyFile), List.copyOf(certs));
        checkPair(kc, keyFile);
        return kc;
    }

    /** The first private key of a file. */
    public static PrivateKey privateKey(SecretFiles files, Path keyFile) throws PemException {
        for (Block b : blocks(files, keyFile)) {
            if (isKey(b.type)) return privateKey(keyFile, b);
        }
        throw new PemException("no private key in file \"" + keyFile + "\"");
    }

    /** True when the key signs what the leaf certificate's public key verifies. */
    public static boolean matches(KeyChain kc) {
        try {
            checkPair(kc, Path.of("-"));
            return true;
        } catch (PemException e) {
            return false;
        }
    }

    /** Every {@code CERTIFICATE} of a file (a certificate chain, a CA file), in file order. */
    public static List<X509Certificate> certificates(SecretFiles files, Path file) throws PemException {
        List<X509Certificate> certs = new ArrayList<>();
        for (Block b : blocks(files, file)) if (b.type.equals("CERTIFICATE")) certs.add(certificate(file, b));
        return certs;
    }

    /** Every {@code PUBLIC KEY} of a file (trust-anchor files may hold bare public keys). */
    public static List<PublicKey> publicKeys(SecretFiles files, Path file) throws PemException {
        List<PublicKey> keys = new ArrayList<>();
        for (Block b : blocks(files, file)) {
            if (!b.type.equals("PUBLIC KEY")) continue;
            PublicKey k = null;
            for (String alg : List.of("RSA", "EC", "Ed25519", "Ed448")) {
                try {
                    k = KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(b.der));
                    break;
                } catch (GeneralSecurityException tryNext) {
                    // not this algorithm
                }
            }
            if (k == null) throw new PemException("cannot decode a public key in file \"" + file + "\"");
            keys.add(k);
        }
        return keys;
    }

    /** The types of the PEM blocks of a file ({@code DH PARAMETERS}, ...), to check what it holds. */
    public static List<String> blockTypes(SecretFiles files, Path file) throws PemException {
        return blocks(files, file).stream().map(Block::type).toList();
    }

    /** The keys of one {@code smtpd_tls_chain_files} file, read directly. */
    public static List<KeyChain> loadChains(Path file) throws PemException {
        return loadChains(SecretFiles.DIRECT, List.of(file));
    }

    /**
     * The keys of {@code smtpd_tls_chain_files}: the files taken as one concatenated sequence (as
     * Postfix reads them), each private key followed by its certificate chain (leaf first). A key
     * may so be in one file and its certificates in the next.
     */
    public static List<KeyChain> loadChains(SecretFiles files, List<Path> chainFiles) throws PemException {
        List<KeyChain> out = new ArrayList<>();
        PrivateKey key = null;
        Path keyFile = null;
        List<X509Certificate> certs = new ArrayList<>();
        for (Path file : chainFiles) {
            for (Block b : blocks(files, file)) {
                if (isKey(b.type)) {
                    if (key != null) out.add(group(keyFile, key, certs));
                    key = privateKey(file, b);
                    keyFile = file;
                    certs = new ArrayList<>();
                } else if (b.type.equals("CERTIFICATE")) {
                    if (key == null) throw new PemException("certificate before its private key in file \"" + file + "\"");
                    certs.add(certificate(file, b));
                }
            }
        }
        if (key == null) {
            throw new PemException("no private key in file" + (chainFiles.size() > 1 ? "s" : "") + " \""
                    + String.join(", ", chainFiles.stream().map(Path::toString).toList()) + "\"");
        }
        out.add(group(keyFile, key, certs));
        return out;
    }

    private static KeyChain group(Path file, PrivateKey key, List<X509Certificate> certs) throws PemException {
        if (certs.isEmpty()) throw new PemException("no certificate after a private key in file \"" + file + "\"");
        KeyChain kc = new KeyChain(key, List.copyOf(certs));
        checkPair(kc, file);
        return kc;
    }

    private static boolean isKey(String type) {
        return type.endsWith("PRIVATE KEY");
    }

    static List<Block> blocks(SecretFiles files, Path file) throws PemException {
        byte[] raw;
        try {
            raw = files.read(file);
        } catch (IOException e) {
            throw new PemException("cannot read file \"" + file + "\": " + e.getMessage());
        }
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        Arrays.fill(raw, (byte) 0);
        List<Block> out = new ArrayList<>();
        int at = 0;
        while (true) {
            int begin = text.indexOf("-----BEGIN ", at);
            if (begin < 0) break;
            int typeEnd = text.indexOf("-----", begin + 11);
            if (typeEnd < 0) break;
            String type = text.substring(begin + 11, typeEnd);
            String endMarker = "-----END " + type + "-----";
            int end = text.indexOf(endMarker, typeEnd);
            if (end < 0) throw new PemException("unterminated " + type + " block in file \"" + file + "\"");
            String body = text.substring(typeEnd + 5, end);
            if (body.contains("Proc-Type:") || body.contains("DEK-Info:")) {
                throw new PemException("encrypted private key in file \"" + file + "\" (Postfix needs it unencrypted)");
            }
            try {
                out.add(new Block(type, Base64.getMimeDecoder().decode(body.strip())));
            } catch (IllegalArgumentException e) {
                throw new PemException("bad base64 in " + type + " block in file \"" + file + "\"");
            }
            at = end + endMarker.length();
        }
        return out;
    }

    private static X509Certificate certificate(Path file, Block b) throws PemException {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(b.der));
        } catch (GeneralSecurityException e) {
            throw new PemException("bad certificate in file \"" + file + "\": " + e.getMessage());
        }
    }

    private static PrivateKey privateKey(Path file, Block b) throws PemException {
        byte[] pkcs8 = switch (b.type) {
            case "PRIVATE KEY" -> b.der;
            case "RSA PRIVATE KEY" -> Der.pkcs8(Der.RSA_ENCRYPTION, null, b.der);
            case "EC PRIVATE KEY" -> {
                byte[] curve = Der.sec1Curve(b.der);
                if (curve == null) throw new PemException("EC private key without a named curve in file \"" + file + "\"");
                yield Der.pkcs8(Der.EC_PUBLIC_KEY, curve, b.der);
            }
            case "ENCRYPTED PRIVATE KEY" ->
                    throw new PemException("encrypted private key in file \"" + file + "\" (Postfix needs it unencrypted)");
            default -> throw new PemException("unsupported key type \"" + b.type + "\" in file \"" + file + "\"");
        };
        for (String alg : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException tryNext) {
                // not this algorithm
            }
        }
        throw new PemException("cannot decode the private key in file \"" + file + "\"");
    }

    /** Signs a few random bytes with the key and verifies them with the leaf certificate. */
    private static void checkPair(KeyChain kc, Path keyFile) throws PemException {
        String alg = switch (kc.key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> null; // EdDSA and PSS keys: left to the handshake
        };
        if (alg == null) return;
        try {
            byte[] data = new byte[32];
            new SecureRandom().nextBytes(data);
            Signature s = Signature.getInstance(alg);
            s.initSign(kc.key);
            s.update(data);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(kc.chain.get(0).getPublicKey());
            v.update(data);
            if (v.verify(sig)) return;
        } catch (GeneralSecurityException e) {
            // a key of another type than the certificate's
        }
        throw new PemException("the private key in file \"" + keyFile
                + "\" does not match the public key in the certificate");
    }

    /** The few DER shapes the PKCS#8 wrapping needs. */
    static final class Der {
        private Der() {}

        /** 1.2.840.113549.1.1.1 */
        static final byte[] RSA_ENCRYPTION = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
        /** 1.2.840.10045.2.1 */
        static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
        private static final byte[] NULL = {0x05, 0x00};

        /**
         * PrivateKeyInfo ::= SEQUENCE { version INTEGER 0, algorithm AlgorithmIdentifier, privateKey OCTET STRING }.
         * The parameters are NULL for RSA and the curve's OID for EC.
         */
        static byte[] pkcs8(byte[] algorithmOid, byte[] parameters, byte[] key) {
            byte[] algId = tlv(0x30, concat(algorithmOid, parameters == null ? NULL : parameters));
            return tlv(0x30, concat(new byte[] {0x02, 0x01, 0x00}, algId, tlv(0x04, key)));
        }

        /** The curve OID (a whole TLV) of a SEC1 ECPrivateKey's {@code [0] parameters}, or null. */
        static byte[] sec1Curve(byte[] sec1) {
            try {
                int[] seq = header(sec1, 0);
                if (sec1[0] != 0x30) return null;
                int p = seq[0];
                int end = seq[0] + seq[1];
                while (p < end) {
                    int tag = sec1[p] & 0xff;
                    int[] h = header(sec1, p);
                    if (tag == 0xa0) {
                        int[] oid = header(sec1, h[0]);
                        if (sec1[h[0]] != 0x06) return null;
                        return java.util.Arrays.copyOfRange(sec1, h[0], oid[0] + oid[1]);
                    }
                    p = h[0] + h[1];
                }
            } catch (ArrayIndexOutOfBoundsException malformed) {
                return null;
            }
            return null;
        }

        /** {content start, content length} of the TLV at {@code at}. */
        private static int[] header(byte[] d, int at) {
            int len = d[at + 1] & 0xff;
            int start = at + 2;
            if (len >= 0x80) {
                int n = len & 0x7f;
                len = 0;
                for (int i = 0; i < n; i++) len = (len << 8) | (d[start + i] & 0xff);
                start += n;
            }
            return new int[] {start, len};
        }

        static byte[] tlv(int tag, byte[] content) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(tag);
            int n = content.length;
            if (n < 0x80) {
                out.write(n);
            } else if (n < 0x100) {
                out.write(0x81);
                out.write(n);
            } else if (n < 0x10000) {
                out.write(0x82);
                out.write(n >> 8);
                out.write(n);
            } else {
                out.write(0x83);
                out.write(n >> 16);
                out.write(n >> 8);
                out.write(n);
            }
            out.writeBytes(content);
            return out.toByteArray();
        }

        private static byte[] concat(byte[]... parts) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] p : parts) out.writeBytes(p);
            return out.toByteArray();
        }
    }
}
