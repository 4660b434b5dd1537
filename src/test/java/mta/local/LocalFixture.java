package mta.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mta.cleanup.Cleanup;
import mta.config.Config;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;
import mta.deliver.Recipient;
import mta.lookup.AliasSource;
import mta.lookup.Source;
import mta.lookup.TableBuilder;
import mta.lookup.Tables;
import mta.queue.QueueFile;
import mta.queue.QueueFileWriter;
import mta.queue.Queues;
import mta.queue.RecordType;
import mta.util.MailLog;

/**
 * LocalFixture - a local delivery agent on real files: main.cf parameters, a compiled alias
 * table, a private password file, a queue and a mail log, all under one temporary directory.
 *
 * <p>Writes {@code aliases}, {@code aliases.db}, {@code queue/}, {@code active/} and {@code
 * maillog} under the directory; the test writes the {@code passwd} file it names.
 */
final class LocalFixture {
    static final String SENDER = "alice@remote.test";

    final Path tmp;
    final Map<String, String> params = new LinkedHashMap<>();

    LocalFixture(Path tmp) {
        this.tmp = tmp;
        params.put("myhostname", "mx.example.test");
        params.put("mydestination", "example.test, localhost");
        params.put("queue_directory", tmp.resolve("queue").toString());
        params.put("alias_maps", "hash:" + tmp.resolve("aliases"));
        params.put("recipient_delimiter", "+");
    }

    /** Writes and compiles the alias table. */
    void aliases(String text) throws IOException {
        Path src = tmp.resolve("aliases");
        Files.writeString(src, text);
        Map<String, String> entries = new LinkedHashMap<>();
        try (var r = Files.newBufferedReader(src)) {
            for (Source.Entry e : AliasSource.parse(r, src.toString()).entries()) entries.putIfAbsent(e.key(), e.value());
        }
        TableBuilder.write(Tables.dbFile(src.toString()), entries, src);
    }

    Queues queues() throws IOException {
        Queues q = new Queues(tmp.resolve("queue"));
        q.create();
        return q;
    }

    /** The agent, reading {@code tmp/passwd} and logging to {@code tmp/maillog}. */
    LocalAgent agent() throws IOException {
        Config config = Config.of(params);
        MailLog log = MailLog.open(tmp.resolve("maillog"), "mx.example.test", "postfix");
        Cleanup cleanup = new Cleanup(config, queues(), log, c -> { });
        return new LocalAgent(config, cleanup, tmp.resolve("passwd"), log.channel("local"));
    }

    /** A queue file in {@code active/} for one recipient, and the request for it. */
    DeliveryRequest request(String rcpt, String... headerAndBody) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("active"));
        Path file;
        try (QueueFileWriter w = QueueFileWriter.create(dir, false)) {
            w.record(RecordType.TIME, Long.toString(System.currentTimeMillis()));
            w.record(RecordType.SENDER, SENDER);
            w.record(RecordType.RECIPIENT, rcpt);
            w.startContent();
            List<String> lines = new ArrayList<>(List.of(headerAndBody));
            if (lines.isEmpty()) lines.addAll(List.of("Subject: test", "", "From the body", "bye"));
            for (String line : lines) {
                byte[] b = line.getBytes(StandardCharsets.UTF_8);
                w.contentLine(b, 0, b.length, 2048);
            }
            file = w.commit();
        }
        QueueFile.Envelope env = QueueFile.readEnvelope(file);
        return new DeliveryRequest(file.getFileName().toString(), file, "local", "mx.example.test", env.sender(),
                Recipient.of(env.pending()), Instant.ofEpochMilli(env.arrivalMillis()), Instant.now(), env.contentOffset(),
                env.contentSize(), Map.of("log_client_address", "192.0.2.7"));
    }

    DeliveryStatus deliver(String rcpt, String... content) throws Exception {
        List<DeliveryStatus> s = agent().deliver(request(rcpt, content));
        assertEquals(1, s.size());
        return s.get(0);
    }

    /** What the agent logged so far. */
    String log() throws IOException {
        Path f = tmp.resolve("maillog");
        return Files.exists(f) ? Files.readString(f) : "";
    }
}
