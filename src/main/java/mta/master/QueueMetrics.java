package mta.master;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import mta.metrics.Family;
import mta.metrics.TextFormat;
import mta.queue.QueueFile;
import mta.queue.QueueName;
import mta.queue.Queues;

/**
 * QueueMetrics - the size of each queue and the age of its oldest message, counted when scraped:
 * {@code postfix_queue_messages{queue="deferred"}} and
 * {@code postfix_queue_oldest_message_age_seconds{queue="deferred"}}.
 *
 * <p>Reads the queue directories (incoming, active, deferred, hold, maildrop, corrupt), as
 * {@code qshape} and {@code mailq} do. The age comes from the arrival time in each queue file (a
 * deferred file's modification time is its next retry), read once per message and kept while the
 * message stays; maildrop and corrupt files use their modification time.
 */
final class QueueMetrics implements Consumer<TextFormat> {
    private static final List<QueueName> QUEUES = List.of(QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED,
            QueueName.HOLD, QueueName.MAILDROP, QueueName.CORRUPT);
    private static final List<String> LABEL = List.of("queue");

    private final Queues queues;
    /** queue/ID -> arrival, in milliseconds. */
    private final Map<String, Long> arrivals = new ConcurrentHashMap<>();

    QueueMetrics(Queues queues) {
        this.queues = queues;
    }

    @Override
    public void accept(TextFormat out) {
        long now = System.currentTimeMillis();
        long[] sizes = new long[QUEUES.size()];
        double[] ages = new double[QUEUES.size()];
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < QUEUES.size(); i++) {
            QueueName q = QUEUES.get(i);
            List<String> ids;
            try {
                ids = queues.list(q);
            } catch (IOException e) {
                ids = List.of();
            }
            sizes[i] = ids.size();
            long oldest = Long.MAX_VALUE;
            for (String id : ids) {
                String key = q.dir + "/" + id;
                seen.add(key);
                Long arrival = arrivals.get(key);
                if (arrival == null) {
                    arrival = arrival(q, queues.file(q, id));
                    if (arrival == null) continue; // gone meanwhile, or not readable yet
                    arrivals.put(key, arrival);
                }
                oldest = Math.min(oldest, arrival);
            }
            ages[i] = oldest == Long.MAX_VALUE ? 0 : Math.max(0, now - oldest) / 1000.0;
        }
        arrivals.keySet().retainAll(seen);
        out.header("postfix_queue_messages", "Messages in each queue now.", Family.Type.GAUGE);
        for (int i = 0; i < QUEUES.size(); i++) out.sample("postfix_queue_messages", LABEL, List.of(QUEUES.get(i).dir), sizes[i]);
        out.header("postfix_queue_oldest_message_age_seconds",
                "Age of the oldest message in each queue (0 when the queue is empty).", Family.Type.GAUGE);
        for (int i = 0; i < QUEUES.size(); i++) {
            out.sample("postfix_queue_oldest_message_age_seconds", LABEL, List.of(QUEUES.get(i).dir), ages[i]);
        }
    }

    private static Long arrival(QueueName q, Path file) {
        try {
            if (q == QueueName.MAILDROP || q == QueueName.CORRUPT) return Files.getLastModifiedTime(file).toMillis();
            return QueueFile.readEnvelope(file).arrivalMillis();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
