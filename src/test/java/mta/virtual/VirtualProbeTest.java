package mta.virtual;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import mta.config.Config;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;
import mta.deliver.DeliveryStatus.Outcome;
import mta.deliver.Recipient;
import mta.queue.QueueFile;
import mta.queue.QueueFileWriter;
import mta.queue.RecordType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** VirtualProbeTest - virtual(8) with an address verification probe: looks the mailbox up, writes nothing. */
class VirtualProbeTest {
    @TempDir
    Path tmp;

    @Test
    void aProbeLooksTheMailboxUpAndWritesNothing() throws Exception {
        Path base = Files.createDirectories(tmp.resolve("vmail"));
        VirtualAgent agent = new VirtualAgent(Config.of(Map.of("myhostname", "mx.example.test",
                "virtual_mailbox_base", base.toString(),
                "virtual_mailbox_maps", "inline:{ a@v.test=v.test/a/, b@v.test=v.test/b }",
                "virtual_uid_maps", "static:5000", "virtual_gid_maps", "static:5000")),
                mta.util.MailLog.stderr("postfix").channel("virtual"));
        Path file;
        try (QueueFileWriter w = QueueFileWriter.create(Files.createDirectories(tmp.resolve("active")), false)) {
            w.record(RecordType.TIME, Long.toString(System.currentTimeMillis()));
            w.record(RecordType.ATTRIBUTE, "trace_flags=256");
            w.record(RecordType.SENDER, "double-bounce@backup.test");
            for (String r : List.of("a@v.test", "b@v.test", "c@v.test")) w.record(RecordType.RECIPIENT, r);
            w.startContent();
            file = w.commit();
        }
        QueueFile.Envelope env = QueueFile.readEnvelope(file);
        List<DeliveryStatus> st = agent.deliver(new DeliveryRequest(file.getFileName().toString(), file, "virtual",
                "v.test", env.sender(), Recipient.of(env.pending()), Instant.now(), Instant.now(), env.contentOffset(),
                env.contentSize(), env.attributes()));
        assertEquals("delivers to maildir", st.get(0).reason());
        assertEquals("delivers to mailbox", st.get(1).reason());
        assertEquals(Outcome.BOUNCED, st.get(2).outcome());
        assertEquals("unknown user: \"c@v.test\"", st.get(2).reason());
        assertFalse(Files.exists(base.resolve("v.test")), "nothing written");
    }
}
