package mta.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import mta.config.Config;
import mta.config.MasterCf;
import mta.testing.TestPem;
import mta.util.SecretFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TlsConfigCheckTest - what start and check refuse: keys that cannot be loaded where a service
 * requires TLS (server at encrypt or in wrapper mode, client at a required level with client keys);
 * warnings elsewhere; invalid levels; unknown tls_ssl_options words.
 */
class TlsConfigCheckTest {
    @TempDir
    Path dir;

    private List<TlsConfigCheck.Problem> check(Map<String, String> main, String... masterCf) {
        return TlsConfigCheck.check(Config.of(main), MasterCf.parse("master.cf", List.of(masterCf)), SecretFiles.DIRECT);
    }

    @Test
    void requiredTlsWithoutUsableKeysIsFatal() throws Exception {
        TestPem.Pair good = TestPem.make(dir, TestPem.Form.RSA_PKCS8);
        Path missing = dir.resolve("missing.pem");
        Map<String, String> main = Map.of("smtpd_tls_cert_file", good.cert().toString(),
                "smtpd_tls_key_file", missing.toString(), "tls_ssl_options", "NO_COMPRESSION, no_renegotiation, NO_SSLV2");
        List<TlsConfigCheck.Problem> p = check(main, "smtp inet n - n - - smtpd", "  -o smtpd_tls_security_level=may",
                "submission inet n - n - - smtpd", "  -o smtpd_tls_security_level=encrypt");
        assertEquals(List.of(
                new TlsConfigCheck.Problem(false, "tls_ssl_options: unknown OpenSSL option \"NO_SSLV2\" ignored"),
                new TlsConfigCheck.Problem(false, "service smtp: cannot get RSA private key from file \"" + missing
                        + "\": No such file or directory: TLS will not be offered"),
                new TlsConfigCheck.Problem(true, "service submission: cannot get RSA private key from file \"" + missing
                        + "\": No such file or directory; TLS is required (smtpd_tls_security_level = encrypt)")), p);

        assertNull(TlsConfigCheck.firstFatal(check(Map.of("smtpd_tls_cert_file", good.cert().toString(),
                "smtpd_tls_key_file", good.key().toString()), "smtps inet n - n - - smtpd",
                "  -o smtpd_tls_wrappermode=yes")));
        assertEquals("service smtps: No server certs available. TLS can't be enabled; TLS is required "
                + "(smtpd_tls_wrappermode = yes)", TlsConfigCheck.firstFatal(check(Map.of(), "smtps inet n - n - - smtpd",
                "  -o smtpd_tls_wrappermode=yes")));
    }

    @Test
    void theClientsKeysMatterWhereItsLevelRequiresTls() throws Exception {
        Path missing = dir.resolve("client.pem");
        Map<String, String> keys = Map.of("smtp_tls_cert_file", missing.toString());
        assertNull(TlsConfigCheck.firstFatal(check(keys, "smtp unix - - n - - smtp")));
        assertEquals("service relay: cannot get RSA certificate from file \"" + missing + "\": No such file or directory;"
                + " TLS is required (smtp_tls_security_level = verify)", TlsConfigCheck.firstFatal(check(keys,
                "relay unix - - n - - smtp", "  -o smtp_tls_security_level=verify")));
        assertEquals("service smtp: invalid tls security level: \"strong\"", TlsConfigCheck.firstFatal(check(
                Map.of("smtp_tls_security_level", "strong"), "smtp unix - - n - - smtp")));
    }
}
