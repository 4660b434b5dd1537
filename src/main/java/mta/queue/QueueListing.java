package mta.queue;

import static mta.util.JsonLogLine.quote;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * QueueListing - the queue listing of mailq and {@code postqueue -p} (and {@code -j}): maildrop,
 * incoming, active, deferred and hold, one block per message (ID with * for active and ! for
 * hold, size, arrival time, sender), then its undelivered recipients with the reason for delay
 * from defer/ in parentheses. Reads the queue files and defer logs; writes the listing. Used by
 * the postqueue command and by the master's showq service (public/showq), as Postfix's showq(8).
 */
public final class QueueListing {
    private static final QueueName[] LISTED = {
        QueueName.MAILDROP, QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED, QueueName.HOLD};
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss ", Locale.ROOT);

    private QueueListing() {}

    /** Prints the listing: mailq's format, or one JSON object per message ({@code postqueue -j}). */
    public static void print(Queues queues, PrintStream out, boolean json) {
        long bytes = 0;
        int count = 0;
        StringBuilder sb = new StringBuilder();
        for (QueueName q : LISTED) {
            List<String> ids;
            try {
                ids = queues.list(q);
            } catch (IOException e) {
                continue;
            }
            for (String id : ids) {
                QueueFile.Envelope env;
                List<DeferLog.Entry> reasons;
                try {
                    env = QueueFile.readEnvelope(queues.file(q, id));
                    reasons = DeferLog.read(queues, QueueName.DEFER, id);
                } catch (IOException e) {
                    continue; // moved or removed while we looked, or not a complete file
                }
                count++;
                bytes += env.contentSize();
                if (json) json(sb, q, id, env, reasons);
                else entry(sb, q, id, env, reasons);
            }
        }
        if (json) {
            out.print(sb);
        } else if (count == 0) {
            out.println("Mail queue is empty");
        } else {
            out.println("-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------");
            out.print(sb);
            out.println("-- " + bytes / 1024 + " Kbytes in " + count + " Request" + (count == 1 ? "" : "s") + ".");
        }
        out.flush();
    }

    private static void entry(StringBuilder sb, QueueName q, String id, QueueFile.Envelope env,
                              List<DeferLog.Entry> reasons) {
        String marked = id + (q == QueueName.ACTIVE ? "*" : q == QueueName.HOLD ? "!" : "");
        String time = ASCTIME.format(Instant.ofEpochMilli(env.arrivalMillis()).atZone(ZoneId.systemDefault()));
        String sender = env.sender().isEmpty() ? "MAILER-DAEMON" : env.sender();
        sb.append(String.format(Locale.ROOT, "%-11s %7d %20.20s %s%n", marked, env.contentSize(), time, sender));
        String previous = null;
        for (QueueFile.Recipient r : env.pending()) {
            String reason = reasonFor(reasons, r.address());
            if (reason != null && !reason.equals(previous)) {
                sb.append(" ".repeat(Math.max(0, 76 - reason.length()))).append('(').append(reason).append(")\n");
            } else if (reason == null && previous != null) {
                sb.append(" ".repeat(58)).append("(reason unavailable)\n");
            }
            previous = reason;
            sb.append(String.format(Locale.ROOT, "%-11s %7s %-20s %s%n", "", "", "", r.address()));
        }
        sb.append('\n');
    }

    private static String reasonFor(List<DeferLog.Entry> reasons, String rcpt) {
        for (DeferLog.Entry e : reasons) if (e.recipient().equals(rcpt)) return e.reason();
        return null;
    }

    private static void json(StringBuilder sb, QueueName q, String id, QueueFile.Envelope env,
                             List<DeferLog.Entry> reasons) {
        sb.append("{\"queue_name\": ").append(quote(q.dir))
                .append(", \"queue_id\": ").append(quote(id))
                .append(", \"arrival_time\": ").append(env.arrivalMillis() / 1000)
                .append(", \"message_size\": ").append(env.contentSize())
                .append(", \"forced_expire\": false")
                .append(", \"sender\": ").append(quote(env.sender()))
                .append(", \"recipients\": [");
        boolean first = true;
        for (QueueFile.Recipient r : env.pending()) {
            if (!first) sb.append(", ");
            first = false;
            sb.append("{\"address\": ").append(quote(r.address()));
            String reason = reasonFor(reasons, r.address());
            if (reason != null) sb.append(", \"delay_reason\": ").append(quote(reason));
            sb.append('}');
        }
        sb.append("]}\n");
    }
}
