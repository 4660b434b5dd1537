package mta.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Dane - authenticates an SMTP server's certificate chain with DNSSEC-validated TLSA records
 * (RFC 6698, RFC 7671, and RFC 7672 for SMTP).
 *
 * <p>Reads TLSA records (already validated by the caller) and the chain the server sent, leaf
 * first. As RFC 7672 asks of SMTP clients, only the usages DANE-TA(2) and DANE-EE(3) are usable;
 * PKIX-TA(0), PKIX-EE(1) and unknown selectors or matching types are not. DANE-EE matches the leaf
 * certificate (selector 0) or its public key (selector 1), exactly (matching type 0) or by SHA-256
 * (1) or SHA-512 (2) digest, with no check of names or dates. DANE-TA matches a certificate above
 * the leaf in the chain (or its key); the chain below it must be signed and current, and the leaf
 * must carry the server's host name or the next-hop domain. Writes nothing.
 */
public final class Dane {
    private Dane() {}

    /** One TLSA record: usage, selector, matching type, association data. */
    public record Tlsa(int usage, int selector, int matchingType, byte[] data) {
        /** Usable for SMTP (RFC 7672 section 3.1): DANE-TA or DANE-EE, known selector and matching type. */
        public boolean usable() {
            return (usage == 2 || usage == 3) && (selector == 0 || selector == 1)
                    && (matchingType == 0 || matchingType == 1 || matchingType == 2);
        }

        @Override
        public String toString() {
            return usage + " " + selector + " " + matchingType + " " + HexFormat.of().formatHex(data);
        }
    }

    /** True when at least one record is usable. */
    public static boolean anyUsable(List<Tlsa> records) {
        return records.stream().anyMatch(Tlsa::usable);
    }

    /**
     * True when a usable record authenticates the chain.
     *
     * @param hostname the server's name (the TLSA base domain)
     * @param nexthop  the next-hop domain, also accepted as the leaf's name for DANE-TA
     */
    public static boolean authenticates(List<Tlsa> records, X509Certificate[] chain, String hostname, String nexthop,
                                        boolean multipleLabels) {
        if (chain.length == 0) return false;
        for (Tlsa t : records) {
            if (t.usable() && t.usage() == 3 && matches(t, chain[0])) return true;
        }
        for (Tlsa t : records) {
            if (!t.usable() || t.usage() != 2) continue;
            for (int i = 1; i < chain.length; i++) {
                if (matches(t, chain[i]) && TrustStore.signedUpTo(chain, i, true)
                        && CertificateNames.matches(chain[0], List.of("hostname", "nexthop"), hostname, nexthop,
                        multipleLabels)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Does the record's association data describe this certificate? */
    static boolean matches(Tlsa t, X509Certificate cert) {
        byte[] selected;
        try {
            selected = t.selector() == 0 ? cert.getEncoded() : cert.getPublicKey().getEncoded();
        } catch (CertificateEncodingException e) {
            return false;
        }
        byte[] value = switch (t.matchingType()) {
            case 0 -> selected;
            case 1 -> digest("SHA-256", selected);
            case 2 -> digest("SHA-512", selected);
            default -> null;
        };
        return value != null && MessageDigest.isEqual(value, t.data());
    }

    static byte[] digest(String alg, byte[] data) {
        try {
            return MessageDigest.getInstance(alg).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no " + alg, e);
        }
    }

    /**
     * Postfix's fingerprint level: does the leaf certificate's digest, or its public key's, appear
     * in {@code fingerprints} ({@code AB:CD:...}, colons and case ignored)?
     *
     * @param digest {@code sha256}, {@code sha1}, {@code md5}, {@code sha512} (smtp_tls_fingerprint_digest)
     */
    public static boolean fingerprintMatches(X509Certificate leaf, List<String> fingerprints, String digest) {
        String alg = switch (digest.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "sha1" -> "SHA-1";
            case "md5" -> "MD5";
            case "sha512" -> "SHA-512";
            case "sha384" -> "SHA-384";
            default -> "SHA-256";
        };
        byte[] certDigest;
        try {
            certDigest = digest(alg, leaf.getEncoded());
        } catch (CertificateEncodingException e) {
            return false;
        }
        byte[] keyDigest = digest(alg, leaf.getPublicKey().getEncoded());
        for (String f : fingerprints) {
            String hex = f.replace(":", "").strip();
            byte[] want;
            try {
                want = HexFormat.of().parseHex(hex);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (Arrays.equals(want, certDigest) || Arrays.equals(want, keyDigest)) return true;
        }
        return false;
    }
}
