package mta.tls;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * CipherExclusions - Postfix's {@code *_tls_exclude_ciphers} lists (OpenSSL cipher names and
 * cipher classes) applied to the JDK's cipher-suite names.
 *
 * <p>Reads a list such as {@code aNULL, RC4, DES-CBC3-SHA, ECDHE-RSA-AES128-SHA, RSA+AES};
 * writes nothing. A word is either an OpenSSL class ({@code aNULL}, {@code eNULL}, {@code RC4},
 * {@code DES}, {@code 3DES}, {@code MD5}, {@code SHA1}, {@code EXPORT}, {@code LOW}, {@code AES},
 * {@code kRSA}, {@code aECDSA}, ...), several classes joined by {@code +} (all must apply), or
 * an OpenSSL suite name ({@code ECDHE-RSA-AES128-GCM-SHA256}), which is translated to the
 * IANA name the JDK uses. Words that name nothing the JDK has (CAMELLIA, SEED, IDEA, PSK) exclude
 * nothing, as OpenSSL ignores classes that match no enabled suite.
 */
public final class CipherExclusions {
    private CipherExclusions() {}

    /** {@code suites} without those that any word of {@code exclusions} names. */
    public static List<String> apply(List<String> suites, List<String> exclusions) {
        List<Predicate<String>> tests = new ArrayList<>();
        for (String w : exclusions) {
            String word = w.strip();
            if (!word.isEmpty()) tests.add(predicate(word));
        }
        return suites.stream().filter(s -> tests.stream().noneMatch(t -> t.test(s))).toList();
    }

    /** The JDK suites one word names. */
    static Predicate<String> predicate(String word) {
        if (word.startsWith("!") || word.startsWith("-")) word = word.substring(1);
        if (word.contains("+")) {
            List<Predicate<String>> parts = new ArrayList<>();
            for (String p : word.split("\\+")) if (!p.isEmpty()) parts.add(cls(p));
            return s -> parts.stream().allMatch(t -> t.test(s));
        }
        if (word.contains("-")) {
            String iana = ianaName(word);
            return s -> s.equals(iana);
        }
        return cls(word);
    }

    /** One OpenSSL cipher class (the a/k/e prefixes are case-sensitive, as in OpenSSL). */
    private static Predicate<String> cls(String word) {
        switch (word) {
            case "aNULL", "ADH", "AECDH" -> {
                return s -> s.contains("_anon_");
            }
            case "eNULL", "NULL" -> {
                return s -> s.contains("_WITH_NULL_");
            }
            case "aECDH" -> {
                return s -> s.startsWith("TLS_ECDH_") && !s.contains("_anon_");
            }
            case "kRSA", "RSA" -> {
                return s -> s.startsWith("TLS_RSA_WITH_") || s.startsWith("SSL_RSA_WITH_");
            }
            case "aRSA" -> {
                return s -> s.contains("_RSA_WITH_");
            }
            case "aECDSA", "ECDSA" -> {
                return s -> s.contains("_ECDSA_");
            }
            case "aDSS", "DSS" -> {
                return s -> s.contains("_DSS_");
            }
            case "kEDH", "EDH", "kDHE", "DHE" -> {
                return s -> s.startsWith("TLS_DHE_") || s.startsWith("SSL_DHE_");
            }
            case "kEECDH", "EECDH", "kECDHE", "ECDHE" -> {
                return s -> s.startsWith("TLS_ECDHE_");
            }
            default -> { }
        }
        return switch (word.toUpperCase(Locale.ROOT)) {
            case "RC4" -> s -> s.contains("_RC4_");
            case "DES" -> s -> s.contains("_DES_") || s.contains("_DES40_");
            case "3DES" -> s -> s.contains("3DES");
            case "MD5" -> s -> s.endsWith("_MD5");
            case "SHA1", "SHA" -> s -> s.endsWith("_SHA");
            case "SHA256" -> s -> s.endsWith("_SHA256");
            case "SHA384" -> s -> s.endsWith("_SHA384");
            case "EXPORT", "EXP" -> s -> s.contains("_EXPORT");
            case "LOW" -> s -> s.contains("_DES_") || s.contains("_EXPORT") || s.contains("_RC4_");
            case "MEDIUM" -> s -> s.contains("_RC4_") || s.contains("3DES");
            case "AES" -> s -> s.contains("_AES_");
            case "AES128" -> s -> s.contains("_AES_128_");
            case "AES256" -> s -> s.contains("_AES_256_");
            case "AESGCM" -> s -> s.contains("_AES_") && s.contains("_GCM_");
            case "AESCCM" -> s -> s.contains("_AES_") && s.contains("_CCM");
            case "CHACHA20" -> s -> s.contains("CHACHA20");
            default -> s -> false; // CAMELLIA, SEED, IDEA, PSK, SRP, ARIA, ...: nothing the JDK offers
        };
    }

    /**
     * The IANA name of an OpenSSL suite name: {@code ECDHE-RSA-AES128-GCM-SHA256} is
     * {@code TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}, {@code DES-CBC3-SHA} is
     * {@code TLS_RSA_WITH_3DES_EDE_CBC_SHA}, {@code TLS_AES_128_GCM_SHA256} stays as it is.
     */
    static String ianaName(String openssl) {
        String n = openssl.toUpperCase(Locale.ROOT);
        if (n.startsWith("TLS_")) return n;
        List<String> parts = new ArrayList<>(List.of(n.split("-")));
        String kx = "RSA";
        if (parts.size() > 1) {
            switch (parts.get(0)) {
                case "ECDHE" -> {
                    kx = "ECDHE_" + parts.get(1);
                    parts.subList(0, 2).clear();
                }
                case "DHE", "EDH" -> {
                    kx = "DHE_" + parts.get(1);
                    parts.subList(0, 2).clear();
                }
                case "ECDH" -> {
                    kx = "ECDH_" + parts.get(1);
                    parts.subList(0, 2).clear();
                }
                default -> { }
            }
        }
        String joined = String.join("-", parts);
        String body = switch (joined) {
            case "DES-CBC3-SHA" -> "3DES_EDE_CBC_SHA";
            case "RC4-SHA" -> "RC4_128_SHA";
            case "RC4-MD5" -> "RC4_128_MD5";
            case "CHACHA20-POLY1305" -> "CHACHA20_POLY1305_SHA256";
            default -> {
                String cipher = parts.isEmpty() ? "" : parts.get(0);
                String mac = parts.size() > 1 ? parts.get(parts.size() - 1) : "SHA";
                boolean gcm = parts.contains("GCM");
                String size = cipher.startsWith("AES") ? cipher.substring(3) : "";
                String enc = cipher.startsWith("AES") ? "AES_" + size + (gcm ? "_GCM" : "_CBC") : cipher;
                yield enc + "_" + mac;
            }
        };
        return "TLS_" + kx + "_WITH_" + body;
    }
}
