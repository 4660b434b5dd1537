package mta.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.ConfigLoader;
import mta.config.Params;
import mta.queue.DeferLog;
import mta.queue.FlushClient;
import mta.queue.QueueFile;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.queue.Trigger;
import mta.queue.TriggerClient;

/**
 * Postqueue - the postqueue(1) command: list the queue, or ask the queue manager to flush it.
 *
 * <pre>
 * SYNOPSIS
 *     postqueue [-c config_dir] -p       (mailq)
 *     postqueue [-c config_dir] -j
 *     postqueue [-c config_dir] -f
 *     postqueue [-c config_dir] -i queue_id
 *     postqueue [-c config_dir] -s site
 *
 * DESCRIPTION
 *     -p  lists maildrop, incoming, active, deferred and hold in Postfix's mailq format: one
 *         block per message (ID with * for active and ! for hold, size, arrival time, sender),
 *         then its undelivered recipients with the reason for delay in parentheses.
 *     -j  the same as one JSON object per line.
 *     -f  asks the queue manager to attempt every queued message now.
 *     -i  makes one deferred message due now and wakes the queue manager; -s asks the flush
 *         service to deliver the deferred mail of a site in fast_flush_domains.
 *
 *     An ID that cannot be a queue ID is refused ("Cannot flush queue ID - invalid name"); an ID
 *     that is not deferred is no error (Postfix says nothing either). -h or --help lists the options.
 *
 * EXIT STATUS
 *     0 success; 69 (EX_UNAVAILABLE) the mail system is down (-f, -i, -s), -s for a site that is
 *     not in fast_flush_domains or that is no domain, bad usage, a bad ID.
 * </pre>
 */
public final class Postqueue {
    static final int EX_UNAVAILABLE = 69;
    private static final QueueName[] LISTED = {
        QueueName.MAILDROP, QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED, QueueName.HOLD};
    static final Usage USAGE = new Usage("postqueue",
            "postqueue -f | postqueue -i queueid | postqueue -j | postqueue -p | postqueue -s site", EX_UNAVAILABLE,
            "  -c config_dir  read main.cf from config_dir instead of $MAIL_CONFIG or /etc/postfix",
            "  -f             deliver all queued mail now",
            "  -i queue_id    deliver one deferred message now",
            "  -j             list the queue, one JSON object per message",
            "  -p             list the queue (mailq)",
            "  -s site        deliver now the deferred mail for one destination",
            "  -v             accepted for compatibility",
            "  -h, --help     this list");
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss ", Locale.ROOT);

    private Postqueue() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String dashC = null;
        Character mode = null;
        String target = null;
        if (Usage.asksForHelp(args) || (args.length == 1 && args[0].equals("-h"))) return USAGE.help(out);
        Getopt g = new Getopt(args, "cis", "");
        for (char c; (c = g.next()) != Getopt.END; ) {
            switch (c) {
                case 'c' -> dashC = g.value();
                case 'i', 's' -> {
                    mode = c;
                    target = g.value();
                }
                case 'p', 'j', 'f' -> mode = c;
                case 'v' -> { }
                default -> g.invalid(c);
            }
        }
        if (g.problem() != null) return USAGE.error(err, g.problem());
        if (g.operands() < args.length) return USAGE.error(err);
        if (mode == null) return USAGE.error(err);
        if (mode == 'i' && !Postsuper.validId(target)) {
            err.println("postqueue: fatal: Cannot flush queue ID - invalid name: \"" + target + "\"");
            return EX_UNAVAILABLE;
        }
        Config config;
        try {
            config = ConfigLoader.load(ConfigLoader.directory(dashC)).config();
        } catch (ConfigException e) {
            err.println("postqueue: fatal: " + e.getMessage());
            return EX_UNAVAILABLE;
        }
        Queues queues = new Queues(config.path(Params.QUEUE_DIRECTORY));
        return switch (mode) {
            case 'p' -> list(queues, out, err, false);
            case 'j' -> list(queues, out, err, true);
            case 'i' -> makeDue(queues, target, err);
            case 's' -> flushSite(queues, target, err);
            default -> {
                if (TriggerClient.flushAll(queues)) yield 0;
                err.println("postqueue: fatal: Cannot flush mail queue - mail system is down");
                yield EX_UNAVAILABLE;
            }
        };
    }

    /** -i ID: makes one deferred message due now, then wakes the queue manager. */
    private static int makeDue(Queues queues, String target, PrintStream err) {
        try {
            for (String id : queues.list(QueueName.DEFERRED)) {
                if (id.equals(target)) {
                    java.nio.file.Files.setLastModifiedTime(queues.file(QueueName.DEFERRED, id),
                            java.nio.file.attribute.FileTime.from(Instant.now()));
                }
            }
        } catch (IOException e) {
            err.println("postqueue: warning: " + e.getMessage());
        }
        if (!TriggerClient.send(queues, "qmgr", Trigger.FLUSH, Trigger.SCAN_DEFERRED)) {
            err.println("postqueue: fatal: Cannot flush mail queue - mail system is down");
            return EX_UNAVAILABLE;
        }
        return 0;
    }

    /**
     * -s site (and sendmail -qRsite): the running system's flush service delivers the site's
     * deferred mail, as Postfix's postqueue asks its flush(8) service.
     */
    private static int flushSite(Queues queues, String site, PrintStream err) {
        return switch (FlushClient.sendSite(queues, site)) {
            case OK -> 0;
            case DENY -> {
                err.println("postqueue: fatal: Flush service is not configured for destination \"" + site + "\"");
                yield EX_UNAVAILABLE;
            }
            case BAD -> {
                err.println("postqueue: fatal: Cannot flush mail queue - invalid destination: \"" + site + "\"");
                yield EX_UNAVAILABLE;
            }
            case FAIL -> {
                err.println("postqueue: fatal: Cannot flush mail queue - mail system is down");
                yield EX_UNAVAILABLE;
            }
        };
    }

    /** The queue listing for the master's showq service (public/showq), as mailq prints it. */
    public static void showq(Queues queues, PrintStream out) {
        list(queues, out, out, false);
    }

    /**
     * mailq for a user who cannot read the queue (through the set-gid postdrop launcher): the
     * listing from the master's public/showq service, as Postfix's postqueue gets it.
     */
    static int showqClient(Queues queues, PrintStream out, PrintStream err) {
        java.nio.file.Path socket = queues.root().resolve("public").resolve("showq");
        try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(
                java.net.UnixDomainSocketAddress.of(socket))) {
            java.nio.channels.Channels.newInputStream(ch).transferTo(out);
            out.flush();
            return 0;
        } catch (IOException e) {
            err.println("postqueue: fatal: Queue report unavailable - mail system is down");
            return 69; // EX_UNAVAILABLE
        }
    }

    static int list(Queues queues, PrintStream out, PrintStream err, boolean json) {
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
        return 0;
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

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
