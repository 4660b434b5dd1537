package mta.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TlsPolicyTest - the policy-table syntax (levels, attributes, Postfix's error texts), OpenSSL
 * cipher exclusions on JDK suite names, and certificate name matching.
 */
class TlsPolicyTest {
    @Test
    void policyEntriesAsRealTablesWriteThem() throws Exception {
        List<String> warnings = new ArrayList<>();
        TlsPolicy p = TlsPolicy.parse("secure match=.example.net:example.net protocols=>=TLSv1.2 ciphers=high,"
                + " exclude=aNULL:RC4 tafile=/etc/postfix/ta.pem", warnings::add);
        assertEquals(TlsLevel.SECURE, p.level());
        assertEquals(List.of(".example.net", "example.net"), p.match());
        assertEquals(List.of(">=TLSv1.2"), p.protocols());
        assertEquals("high", p.ciphers());
        assertEquals(List.of("aNULL", "RC4"), p.exclude());
        assertEquals(List.of("/etc/postfix/ta.pem"), p.tafiles());
        assertTrue(warnings.isEmpty());

        assertEquals(TlsLevel.DANE_ONLY, TlsPolicy.parse("dane-only", warnings::add).level());
        TlsPolicy fp = TlsPolicy.parse("fingerprint match=AB:CD|EF:01 match=23:45", warnings::add);
        assertEquals(List.of("AB:CD", "EF:01", "23:45"), fp.match());
        TlsPolicy may = TlsPolicy.parse("may protocols=!SSLv2:!SSLv3", warnings::add);
        assertEquals(List.of("!SSLv2", "!SSLv3"), may.protocols());
        assertNull(may.ciphers());

        TlsPolicy none = TlsPolicy.parse("none ciphers=high", warnings::add);
        assertEquals(TlsLevel.NONE, none.level());
        assertEquals(List.of("ignoring attribute \"ciphers=high\" with TLS disabled"), warnings);
    }

    @Test
    void invalidEntriesSayWhyInPostfixsWords() {
        assertEquals("invalid security level \"strong\"", invalid("strong"));
        assertEquals("invalid empty policy", invalid("  "));
        assertEquals("attribute \"match\" invalid at security level \"encrypt\"", invalid("encrypt match=x.example"));
        assertEquals("attribute \"tafile\" invalid at security level \"dane\"", invalid("dane tafile=/x"));
        assertEquals("attribute \"ciphers\" is specified multiple times", invalid("may ciphers=high ciphers=medium"));
        assertEquals("attribute \"ciphers\" has empty value", invalid("may ciphers="));
        assertEquals("invalid attribute name: \"color\"", invalid("may color=blue"));
        assertEquals("malformed attribute/value pair \"high\": missing '='", invalid("may high"));
    }

    private static String invalid(String text) {
        return assertThrows(TlsPolicy.InvalidPolicy.class, () -> TlsPolicy.parse(text, w -> { })).getMessage();
    }

    @Test
    void opensslExclusionsNameJdkSuites() {
        List<String> suites = List.of("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA256", "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA",
                "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_DH_anon_WITH_AES_128_CBC_SHA");
        assertEquals(List.of("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA256", "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA",
                "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"), CipherExclusions.apply(suites, List.of("aNULL", "RC4")));
        assertFalse(CipherExclusions.apply(suites, List.of("ECDHE-RSA-AES128-SHA"))
                .contains("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"));
        assertFalse(CipherExclusions.apply(suites, List.of("RSA+AES")).contains("TLS_RSA_WITH_AES_256_CBC_SHA256"));
        assertTrue(CipherExclusions.apply(suites, List.of("RSA+AES")).contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
        assertFalse(CipherExclusions.apply(suites, List.of("aECDH")).contains("TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA"));
        assertEquals(suites.size() - 3, CipherExclusions.apply(suites, List.of("SHA1")).size());
        assertEquals(suites, CipherExclusions.apply(suites, List.of("CAMELLIA", "SEED", "IDEA", "PSK")));
        assertEquals("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", CipherExclusions.ianaName("ECDHE-ECDSA-AES256-GCM-SHA384"));
        assertEquals("TLS_RSA_WITH_3DES_EDE_CBC_SHA", CipherExclusions.ianaName("DES-CBC3-SHA"));
        assertEquals("TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", CipherExclusions.ianaName("DHE-RSA-AES128-SHA256"));
        assertEquals("TLS_RSA_WITH_AES_128_CBC_SHA", CipherExclusions.ianaName("AES128-SHA"));
    }

    @Test
    void wildcardNames() {
        assertTrue(CertificateNames.nameMatches("*.example.com", "mx.example.com", false));
        assertFalse(CertificateNames.nameMatches("*.example.com", "a.mx.example.com", false));
        assertTrue(CertificateNames.nameMatches("*.example.com", "a.mx.example.com", true));
        assertFalse(CertificateNames.nameMatches("*.example.com", "example.com", true));
        assertTrue(CertificateNames.nameMatches("mx.example.com.", "mx.example.com", false));
    }
}
