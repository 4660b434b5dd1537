package mta.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mta.cleanup.Cleanup;
import mta.config.Config;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;
import mta.deliver.DeliveryStatus.Outcome;
import mta.deliver.Recipient;
import mta.lookup.TableBuilder;
import mta.lookup.Tables;
import mta.queue.QueueFile;
import mta.queue.QueueFileWriter;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.queue.RecordType;
import mta.util.MailLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LocalVerifyTest - local(8) with an address verification probe: aliases, accounts, luser_relay
 * and unknown users are answered, and nothing is written, run or forwarded.
 */
class LocalVerifyTest {
    @TempDir
    Path tmp;

    private final Map<String, String> params = new LinkedHashMap<>();

    private List<DeliveryStatus> probe(String... rcpts) throws IOException {
        Files.writeString(tmp.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\njoe:x:1000:1000::/home/joe:/bin/sh\n");
        TableBuilder.write(Tables.dbFile(tmp.resolve("aliases").toString()),
                Map.of("postmaster", "root", "list", "|/bin/false, /tmp/never-written, remote@elsewhere.test"), null);
        params.putIfAbsent("myhostname", "mx.example.test");
        params.put("mydestination", "example.test");
        params.put("recipient_delimiter", "+");
        params.put("mail_spool_directory", tmp.resolve("mail") + "/");
        params.put("queue_directory", tmp.resolve("queue").toString());
        params.put("alias_maps", "hash:" + tmp.resolve("aliases"));
        Queues queues = new Queues(tmp.resolve("queue"));
        queues.create();
        Config config = Config.of(params);
        LocalAgent agent = new LocalAgent(config, new Cleanup(config, queues, MailLog.stderr("postfix"), c -> { }),
                tmp.resolve("passwd"), MailLog.stderr("postfix").channel("local"));
        Path file;
        try (QueueFileWriter w = QueueFileWriter.create(Files.createDirectories(tmp.resolve("active")), false)) {
            w.record(RecordType.TIME, Long.toString(System.currentTimeMillis()));
            w.record(RecordType.ATTRIBUTE, "trace_flags=256");
            w.record(RecordType.SENDER, "double-bounce@backup.test");
            for (String r : rcpts) w.record(RecordType.RECIPIENT, r);
            w.startContent();
            file = w.commit();
        }
        QueueFile.Envelope env = QueueFile.readEnvelope(file);
        List<DeliveryStatus> out = agent.deliver(new DeliveryRequest(file.getFileName().toString(), file, "local",
                "mx.example.test", env.sender(), Recipient.of(env.pending()), Instant.now(), Instant.now(), env.contentOffset(),
                env.contentSize(), env.attributes()));
        assertFalse(Files.exists(tmp.resolve("mail")), "no mailbox was written");
        assertEquals(List.of(), queues.list(QueueName.INCOMING), "nothing was forwarded");
        return out;
    }

    @Test
    void aliasesAccountsAndUnknownUsersAreAnsweredWithoutDelivery() throws Exception {
        List<DeliveryStatus> st = probe("postmaster@example.test", "joe+tag@example.test", "list@example.test",
                "nosuch@example.test");
        assertEquals(Outcome.SENT, st.get(0).outcome());
        assertEquals("aliased to root", st.get(0).reason());
        assertEquals("delivers to maildir", st.get(1).reason());
        assertEquals(Outcome.SENT, st.get(2).outcome());
        assertEquals(Outcome.BOUNCED, st.get(3).outcome());
        assertEquals("5.1.1", st.get(3).dsn().toString());
        assertEquals("unknown user: \"nosuch\"", st.get(3).reason());
    }

    @Test
    void luserRelayAndMailboxCommand() throws Exception {
        params.put("luser_relay", "admin@elsewhere.test");
        params.put("mailbox_command", "/usr/bin/procmail");
        List<DeliveryStatus> st = probe("nosuch@example.test", "joe@example.test");
        assertEquals("forwards to admin@elsewhere.test", st.get(0).reason());
        assertEquals("delivers to command: /usr/bin/procmail", st.get(1).reason());
    }
}
