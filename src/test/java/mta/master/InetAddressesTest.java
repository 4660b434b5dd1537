package mta.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import mta.config.ConfigException;
import org.junit.jupiter.api.Test;

/** InetAddressesTest - master.cf inet service names and inet_interfaces become the right sockets. */
class InetAddressesTest {
    private static List<String> bind(String service, String interfaces, String protocols) {
        return InetAddresses.resolve(service, List.of(interfaces.split(" ")), List.of(protocols.split(" "))).stream()
                .map(a -> a.getAddress().getHostAddress() + " " + a.getPort()).toList();
    }

    @Test
    void serviceNameIsAWellKnownPort() {
        assertEquals(List.of("127.0.0.1 25"), bind("smtp", "loopback-only", "ipv4"));
        assertEquals(List.of("127.0.0.1 587"), bind("submission", "loopback-only", "ipv4"));
    }

    @Test
    void bareNumberListensOnEveryInterfaceAddress() {
        assertEquals(List.of("127.0.0.1 2525"), bind("2525", "127.0.0.1", "all"));
        assertEquals(List.of("0.0.0.0 2525"), bind("2525", "all", "ipv4"));
        // The JDK wildcard: one dual-stack socket for IPv4 and IPv6.
        assertEquals(List.of("0.0.0.0 2525"), bind("2525", "all", "all"));
    }

    @Test
    void hostAndPortOverrideInetInterfaces() {
        assertEquals(List.of("127.0.0.1 2525"), bind("127.0.0.1:2525", "all", "all"));
        assertEquals(List.of("0:0:0:0:0:0:0:1 2526"), bind("[::1]:2526", "all", "all"));
    }

    @Test
    void badServicesAreConfigurationErrors() {
        assertEquals("unknown service: nosuchservice/tcp",
                assertThrows(ConfigException.class, () -> bind("nosuchservice", "all", "all")).getMessage());
        assertThrows(ConfigException.class, () -> bind("70000", "all", "all"));
        assertThrows(ConfigException.class, () -> bind("[::1]2525", "all", "all"));
    }
}
