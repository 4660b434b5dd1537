package mta.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.ConfigLoader;
import mta.config.Params;
import mta.queue.FlushClient;
import mta.queue.QueueListing;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.queue.Trigger;
import mta.queue.TriggerClient;
import mta.util.Getopt;
import mta.util.Usage;

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
        QueueListing.print(queues, out, json);
        return 0;
    }
}
