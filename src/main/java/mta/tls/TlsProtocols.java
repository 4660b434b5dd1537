package mta.tls;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * TlsProtocols - Postfix's protocol and cipher-grade settings, as the JDK's enabled protocols and cipher suites.
 *
 * <p>Reads the text of {@code *_tls_protocols} / {@code *_tls_mandatory_protocols} (the legacy
 * form {@code !SSLv2, !SSLv3}, the plain form {@code TLSv1.2, TLSv1.3}, and the bounds form
 * {@code >=TLSv1.2} or {@code <=TLSv1.3}) and of {@code *_tls_ciphers} (a grade). Writes nothing.
 *
 * <p>The grades map onto the suites the JDK enables by default, which already leave out every
 * export, DES, RC4, 3DES, NULL and anonymous suite (what OpenSSL's export, low and medium grades
 * add to high today is exactly those weak suites): {@code export}, {@code low} and {@code medium}
 * are the JDK's default suites; {@code high} keeps only the AEAD suites among them (AES-GCM,
 * ChaCha20-Poly1305, and all TLSv1.3 suites); {@code null} selects the unencrypted
 * {@code _WITH_NULL_} suites, which the JDK's {@code jdk.tls.disabledAlgorithms} refuses, so
 * handshakes then fail, as they should.
 */
public final class TlsProtocols {
    /** Postfix's protocol names, oldest first. */
    static final List<String> KNOWN = List.of("SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    private TlsProtocols() {}

    /**
     * The protocols of {@code supported} (the JDK's names, which are Postfix's) that {@code spec}
     * allows; an empty spec allows all.
     *
     * @throws IllegalArgumentException on an unknown protocol name or operator
     */
    public static List<String> protocols(List<String> spec, List<String> supported) {
        Set<String> included = new LinkedHashSet<>();
        Set<String> excluded = new LinkedHashSet<>();
        int min = 0, max = KNOWN.size() - 1;
        for (String raw : spec) {
            String t = raw.strip();
            if (t.isEmpty()) continue;
            if (t.startsWith(">=")) {
                min = Math.max(min, index(t.substring(2)));
            } else if (t.startsWith("<=")) {
                max = Math.min(max, index(t.substring(2)));
            } else if (t.startsWith("!")) {
                excluded.add(KNOWN.get(index(t.substring(1))));
            } else {
                included.add(KNOWN.get(index(t)));
            }
        }
        List<String> out = new ArrayList<>();
        for (int i = min; i <= max; i++) {
            String p = KNOWN.get(i);
            if ((included.isEmpty() || included.contains(p)) && !excluded.contains(p) && supported.contains(p)) out.add(p);
        }
        return out;
    }

    private static int index(String name) {
        for (int i = 0; i < KNOWN.size(); i++) if (KNOWN.get(i).equalsIgnoreCase(name.strip())) return i;
        throw new IllegalArgumentException("unknown TLS protocol \"" + name.strip() + "\"");
    }

    /**
     * The cipher suites of a Postfix grade, chosen among the JDK's {@code defaults} (the enabled
     * suites) or, for {@code null}, its {@code supported} ones.
     *
     * @throws IllegalArgumentException on an unknown grade
     */
    public static List<String> ciphers(String grade, List<String> defaults, List<String> supported) {
        return switch (grade.strip().toLowerCase(Locale.ROOT)) {
            case "export", "low", "medium" -> List.copyOf(defaults);
            case "high" -> defaults.stream().filter(TlsProtocols::aead).toList();
            case "null" -> supported.stream().filter(c -> c.contains("_WITH_NULL_")).toList();
            default -> throw new IllegalArgumentException("invalid cipher grade \"" + grade.strip()
                    + "\" (use export, low, medium, high or null)");
        };
    }

    private static boolean aead(String suite) {
        return suite.contains("_GCM_") || suite.contains("CHACHA20_POLY1305")
                || (suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_"));
    }

    /**
     * The key size of a cipher suite in bits, for {@code (256/256 bits)} in log lines and
     * Received: headers; 0 when the name does not tell.
     */
    public static int bits(String suite) {
        if (suite.contains("_256_") || suite.contains("CHACHA20")) return 256;
        if (suite.contains("_128_")) return 128;
        if (suite.contains("3DES")) return 168;
        return 0;
    }
}
