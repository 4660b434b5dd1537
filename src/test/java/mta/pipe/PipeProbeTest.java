package mta.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;
import mta.deliver.DeliveryStatus.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PipeProbeTest - an address verification probe runs no command: its recipients are deliverable. */
class PipeProbeTest {
    @TempDir
    java.nio.file.Path tmp;

    @Test
    void aProbeRunsNoCommand() throws Exception {
        PipeFixture f = new PipeFixture(tmp);
        PipeAgent agent = f.agent("filter unix - n n - - pipe user=pipeuser argv=" + f.record(0, "") + " ${recipient}");
        DeliveryRequest mail = f.request("double-bounce@mx.example.test", List.of(PipeFixture.Rcpt.of("a@example.test")));
        Map<String, String> attrs = new LinkedHashMap<>(mail.attributes());
        attrs.put("trace_flags", "256");
        DeliveryRequest probe = new DeliveryRequest(mail.queueId(), mail.queueFile(), mail.transport(), mail.nexthop(),
                mail.sender(), mail.recipients(), mail.arrival(), mail.activated(), mail.contentOffset(),
                mail.contentSize(), attrs);
        List<DeliveryStatus> st = agent.deliver(probe);
        assertEquals(Outcome.SENT, st.get(0).outcome());
        assertEquals("delivers to command: " + f.script, st.get(0).reason());
        assertEquals("filter", st.get(0).relay());
        assertEquals("", f.calls(), "the command was not run");
    }
}
