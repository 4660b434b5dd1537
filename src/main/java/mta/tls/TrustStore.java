package mta.tls;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import mta.util.SecretFiles;

/**
 * TrustStore - which server certificate chains the SMTP client trusts: Certification Authorities
 * ({@code smtp_tls_CAfile}, {@code smtp_tls_CApath}, and the JDK's own list with
 * {@code tls_append_default_CA = yes}), or, when trust-anchor files are configured
 * ({@code smtp_tls_trust_anchor_file}, or {@code tafile=} in the policy table), only those anchors.
 *
 * <p>Reads PEM files ({@code CERTIFICATE} blocks; trust-anchor files may also hold {@code PUBLIC
 * KEY} blocks). CA chains are checked by the JDK's PKIX validator (signatures, validity, basic
 * constraints). A trust anchor may be a root or an intermediate found anywhere in the server's
 * chain, or a bare public key that signed one of its certificates; as in Postfix, anchors do not
 * expire, and the certificates below one are checked for signatures and validity. Writes nothing.
 */
public final class TrustStore {
    /** Trusts nothing: verification always fails. */
    public static final TrustStore EMPTY = new TrustStore(null, List.of(), List.of());

    private volatile X509TrustManager pkix;
    /** Builds {@link #pkix} at first use (a CApath directory is slow to read), or null. */
    private Supplier<TrustStore> lazy;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<X509Certificate> anchorCerts;
    private final List<PublicKey> anchorKeys;

    private TrustStore(X509TrustManager pkix, List<X509Certificate> anchorCerts, List<PublicKey> anchorKeys) {
        this.pkix = pkix;
        this.anchorCerts = anchorCerts;
        this.anchorKeys = anchorKeys;
    }

    /**
     * CA-based trust from {@code cas}, the certificates of the {@code caPath} directory (may be
     * null) and the JDK's CAs when {@code appendDefault}; the directory is read when a chain is
     * first judged, not now (a system's CA directory holds hundreds of files).
     */
    public static TrustStore ofCasLater(List<X509Certificate> cas, Path caPath, boolean appendDefault) {
        if (caPath == null) return ofCas(cas, appendDefault);
        TrustStore t = new TrustStore(null, List.of(), List.of());
        List<X509Certificate> given = List.copyOf(cas);
        t.lazy = () -> {
            List<X509Certificate> all = new ArrayList<>(given);
            all.addAll(caPath(caPath));
            return ofCas(all, appendDefault);
        };
        return t;
    }

    private X509TrustManager pkix() {
        if (pkix != null || lazy == null) return pkix;
        lock.lock();
        try {
            if (pkix == null && lazy != null) {
                pkix = lazy.get().pkix;
                lazy = null;
            }
            return pkix;
        } finally {
            lock.unlock();
        }
    }

    /** CA-based trust: {@code cas}, plus the JDK's default CAs when {@code appendDefault}. */
    public static TrustStore ofCas(List<X509Certificate> cas, boolean appendDefault) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int n = 0;
            for (X509Certificate c : cas) ks.setCertificateEntry("ca" + n++, c);
            if (appendDefault) {
                for (X509Certificate c : defaultCas()) ks.setCertificateEntry("ca" + n++, c);
            }
            if (n == 0) return EMPTY;
            TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
            f.init(ks);
            for (TrustManager tm : f.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) return new TrustStore(x, List.of(), List.of());
            }
            return EMPTY;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("the JDK cannot build a trust store: " + e.getMessage(), e);
        }
    }

    /** Anchor-based trust: only chains that lead to one of these certificates or keys. */
    public static TrustStore ofAnchors(List<X509Certificate> certs, List<PublicKey> keys) {
        return new TrustStore(null, List.copyOf(certs), List.copyOf(keys));
    }

    /** The certificates of trust-anchor files (read through {@code files}), as a store. */
    public static TrustStore anchorFiles(SecretFiles files, List<Path> paths) throws PemFiles.PemException {
        List<X509Certificate> certs = new ArrayList<>();
        List<PublicKey> keys = new ArrayList<>();
        for (Path p : paths) {
            List<X509Certificate> c = PemFiles.certificates(files, p);
            List<PublicKey> k = PemFiles.publicKeys(files, p);
            if (c.isEmpty() && k.isEmpty()) throw new PemFiles.PemException("no trust anchors in file \"" + p + "\"");
            certs.addAll(c);
            keys.addAll(k);
        }
        return ofAnchors(certs, keys);
    }

    /**
     * The certificates of every file in a CApath directory (OpenSSL's hashed links and the files
     * they point to; each certificate once). Read directly: such directories are public.
     */
    public static List<X509Certificate> caPath(Path dir) {
        java.util.Set<X509Certificate> out = new java.util.LinkedHashSet<>();
        java.util.Set<Path> seen = new java.util.HashSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path f : ds) {
                if (!Files.isRegularFile(f)) continue;
                try {
                    if (!seen.add(f.toRealPath())) continue; // hash links name the same files again
                } catch (IOException e) {
                    continue;
                }
                try {
                    out.addAll(PemFiles.certificates(SecretFiles.DIRECT, f));
                } catch (PemFiles.PemException e) {
                    // not a certificate file (a README, a CRL): skipped, as OpenSSL skips it
                }
            }
        } catch (IOException e) {
            // a missing CApath trusts nothing more
        }
        return List.copyOf(out);
    }

    /** True when this store trusts nothing. */
    public boolean isEmpty() {
        return pkix() == null && anchorCerts.isEmpty() && anchorKeys.isEmpty();
    }

    /** True when the server's chain (leaf first) leads to a trusted CA or anchor. */
    public boolean trusts(X509Certificate[] chain) {
        if (chain.length == 0) return false;
        X509TrustManager cas = pkix();
        if (cas != null) {
            try {
                cas.checkServerTrusted(chain, "UNKNOWN");
                return true;
            } catch (CertificateException e) {
                return false;
            }
        }
        for (int i = 0; i < chain.length; i++) {
            X509Certificate c = chain[i];
            if (anchorCerts.contains(c) || anchorKeys.contains(c.getPublicKey())) return signedUpTo(chain, i, true);
            for (X509Certificate a : anchorCerts) {
                if (signedBy(c, a.getPublicKey())) return signedUpTo(chain, i, false);
            }
            for (PublicKey k : anchorKeys) {
                if (signedBy(c, k)) return signedUpTo(chain, i, false);
            }
        }
        return false;
    }

    /**
     * True when each of {@code chain[0..top-1]} is signed by the next one, and each certificate up
     * to {@code top} is within its validity period, except {@code chain[top]} when it is the
     * anchor itself (anchors do not expire).
     */
    static boolean signedUpTo(X509Certificate[] chain, int top, boolean topIsAnchor) {
        Date now = new Date();
        for (int i = 0; i <= top; i++) {
            if (i == top && topIsAnchor) break;
            try {
                chain[i].checkValidity(now);
            } catch (CertificateException e) {
                return false;
            }
            if (i < top && !signedBy(chain[i], chain[i + 1].getPublicKey())) return false;
        }
        return true;
    }

    static boolean signedBy(X509Certificate c, PublicKey key) {
        try {
            c.verify(key);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static List<X509Certificate> defaultCas() throws GeneralSecurityException {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init((KeyStore) null);
        for (TrustManager tm : f.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) return Arrays.asList(x.getAcceptedIssuers());
        }
        return List.of();
    }
}
