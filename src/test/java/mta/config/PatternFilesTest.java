package mta.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PatternFilesTest - the {@code /file/name} forms: {@code myorigin = /etc/mailname} and files in
 * domain and network lists, which Debian's and other real configurations use.
 */
class PatternFilesTest {
    @TempDir Path tmp;

    private static Config of(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("myhostname", "mx.example.test");
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return Config.of(m);
    }

    @Test
    void myoriginNamesAFileWhoseFirstWordIsTheDomain() throws Exception {
        Path mailname = Files.writeString(tmp.resolve("mailname"), "\n  mail.example.com  other\nsecond.example\n");
        Config c = of("myorigin", mailname.toString());
        assertEquals("mail.example.com", c.str(Params.MYORIGIN));
        assertEquals(mailname.toString(), c.get("myorigin"), "expansion keeps the path, as postconf -x shows it");
        assertEquals("mx.example.test", of().str(Params.MYORIGIN), "the default $myhostname");
        c.validate();
    }

    @Test
    void aMissingMailnameFileIsAnError() {
        Config c = of("myorigin", tmp.resolve("nothere").toString());
        ConfigException e = assertThrows(ConfigException.class, c::validate);
        assertEquals("open " + tmp.resolve("nothere") + ": No such file or directory", e.getMessage());
    }

    @Test
    void fileElementsOfDomainAndNetworkListsAreReplacedByTheirWords() throws Exception {
        Path domains = Files.writeString(tmp.resolve("domains"),
                "# hosted domains\none.example, two.example   # the second\n\nthree.example\n" + tmp.resolve("more") + "\n");
        Files.writeString(tmp.resolve("more"), "four.example\n");
        Path nets = Files.writeString(tmp.resolve("nets"), "192.0.2.0/24\n[2001:db8::]/32\n");
        Config c = of("mydestination", "localhost, " + domains,
                "relay_domains", domains.toString(),
                "virtual_alias_domains", domains.toString(),
                "virtual_mailbox_domains", "hash:/x " + domains,
                "mynetworks", "127.0.0.0/8 " + nets);
        List<String> all = List.of("one.example", "two.example", "three.example", "four.example");
        assertEquals(List.of("localhost", "one.example", "two.example", "three.example", "four.example"),
                c.list(Params.MYDESTINATION));
        assertEquals(all, c.list(Params.RELAY_DOMAINS));
        assertEquals(all, c.list(Params.VIRTUAL_ALIAS_DOMAINS));
        assertEquals("hash:/x", c.list(Params.VIRTUAL_MAILBOX_DOMAINS).get(0));
        assertEquals(List.of("127.0.0.0/8", "192.0.2.0/24", "[2001:db8::]/32"), c.list(Params.MYNETWORKS));
        c.validate();
    }

    @Test
    void fileProblemsAreConfigurationErrors() throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> of("relay_domains", tmp.resolve("none").toString()).validate());
        assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage());
        Path loop = tmp.resolve("loop");
        Files.writeString(loop, loop + "\n");
        e = assertThrows(ConfigException.class, () -> of("mydestination", loop.toString()).validate());
        assertTrue(e.getMessage().contains("file includes itself"), e.getMessage());
        Path badNet = Files.writeString(tmp.resolve("badnet"), "192.0.2.0/33\n");
        assertThrows(ConfigException.class, () -> of("mynetworks", badNet.toString()).validate());
    }

    @Test
    void debiansStockMynetworksPassesTheLoadTimeCheck() {
        of("mynetworks", "127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128").validate();
        ConfigException e = assertThrows(ConfigException.class, () -> of("mynetworks", "127.0.0.0/8 [::1]/129").validate());
        assertTrue(e.getMessage().contains("[::1]/129"), e.getMessage());
    }
}
