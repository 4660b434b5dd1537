package mta.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import mta.config.Config;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;
import mta.deliver.DeliveryStatus.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpProbeTest - the SMTP client with an address verification probe (trace_flags=256): MAIL and
 * RCPT, then RSET and never DATA, with and without PIPELINING; what each reply makes of the
 * recipients.
 */
class SmtpProbeTest {
    @TempDir
    Path queue;

    private static SmtpAgent agent() {
        return new SmtpAgent(Config.of(Map.of("myhostname", "client.test", "smtp_connection_cache_on_demand", "no")),
                null, 25);
    }

    private DeliveryRequest probe(ScriptedSmtpServer server, String... recipients) throws IOException {
        return TestMessages.request(queue, server.nexthop(), "double-bounce@client.test", List.of(recipients),
                List.of(), Map.of("trace_flags", "256"));
    }

    private static DeliveryStatus of(List<DeliveryStatus> statuses, String rcpt) {
        return statuses.stream().filter(s -> s.recipient().address().equals(rcpt)).findFirst().orElseThrow();
    }

    @Test
    void pipelinedProbeStopsAfterRcptTo() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start()) {
            server.on("RCPT TO:<bad@", "550 5.1.1 <bad@dest.test>: Recipient address rejected: User unknown");
            server.on("RCPT TO:<busy@", "450 4.2.1 <busy@dest.test>: try again");
            List<DeliveryStatus> st = agent().deliver(probe(server, "good@dest.test", "bad@dest.test", "busy@dest.test"));
            DeliveryStatus good = of(st, "good@dest.test");
            assertEquals(Outcome.SENT, good.outcome());
            assertEquals("2.1.5", good.dsn().toString());
            assertEquals("250 2.1.5 Ok", good.reason());
            DeliveryStatus bad = of(st, "bad@dest.test");
            assertEquals(Outcome.BOUNCED, bad.outcome());
            assertEquals("host 127.0.0.1[127.0.0.1] said: 550 5.1.1 <bad@dest.test>: Recipient address rejected: "
                    + "User unknown (in reply to RCPT TO command)", bad.reason());
            assertEquals(Outcome.DEFERRED, of(st, "busy@dest.test").outcome());
            List<String> cmds = server.commands();
            assertEquals(List.of("MAIL", "RCPT", "RCPT", "RCPT", "RSET", "QUIT"),
                    cmds.stream().skip(1).map(c -> c.split("[ :]", 2)[0]).toList(), cmds.toString());
            assertTrue(server.dataLines().isEmpty());
        }
    }

    @Test
    void probeWithoutPipeliningAndARefusedSender() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.start()) {
            server.ehlo("250-scripted.test\n250 SIZE 10240000");
            server.on("MAIL FROM:", "550 5.7.1 <double-bounce@client.test>: Sender address rejected: no probes here");
            List<DeliveryStatus> st = agent().deliver(probe(server, "a@dest.test", "b@dest.test"));
            for (DeliveryStatus s : st) {
                assertEquals(Outcome.BOUNCED, s.outcome());
                assertTrue(s.reason().endsWith("(in reply to MAIL FROM command)"), s.reason());
            }
            List<String> cmds = server.commands();
            assertFalse(cmds.stream().anyMatch(c -> c.startsWith("RCPT") || c.startsWith("DATA")), cmds.toString());
            assertTrue(cmds.contains("RSET"), cmds.toString());
        }
    }
}
