package mta.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import mta.queue.QueueFileWriter;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.queue.RecordType;

/**
 * TestQueue - puts messages straight into a queue directory, as cleanup would have written them.
 *
 * <p>Writes with {@link QueueFileWriter} into {@code incoming/}, then renames into the wanted queue
 * (so hashed queues get their subdirectory). The arrival time may lie in the past, which is how
 * tests make a message old without waiting.
 */
public final class TestQueue {
    private TestQueue() {}

    public static String write(Queues queues, QueueName queue, Instant arrival, String sender, List<String> rcpts,
                               String subject) throws IOException {
        queues.create();
        QueueFileWriter w = QueueFileWriter.create(queues.dir(QueueName.INCOMING), false);
        w.record(RecordType.TIME, Long.toString(arrival.toEpochMilli()));
        w.record(RecordType.SENDER, sender);
        for (String r : rcpts) w.record(RecordType.RECIPIENT, r);
        w.startContent();
        String text = "From: " + (sender.isEmpty() ? "MAILER-DAEMON" : sender) + "\nSubject: " + subject
                + "\nMessage-Id: <" + subject.replace(' ', '.') + "@test>\n\nbody of " + subject;
        for (String line : text.split("\n", -1)) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            w.contentLine(b, 0, b.length, 2048);
        }
        w.commit();
        if (queue != QueueName.INCOMING) queues.move(w.id(), QueueName.INCOMING, queue);
        return w.id();
    }
}
