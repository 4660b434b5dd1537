package mta.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mta.testing.TestPem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PemFilesTest - keys in the three PEM forms openssl writes, chain files, and the errors. */
class PemFilesTest {
    @TempDir
    Path dir;

    @Test
    void loadsRsaPkcs8RsaPkcs1AndEcSec1Keys() throws Exception {
        for (TestPem.Form f : TestPem.Form.values()) {
            TestPem.Pair p = TestPem.make(dir, f);
            PemFiles.KeyChain kc = PemFiles.load(p.cert(), p.key());
            assertEquals(f == TestPem.Form.EC_SEC1 ? "EC" : "RSA", kc.key().getAlgorithm(), f.name());
            assertEquals(1, kc.chain().size());
            assertTrue(kc.chain().get(0).getSubjectX500Principal().getName().contains("mx.example.test"));
        }
    }

    @Test
    void certificateAndKeyInOneFile() throws Exception {
        TestPem.Pair p = TestPem.make(dir, TestPem.Form.RSA_PKCS1);
        Path both = p.chainFile(dir.resolve("both.pem"));
        assertEquals("RSA", PemFiles.load(both, both).key().getAlgorithm());
    }

    @Test
    void chainFileWithAnRsaAndAnEcKey() throws Exception {
        TestPem.Pair rsa = TestPem.make(dir, TestPem.Form.RSA_PKCS8);
        TestPem.Pair ec = TestPem.make(dir, TestPem.Form.EC_SEC1);
        Path a = rsa.chainFile(dir.resolve("a.pem"));
        Path b = ec.chainFile(dir.resolve("b.pem"));
        Path both = dir.resolve("both.pem");
        Files.writeString(both, Files.readString(a) + Files.readString(b));
        List<PemFiles.KeyChain> keys = PemFiles.loadChains(both);
        assertEquals(List.of("RSA", "EC"), keys.stream().map(k -> k.key().getAlgorithm()).toList());
    }

    @Test
    void aKeyThatDoesNotMatchTheCertificateIsRefused() throws Exception {
        TestPem.Pair one = TestPem.make(dir.resolve("one"), TestPem.Form.RSA_PKCS8);
        TestPem.Pair two = TestPem.make(dir.resolve("two"), TestPem.Form.RSA_PKCS8);
        PemFiles.PemException e = assertThrows(PemFiles.PemException.class, () -> PemFiles.load(one.cert(), two.key()));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }

    @Test
    void aMissingFileNamesTheFile() {
        Path missing = dir.resolve("nope.pem");
        PemFiles.PemException e = assertThrows(PemFiles.PemException.class, () -> PemFiles.load(missing, missing));
        assertEquals("cannot read file \"" + missing + "\": No such file or directory", e.getMessage());
    }

    @Test
    void encryptedKeysAreRefused() throws Exception {
        Path f = dir.resolve("enc.pem");
        Files.writeString(f, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        PemFiles.PemException e = assertThrows(PemFiles.PemException.class, () -> PemFiles.loadChains(f));
        assertTrue(e.getMessage().contains("unencrypted"), e.getMessage());
    }

    @Test
    void protocolSyntax() {
        List<String> jdk = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");
        assertEquals(jdk, TlsProtocols.protocols(List.of(">=TLSv1"), jdk));
        assertEquals(jdk, TlsProtocols.protocols(List.of("!SSLv2", "!SSLv3"), jdk));
        assertEquals(List.of("TLSv1.2", "TLSv1.3"), TlsProtocols.protocols(List.of(">=TLSv1.2"), jdk));
        assertEquals(List.of("TLSv1.2"), TlsProtocols.protocols(List.of(">=TLSv1.2", "<=TLSv1.2"), jdk));
        assertEquals(List.of("TLSv1.3"), TlsProtocols.protocols(List.of("TLSv1.3"), jdk));
        assertEquals(List.of("TLSv1.2", "TLSv1.3"), TlsProtocols.protocols(List.of("!TLSv1", "!TLSv1.1"), jdk));
        assertEquals(jdk, TlsProtocols.protocols(List.of(), jdk));
        assertThrows(IllegalArgumentException.class, () -> TlsProtocols.protocols(List.of("TLSv9"), jdk));
    }

    @Test
    void cipherGrades() {
        List<String> defaults = List.of("TLS_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
        List<String> supported = List.of("TLS_RSA_WITH_NULL_SHA256");
        assertEquals(defaults, TlsProtocols.ciphers("medium", defaults, supported));
        assertEquals(List.of("TLS_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
                TlsProtocols.ciphers("high", defaults, supported));
        assertEquals(supported, TlsProtocols.ciphers("null", defaults, supported));
        assertThrows(IllegalArgumentException.class, () -> TlsProtocols.ciphers("strong", defaults, supported));
    }
}
