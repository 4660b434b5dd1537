package mta.smtp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import mta.deliver.DeliveryRequest;
import mta.deliver.Recipient;
import mta.queue.QueueFile;
import mta.queue.QueueFileWriter;
import mta.queue.RecordType;

/**
 * TestMessages - writes a real queue file and builds the DeliveryRequest the queue manager would.
 *
 * <p>Writes one queue file into the given directory with {@link QueueFileWriter}, then reads its
 * envelope back with {@link QueueFile#readEnvelope}, so tests exercise the true file format.
 */
final class TestMessages {
    private TestMessages() {}

    static DeliveryRequest request(Path dir, String nexthop, String sender, List<String> recipients,
                                   List<String> lines) throws IOException {
        return request(dir, nexthop, sender, recipients, lines, java.util.Map.of());
    }

    /** The same, with named attributes ({@code encoding}, {@code smtputf8}, ...) in the envelope. */
    static DeliveryRequest request(Path dir, String nexthop, String sender, List<String> recipients,
                                   List<String> lines, java.util.Map<String, String> attributes) throws IOException {
        Path file;
        try (QueueFileWriter w = QueueFileWriter.create(dir, false)) {
            w.record(RecordType.TIME, Long.toString(System.currentTimeMillis()));
            for (var a : new java.util.TreeMap<>(attributes).entrySet()) {
                w.record(RecordType.ATTRIBUTE, a.getKey() + "=" + a.getValue());
            }
            w.record(RecordType.SENDER, sender);
            for (String r : recipients) w.record(RecordType.RECIPIENT, r);
            w.startContent();
            for (String line : lines) {
                byte[] b = line.getBytes(StandardCharsets.UTF_8);
                w.contentLine(b, 0, b.length, 2048);
            }
            file = w.commit();
        }
        QueueFile.Envelope env = QueueFile.readEnvelope(file);
        return new DeliveryRequest(file.getFileName().toString(), file, "smtp", nexthop, env.sender(),
                Recipient.of(env.pending()), Instant.ofEpochMilli(env.arrivalMillis()), Instant.now(), env.contentOffset(),
                env.contentSize(), env.attributes());
    }
}
