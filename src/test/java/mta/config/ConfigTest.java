package mta.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ConfigTest - the typed getters of {@link Config}: numbers, sizes, times, booleans and lists. */
class ConfigTest {
    private static Config of(String... kv) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return Config.of(m);
    }

    @Test
    void integers() {
        assertEquals(10240000L, of().size(Params.MESSAGE_SIZE_LIMIT));
        assertEquals(1000, of().integer(Params.SMTPD_RECIPIENT_LIMIT));
        assertEquals(5, of("smtpd_recipient_limit", " 5 ").integer(Params.SMTPD_RECIPIENT_LIMIT));
        assertEquals(20, of().integer(Params.SMTPD_HARD_ERROR_LIMIT), "${stress?{1}:{20}} without stress");
        assertEquals(1, of("stress", "yes").integer(Params.SMTPD_HARD_ERROR_LIMIT));
        assertEquals(12345L, of("base", "12345", "message_size_limit", "$base").size(Params.MESSAGE_SIZE_LIMIT));
    }

    @Test
    void badIntegerHasPostfixWording() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> of("message_size_limit", "lots").size(Params.MESSAGE_SIZE_LIMIT));
        assertEquals("bad numerical configuration: message_size_limit = lots", e.getMessage());
        e = assertThrows(ConfigException.class, () -> of("smtpd_recipient_limit", "0").integer(Params.SMTPD_RECIPIENT_LIMIT));
        assertTrue(e.getMessage().contains("smtpd_recipient_limit"), e.getMessage());
        assertThrows(ConfigException.class, () -> of("smtpd_recipient_limit", "10k").integer(Params.SMTPD_RECIPIENT_LIMIT));
    }

    @Test
    void timesWithUnits() {
        assertEquals(Duration.ofSeconds(300), of().time(Params.SMTPD_TIMEOUT));
        assertEquals(Duration.ofSeconds(10), of("stress", "yes").time(Params.SMTPD_TIMEOUT));
        assertEquals(Duration.ofSeconds(90), of("smtpd_timeout", "90").time(Params.SMTPD_TIMEOUT), "default unit s");
        assertEquals(Duration.ofMinutes(2), of("smtpd_timeout", "2m").time(Params.SMTPD_TIMEOUT));
        assertEquals(Duration.ofHours(1), of("smtpd_timeout", "1h").time(Params.SMTPD_TIMEOUT));
        assertEquals(Duration.ofDays(5), of().time(Params.MAXIMAL_QUEUE_LIFETIME));
        assertEquals(Duration.ofDays(3), of("maximal_queue_lifetime", "3").time(Params.MAXIMAL_QUEUE_LIFETIME), "default unit d");
        assertEquals(Duration.ofDays(14), of("maximal_queue_lifetime", "2w").time(Params.MAXIMAL_QUEUE_LIFETIME));
        assertEquals(Duration.ofHours(12), of("maximal_queue_lifetime", "12h").time(Params.MAXIMAL_QUEUE_LIFETIME));
        for (String bad : List.of("soon", "5x", "5ss", "", "-1s")) {
            assertThrows(ConfigException.class, () -> of("smtpd_timeout", bad).time(Params.SMTPD_TIMEOUT), bad);
        }
        assertThrows(ConfigException.class, () -> of("smtpd_timeout", "0s").time(Params.SMTPD_TIMEOUT), "below minimum");
    }

    @Test
    void booleans() {
        assertTrue(of().bool(Params.SMTPD_PEERNAME_LOOKUP));
        assertFalse(of().bool(Params.ENABLE_LONG_QUEUE_IDS));
        assertFalse(of("smtpd_peername_lookup", "no").bool(Params.SMTPD_PEERNAME_LOOKUP));
        assertTrue(of("enable_long_queue_ids", "YES").bool(Params.ENABLE_LONG_QUEUE_IDS));
        assertFalse(of("enable_long_queue_ids", " No ").bool(Params.ENABLE_LONG_QUEUE_IDS));
        ConfigException e = assertThrows(ConfigException.class,
                () -> of("enable_long_queue_ids", "Maybe").bool(Params.ENABLE_LONG_QUEUE_IDS));
        assertEquals("bad boolean configuration: enable_long_queue_ids = Maybe", e.getMessage());
        // Postfix knows only yes and no
        assertThrows(ConfigException.class, () -> of("enable_long_queue_ids", "true").bool(Params.ENABLE_LONG_QUEUE_IDS));
    }

    @Test
    void lists() {
        assertEquals(List.of("a", "b", "c", "d"), Config.splitList("a, b,c  d"));
        assertEquals(List.of("a", "b"), Config.splitList(" ,a,,\tb , "));
        assertEquals(List.of(), Config.splitList("   "));
        assertEquals(List.of("hash:/etc/aliases", "{ inline:{ a=b, c=d } }", "!x"),
                Config.splitList("hash:/etc/aliases, { inline:{ a=b, c=d } } !x"));
        assertEquals(List.of("mx.example.test", "localhost.example.test", "localhost"),
                of("myhostname", "mx.example.test", "mydomain", "example.test").list(Params.MYDESTINATION));
        assertEquals(List.of("127.0.0.0/8", "[::1]/128"),
                of("mynetworks", "127.0.0.0/8\n [::1]/128").list(Params.MYNETWORKS));
    }

    @Test
    void unknownNamesAndOverrides() {
        Config c = of("myhostname", "a.example", "foo_bar", "baz");
        assertEquals("", c.get("no_such_parameter"));
        assertEquals("$default_destination_recipient_limit", c.rawValue("smtp-amavis_destination_recipient_limit"),
                "a per-transport parameter defaults by its suffix");
        assertEquals("50", c.get("smtp-amavis_destination_recipient_limit"));
        assertEquals("${stress?{2}:{6}}s", c.rawValue("postscreen_greet_wait"), "Postfix's default of a parameter not implemented here");
        assertEquals("6s", c.get("postscreen_greet_wait"));
        assertEquals(List.of("main.cf: unused parameter: foo_bar=baz"),
                UnusedParameters.warnings("main.cf", c.explicit(), "master.cf", null));
        Config o = c.with(Map.of("myhostname", "b.example"));
        assertEquals("b.example", o.get("myhostname"));
        assertEquals("a.example", c.get("myhostname"));
        assertEquals("b.example ESMTP Postfix", o.str(Params.SMTPD_BANNER));
    }

    private static Config onHost(String host, String... kv) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return new Config(m, host);
    }

    @Test
    void myhostnameIsComputedFromTheHostName() {
        assertEquals("mx.example.test", onHost("mx.example.test").get("myhostname"));
        assertEquals("example.test", onHost("mx.example.test").get("mydomain"));
        assertEquals("vm.example.org", onHost("vm", "mydomain", "example.org").get("myhostname"));
        assertEquals("vm.localdomain", onHost("vm").get("myhostname"), "as postconf -d shows it");
    }

    @Test
    void unqualifiedHostNameWithoutMyhostnameIsFatal() {
        ConfigException e = assertThrows(ConfigException.class, () -> onHost("vm").validate());
        assertEquals("this host's name \"vm\" is not fully qualified: set myhostname (or mydomain) in main.cf",
                e.getMessage());
        onHost("vm", "myhostname", "mx.example.test").validate();
        onHost("vm", "mydomain", "example.org").validate();
        onHost("mx.example.test").validate();
    }

    @Test
    void unsupportedTableTypeIsFatal() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> onHost("mx.example.test", "alias_maps", "hash:/etc/aliases, foo:/x").validate());
        assertEquals("unsupported dictionary type: foo", e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> onHost("mx.example.test", "transport_maps", "proxy:nosuch:/etc/x.cf").validate());
        assertEquals("unsupported dictionary type: nosuch", e.getMessage());
        onHost("mx.example.test", "virtual_alias_maps", "inline:{a=b, c=d} regexp:/x",
                "header_checks", "/etc/postfix/checks").validate();
    }

    @Test
    void everyTableTypeOfTheLookupPackageIsAcceptedInMainCf() {
        onHost("mx.example.test",
                "virtual_alias_maps", "pcre:/etc/postfix/v.pcre, proxy:pgsql:/etc/postfix/v.cf, mysql:/m.cf, sqlite:/s.cf",
                "virtual_mailbox_maps", "ldap:/l.cf memcache:/mc.cf lmdb:/x cdb:/y",
                "transport_maps", "socketmap:inet:127.0.0.1:9:t tcp:127.0.0.1:10 unionmap:{hash:/a, hash:/b}",
                "header_checks", "pipemap:{pcre:/a, hash:/b}").validate();
    }

    @Test
    void proxyTablesMustBeListedInProxyReadMaps() {
        onHost("mx.example.test", "relay_domains", "proxy:mysql:/etc/postfix/relay.cf",
                "smtpd_recipient_restrictions", "check_recipient_access proxy:pgsql:/a.cf, reject_unauth_destination")
                .validate();
        ConfigException e = assertThrows(ConfigException.class, () -> onHost("mx.example.test",
                "virtual_alias_maps", "proxy:pgsql:/etc/postfix/v.cf", "proxy_read_maps", "$local_recipient_maps proxy:pgsql:/other.cf").validate());
        assertEquals("parameter virtual_alias_maps: proxymap service is not configured for table \"pgsql:/etc/postfix/v.cf\""
                + " (list proxy:pgsql:/etc/postfix/v.cf in proxy_read_maps)", e.getMessage());
    }

    @Test
    void badBooleanInAcceptedParameterIsFatal() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> onHost("mx.example.test", "smtpd_helo_required", "maybe").validate());
        assertEquals("bad boolean configuration: smtpd_helo_required = maybe", e.getMessage());
    }

    @Test
    void everyPerTransportParameterDefaultsToItsOwnDefaultParameter() {
        Config c = of();
        for (Map.Entry<String, String> e : ServiceParameters.TRANSPORT_SUFFIXES.entrySet()) {
            assertEquals(e.getValue(), c.rawValue("smtp-amavis_" + e.getKey()), e.getKey());
        }
        assertEquals("$command_time_limit", c.rawValue("policyd-spf_time_limit"));
        assertEquals("2", c.rawValue("local_destination_concurrency_limit"), "Postfix's own default for local");
    }
}
