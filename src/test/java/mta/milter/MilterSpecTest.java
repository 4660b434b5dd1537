package mta.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import mta.config.Config;
import mta.config.ConfigException;
import org.junit.jupiter.api.Test;

/** MilterSpecTest - the forms of a smtpd_milters element, its overrides and its errors. */
class MilterSpecTest {
    private static Config config(String... nameValues) {
        Map<String, String> m = new java.util.HashMap<>();
        m.put("queue_directory", "/var/spool/postfix");
        for (int i = 0; i < nameValues.length; i += 2) m.put(nameValues[i], nameValues[i + 1]);
        return Config.of(m);
    }

    @Test
    void endpointsAndDefaults() {
        List<MilterSpec> l = MilterSpec.list("inet:127.0.0.1:8891, unix:private/milter unix:/run/opendkim/opendkim.sock"
                + " inet:[::1]:11332 inet:8891@localhost", config());
        assertEquals(5, l.size());
        InetSocketAddress a = (InetSocketAddress) l.get(0).address();
        assertEquals("127.0.0.1", a.getHostString());
        assertEquals(8891, a.getPort());
        assertEquals(UnixDomainSocketAddress.of(Path.of("/var/spool/postfix/private/milter")), l.get(1).address());
        assertEquals(UnixDomainSocketAddress.of(Path.of("/run/opendkim/opendkim.sock")), l.get(2).address());
        assertEquals("::1", ((InetSocketAddress) l.get(3).address()).getHostString());
        assertEquals("localhost", ((InetSocketAddress) l.get(4).address()).getHostString());
        MilterSpec d = l.get(0);
        assertEquals(6, d.protocol());
        assertEquals("tempfail", d.defaultAction());
        assertEquals(Duration.ofSeconds(30), d.connectTimeout());
        assertEquals(Duration.ofSeconds(30), d.commandTimeout());
        assertEquals(Duration.ofSeconds(300), d.contentTimeout());
    }

    @Test
    void mainCfSettingsAndPerMilterOverrides() {
        Config c = config("milter_default_action", "accept", "milter_protocol", "4", "milter_command_timeout", "10s");
        List<MilterSpec> l = MilterSpec.list("inet:127.0.0.1:8891, { inet:127.0.0.1:11332, default_action = quarantine,"
                + " connect_timeout=2s, content_timeout=1m, protocol=2 }", c);
        assertEquals("accept", l.get(0).defaultAction());
        assertEquals(4, l.get(0).protocol());
        assertEquals(Duration.ofSeconds(10), l.get(0).commandTimeout());
        MilterSpec o = l.get(1);
        assertEquals("inet:127.0.0.1:11332", o.name());
        assertEquals("quarantine", o.defaultAction());
        assertEquals(2, o.protocol());
        assertEquals(Duration.ofSeconds(2), o.connectTimeout());
        assertEquals(Duration.ofSeconds(10), o.commandTimeout());
        assertEquals(Duration.ofMinutes(1), o.contentTimeout());
    }

    @Test
    void errorsNameWhatIsWrong() {
        Config c = config();
        assertEquals("milter inet:127.0.0.1: need inet:host:port",
                assertThrows(ConfigException.class, () -> MilterSpec.parse("inet:127.0.0.1", c)).getMessage());
        assertEquals("milter tcp:127.0.0.1:1: unsupported transport type: \"tcp\" (use inet: or unix:)",
                assertThrows(ConfigException.class, () -> MilterSpec.parse("tcp:127.0.0.1:1", c)).getMessage());
        assertEquals("milter { inet:127.0.0.1:1, bogus=1 }: unknown attribute name: bogus",
                assertThrows(ConfigException.class, () -> MilterSpec.parse("{ inet:127.0.0.1:1, bogus=1 }", c)).getMessage());
        assertEquals("milter { inet:127.0.0.1:1, default_action=bounce }: unrecognized default action: bounce"
                + " (use accept, reject, tempfail or quarantine)", assertThrows(ConfigException.class,
                        () -> MilterSpec.parse("{ inet:127.0.0.1:1, default_action=bounce }", c)).getMessage());
        assertThrows(ConfigException.class, () -> MilterSettings.smtpd(config("smtpd_milters", "inet:x", "milter_protocol", "5")));
    }

    @Test
    void aFiltersOwnReplyCode() {
        assertEquals("550 5.7.1 Gtube pattern", MilterVerdict.parseReply("550 5.7.1 Gtube pattern").toString());
        assertEquals("451 4.7.1 Try later", MilterVerdict.parseReply("451 Try later").toString());
        assertEquals("550 5.7.1 one two", MilterVerdict.parseReply("550-5.7.1 one\r\n550 5.7.1 two").toString());
        assertEquals(null, MilterVerdict.parseReply("250 fine"));
    }
}
