package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import mta.config.Config;
import mta.config.ConfigException;
import mta.mail.Dsn;
import mta.mail.Reply;
import org.junit.jupiter.api.Test;

/**
 * SmtpdProxyTest - the parts of {@link SmtpdProxy} that need no filter: its settings (endpoints,
 * options), the reading of a filter's reply line, and XFORWARD's xtext. The conversation itself is
 * tested against real filters in {@link SmtpdProxyFilterIT}.
 */
class SmtpdProxyTest {
    private static SmtpdProxy.Settings settings(String... params) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("myhostname", "mx.example.test");
        m.put("queue_directory", "/var/spool/postfix");
        for (int i = 0; i < params.length; i += 2) m.put(params[i], params[i + 1]);
        return SmtpdProxy.from(Config.of(m));
    }

    @Test
    void endpointsTimeoutEhloAndOptions() {
        assertNull(settings());
        SmtpdProxy.Settings s = settings("smtpd_proxy_filter", "inet:[127.0.0.1]:10024");
        assertEquals(InetSocketAddress.createUnresolved("127.0.0.1", 10024), s.address());
        assertEquals(100, s.timeout().toSeconds());
        assertEquals("mx.example.test", s.ehlo());
        assertEquals(false, s.speedAdjust());
        s = settings("smtpd_proxy_filter", "localhost:10024", "smtpd_proxy_options", "speed_adjust",
                "smtpd_proxy_timeout", "20s", "smtpd_proxy_ehlo", "filter.example");
        assertEquals(InetSocketAddress.createUnresolved("localhost", 10024), s.address());
        assertTrue(s.speedAdjust());
        assertEquals(20, s.timeout().toSeconds());
        assertEquals("filter.example", s.ehlo());
        assertEquals(UnixDomainSocketAddress.of("/var/spool/postfix/private/filter"),
                settings("smtpd_proxy_filter", "unix:private/filter").address());
        ConfigException e = assertThrows(ConfigException.class,
                () -> settings("smtpd_proxy_filter", "127.0.0.1:10024", "smtpd_proxy_options", "speed"));
        assertEquals("unknown smtpd_proxy_options value \"speed\" in \"speed\"", e.getMessage());
        assertThrows(ConfigException.class, () -> settings("smtpd_proxy_filter", "127.0.0.1:port"));
    }

    @Test
    void replyLines() {
        assertEquals(new Reply(250, Dsn.parse("2.0.0"), "Ok: queued as 4A1B2C3D4E"), SmtpdProxy.parse("250 2.0.0 Ok: queued as 4A1B2C3D4E"));
        assertEquals(new Reply(554, null, "Transaction failed"), SmtpdProxy.parse("554 Transaction failed"));
        assertEquals(new Reply(550, null, "4.1.1 mismatched class"), SmtpdProxy.parse("550 4.1.1 mismatched class"));
        assertEquals(new Reply(250, null, ""), SmtpdProxy.parse("250"));
        assertNull(SmtpdProxy.parse("hello"));
        assertNull(SmtpdProxy.parse("999 no such code"));
        assertNull(SmtpdProxy.parse("25O typo"));
    }

    @Test
    void xtext() {
        assertEquals("mail.example", SmtpdProxy.xtext("mail.example"));
        assertEquals("a+20b+2Bc+3D", SmtpdProxy.xtext("a b+c="));
    }
}
