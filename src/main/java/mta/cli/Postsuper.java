package mta.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.Set;
import mta.config.ConfigException;
import mta.config.ConfigLoader;
import mta.config.Params;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.queue.TempFiles;
import mta.util.Getopt;
import mta.util.Usage;

/**
 * Postsuper - the postsuper(1) command: delete, hold, release and requeue messages; tidy the queue.
 *
 * <pre>
 * SYNOPSIS
 *     postsuper [-psv] [-c config_dir] [-d ID] [-h ID] [-H ID] [-r ID] [queue...]
 *
 * DESCRIPTION
 *     ID is a queue ID, ALL (upper case) for every message, or "-" to read IDs from standard input.
 *     The optional queue names limit the operation (default: hold, incoming, active, deferred;
 *     maildrop too for -d).
 *     -d  delete the messages (and their defer logs)             "postsuper: ID: removed"
 *     -h  put messages on hold (from incoming, active, deferred)  "postsuper: ID: placed on hold"
 *     -H  release held messages into deferred/, due at once       "postsuper: ID: released from hold"
 *     -r  requeue: move to maildrop/ so that pickup and cleanup process them again
 *     -p  purge the temporary files that a writer killed half-way left (queue.TempFiles: ".t*"
 *         files whose process is gone, or that have not changed for 7 days)
 *     -s  check the structure: move files that are in the wrong hashed subdirectory; also
 *         purges as -p does
 *     Without an operation, -s and -p, as Postfix; postfix start runs them. As in Postfix, -p
 *     and -s come first, then -d, -r, -h and -H; each of those reports its count on standard
 *     error ("postsuper: Deleted: 2 messages", "postsuper: Placed on hold: 0 messages"), and an
 *     ID that cannot be a queue ID is warned about ("postsuper: warning: invalid mail queue id: x.y").
 *
 * EXIT STATUS
 *     0 success; 1 bad usage or configuration.
 * </pre>
 */
public final class Postsuper {
    private static final List<QueueName> DEFAULT_QUEUES =
            List.of(QueueName.HOLD, QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED);
    static final Usage USAGE = new Usage("postsuper", "postsuper [-c config_dir] [-d queue_id (delete)]"
            + " [-h queue_id (hold)] [-H queue_id (un-hold)] [-p (purge temporary files)] [-r queue_id (requeue)]"
            + " [-s (structure fix)] [-v (verbose)] [queue...]", 1,
            "  -c config_dir  read main.cf from config_dir instead of $MAIL_CONFIG or /etc/postfix",
            "  -d queue_id    delete the message (ALL: every message; -: IDs from standard input)",
            "  -h queue_id    put the message on hold",
            "  -H queue_id    release the message from hold",
            "  -r queue_id    requeue the message: pickup and cleanup process it again",
            "  -p             remove the temporary files of writers that were killed half-way",
            "  -s             move files into their hashed subdirectories; also removes those temporary files",
            "  -v             accepted for compatibility",
            "  queue...       only these queues (hold, incoming, active, deferred, maildrop)",
            "  --help         this list",
            "Without -d, -h, -H, -r, -p or -s: -s and -p.");

    private Postsuper() {}

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.err));
    }

    static int run(String[] args, InputStream stdin, PrintStream err) {
        return run(args, stdin, System.out, err);
    }

    static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        if (Usage.asksForHelp(args)) return USAGE.help(out);
        String dashC = null;
        Map<Character, List<String>> byId = new LinkedHashMap<>();
        for (char k : "drhH".toCharArray()) byId.put(k, new ArrayList<>());
        boolean purge = false;
        boolean structure = false;
        List<QueueName> queues = new ArrayList<>();
        Getopt g = new Getopt(args, "cdhHr", "");
        for (char c; (c = g.next()) != Getopt.END; ) {
            switch (c) {
                case 'c' -> dashC = g.value();
                case 'd', 'h', 'H', 'r' -> byId.get(c).add(g.value());
                case 'p' -> purge = true;
                case 's' -> structure = true;
                case 'v' -> { }
                default -> g.invalid(c);
            }
        }
        if (g.problem() != null) return USAGE.error(err, g.problem());
        for (int i = g.operands(); i < args.length; i++) {
            QueueName q = QueueName.of(args[i]);
            if (q == null) {
                err.println("postsuper: fatal: invalid directory name: " + args[i]);
                return 1;
            }
            queues.add(q);
        }
        boolean anyById = byId.values().stream().anyMatch(l -> !l.isEmpty());
        if (!anyById && !purge && !structure) purge = structure = true; // Postfix's default
        Queues qs;
        try {
            qs = new Queues(ConfigLoader.load(ConfigLoader.directory(dashC)).config().path(Params.QUEUE_DIRECTORY));
        } catch (ConfigException e) {
            err.println("postsuper: fatal: " + e.getMessage());
            return 1;
        }
        try {
            if (purge || structure) TempFiles.purge(qs);
            if (structure) structure(qs, err);
            Map<Character, Integer> counts = new LinkedHashMap<>();
            for (char k : "drhH".toCharArray()) {
                List<String> named = byId.get(k);
                if (named.isEmpty()) continue;
                Set<String> ids = ids(k, named, stdin, err);
                counts.put(k, switch (k) {
                    case 'd' -> delete(qs, ids, queues, err);
                    case 'r' -> requeue(qs, ids, queues, err);
                    case 'h' -> hold(qs, ids, queues, err);
                    default -> release(qs, ids, err);
                });
            }
            // The counts, in Postfix's order.
            report(err, "Requeued", counts.get('r'));
            report(err, "Deleted", counts.get('d'));
            report(err, "Placed on hold", counts.get('h'));
            report(err, "Released from hold", counts.get('H'));
        } catch (IOException e) {
            err.println("postsuper: fatal: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    private static void report(PrintStream err, String what, Integer n) {
        if (n != null) err.println("postsuper: " + what + ": " + plural(n));
    }

    /**
     * The IDs one operation names: null for ALL (with a warning when other IDs came too), else
     * those given and read from standard input for "-", each checked as Postfix checks a queue ID.
     */
    private static Set<String> ids(char op, List<String> named, InputStream stdin, PrintStream err) throws IOException {
        if (named.contains("ALL")) {
            if (named.size() > 1) err.println("postsuper: warning: option \"-" + op + " ALL\" will ignore other command line queue IDs");
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        for (String arg : named) {
            if (arg.equals("-")) {
                BufferedReader r = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
                for (String line; (line = r.readLine()) != null; ) addId(out, line.strip(), err);
            } else {
                addId(out, arg, err);
            }
        }
        return out;
    }

    private static void addId(Set<String> out, String id, PrintStream err) {
        if (validId(id)) out.add(id);
        else err.println("postsuper: warning: invalid mail queue id: " + id);
    }

    /** What Postfix accepts as a queue ID: letters, digits and "_". */
    static boolean validId(String id) {
        if (id.isEmpty() || id.length() > 255) return false;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c == '_' || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
        }
        return true;
    }

    private static List<String> select(Queues qs, QueueName q, Set<String> ids) throws IOException {
        List<String> all = qs.list(q);
        return ids == null ? all : all.stream().filter(ids::contains).toList();
    }

    private static String plural(int n) {
        return n + (n == 1 ? " message" : " messages");
    }

    private static int delete(Queues qs, Set<String> ids, List<QueueName> queues, PrintStream err) throws IOException {
        List<QueueName> where = new ArrayList<>(queues.isEmpty() ? DEFAULT_QUEUES : queues);
        if (queues.isEmpty()) where.add(QueueName.MAILDROP);
        int n = 0;
        for (QueueName q : where) {
            for (String id : select(qs, q, ids)) {
                if (qs.delete(id, q)) {
                    err.println("postsuper: " + id + ": removed");
                    n++;
                }
            }
        }
        return n;
    }

    private static int hold(Queues qs, Set<String> ids, List<QueueName> queues, PrintStream err) throws IOException {
        int n = 0;
        for (QueueName q : queues.isEmpty() ? List.of(QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED) : queues) {
            if (q == QueueName.HOLD || q == QueueName.MAILDROP) continue; // maildrop cannot be held
            for (String id : select(qs, q, ids)) {
                if (qs.move(id, q, QueueName.HOLD)) {
                    err.println("postsuper: " + id + ": placed on hold");
                    n++;
                }
            }
        }
        return n;
    }

    private static int release(Queues qs, Set<String> ids, PrintStream err) throws IOException {
        int n = 0;
        for (String id : select(qs, QueueName.HOLD, ids)) {
            Path held = qs.file(QueueName.HOLD, id);
            Files.setLastModifiedTime(held, FileTime.from(Instant.now())); // due at the next deferred scan
            if (qs.move(id, QueueName.HOLD, QueueName.DEFERRED)) {
                err.println("postsuper: " + id + ": released from hold");
                n++;
            }
        }
        return n;
    }

    private static int requeue(Queues qs, Set<String> ids, List<QueueName> queues, PrintStream err) throws IOException {
        int n = 0;
        for (QueueName q : queues.isEmpty() ? DEFAULT_QUEUES : queues) {
            if (q == QueueName.MAILDROP) continue;
            for (String id : select(qs, q, ids)) {
                if (qs.move(id, q, QueueName.MAILDROP)) {
                    Files.deleteIfExists(qs.file(QueueName.DEFER, id));
                    err.println("postsuper: " + id + ": requeued");
                    n++;
                }
            }
        }
        return n;
    }

    /** Moves files of hashed queues into the subdirectory their ID belongs in. */
    private static void structure(Queues qs, PrintStream err) throws IOException {
        for (QueueName q : QueueName.values()) {
            if (!q.hashed || !Files.isDirectory(qs.dir(q))) continue;
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(qs.dir(q))) {
                for (Path p : ds) {
                    if (Files.isRegularFile(p) && !p.getFileName().toString().startsWith(".")) {
                        String id = p.getFileName().toString();
                        Path target = qs.file(q, id);
                        mta.util.SafeFiles.ensureOwnedDirectory(target.getParent());
                        Files.move(p, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                        err.println("postsuper: " + q.dir + "/" + id + ": moved to " + q.dir + "/" + id.charAt(0) + "/" + id);
                    }
                }
            }
        }
    }
}
