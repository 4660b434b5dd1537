package mta.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import mta.config.ConfigException;
import mta.metrics.Registry;
import org.junit.jupiter.api.Test;

/** MetricsServerTest - metrics_listen values, /healthz answers, and methods other than GET refused. */
class MetricsServerTest {
    @Test
    void listenValues() {
        assertNull(MetricsServer.address(" "));
        assertEquals(new InetSocketAddress("127.0.0.1", 9187), MetricsServer.address("9187"));
        assertEquals(new InetSocketAddress("0.0.0.0", 9187), MetricsServer.address("0.0.0.0:9187"));
        assertEquals(new InetSocketAddress("::1", 9187), MetricsServer.address("[::1]:9187"));
        assertEquals("metrics_listen = 127.0.0.1:99999: bad port number: 99999",
                assertThrows(ConfigException.class, () -> MetricsServer.address("127.0.0.1:99999")).getMessage());
        assertThrows(ConfigException.class, () -> MetricsServer.address(":9187"));
        assertThrows(ConfigException.class, () -> MetricsServer.address("localhost:port"));
    }

    @Test
    void healthzFollowsWhatIsDown() throws Exception {
        AtomicReference<List<String>> down = new AtomicReference<>(List.of());
        try (MetricsServer s = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), new Registry(), down::get)) {
            HttpClient http = HttpClient.newHttpClient();
            URI health = URI.create("http://127.0.0.1:" + s.port() + "/healthz");
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            down.set(List.of("pickup: terminated abnormally, waiting to restart"));
            r = http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, r.statusCode());
            assertEquals("pickup: terminated abnormally, waiting to restart\n", r.body());
            r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, r.statusCode());
        }
    }
}
