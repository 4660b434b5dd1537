package mta.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** CidrTest - network patterns of mynetworks, Debian's IPv4-mapped IPv6 prefix included. */
class CidrTest {
    private static boolean in(String net, String addr) throws Exception {
        return Cidr.parse(net).contains(InetAddress.getByName(addr));
    }

    @Test
    void debiansStockMynetworksParsesAndMatches() throws Exception {
        // mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128
        assertTrue(in("[::ffff:127.0.0.0]/104", "127.0.0.1"), "an IPv4 client through its mapped form");
        assertTrue(in("[::ffff:127.0.0.0]/104", "127.255.0.9"));
        assertFalse(in("[::ffff:127.0.0.0]/104", "128.0.0.1"));
        assertFalse(in("[::ffff:127.0.0.0]/104", "::1"));
        assertTrue(in("::ffff:127.0.0.0/104", "127.0.0.1"), "without brackets too");
        assertTrue(in("[::1]/128", "::1"));
        assertFalse(in("[::1]/128", "127.0.0.1"));
        assertTrue(in("127.0.0.0/8", "127.1.2.3"));
        assertTrue(in("[::ffff:192.0.2.1]", "192.0.2.1"), "a single mapped address");
        assertFalse(in("[::ffff:192.0.2.1]", "192.0.2.2"));
    }

    @Test
    void badPrefixesAreRefused() {
        assertThrows(ConfigException.class, () -> Cidr.parse("[::ffff:127.0.0.0]/129"));
        assertThrows(ConfigException.class, () -> Cidr.parse("127.0.0.0/33"));
        assertThrows(ConfigException.class, () -> Cidr.parse("127.0.0.0/x"));
        assertThrows(ConfigException.class, () -> Cidr.parse("mail.example.com"));
    }
}
