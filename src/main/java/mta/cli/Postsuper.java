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
import java.util.Set;
import mta.config.ConfigException;
import mta.config.ConfigLoader;
import mta.config.Params;
import mta.queue.QueueName;
import mta.queue.Queues;

/**
 * Postsuper - the postsuper(1) command: delete, hold, release and requeue messages; tidy the queue.
 *
 * <pre>
 * SYNOPSIS
 *     postsuper [-c config_dir] [-d ID] [-h ID] [-H ID] [-r ID] [-p] [-s] [queue...]
 *
 * DESCRIPTION
 *     ID is a queue ID, ALL (upper case) for every message, or "-" to read IDs from standard input.
 *     The optional queue names limit the operation (default: hold, incoming, active, deferred;
 *     maildrop too for -d).
 *     -d  delete the messages (and their defer logs)             "postsuper: ID: removed"
 *     -h  put messages on hold (from incoming, active, deferred)  "postsuper: ID: placed on hold"
 *     -H  release held messages into deferred/, due at once       "postsuper: ID: released from hold"
 *     -r  requeue: move to maildrop/ so that pickup and cleanup process them again
 *     -p  purge temporary files left by a crash (".t*" files in the queues)
 *     -s  check the structure: move files that are in the wrong hashed subdirectory
 *     A summary follows on standard error: "postsuper: Deleted: 2 messages".
 *
 * EXIT STATUS
 *     0 success; 1 bad usage or configuration.
 * </pre>
 */
public final class Postsuper {
    private static final List<QueueName> DEFAULT_QUEUES =
            List.of(QueueName.HOLD, QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED);

    private Postsuper() {}

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.err));
    }

    private record Op(char kind, String arg) {}

    static int run(String[] args, InputStream stdin, PrintStream err) {
        String dashC = null;
        List<Op> ops = new ArrayList<>();
        List<QueueName> queues = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-c" -> {
                    if (++i >= args.length) return usage(err);
                    dashC = args[i];
                }
                case "-d", "-h", "-H", "-r" -> {
                    if (++i >= args.length) return usage(err);
                    ops.add(new Op(a.charAt(1), args[i]));
                }
                case "-p", "-s" -> ops.add(new Op(a.charAt(1), null));
                case "-v" -> { }
                default -> {
                    QueueName q = QueueName.of(a);
                    if (a.startsWith("-") || q == null) return usage(err);
                    queues.add(q);
                }
            }
        }
        if (ops.isEmpty()) return usage(err);
        Queues qs;
        try {
            qs = new Queues(ConfigLoader.load(ConfigLoader.directory(dashC)).config().path(Params.QUEUE_DIRECTORY));
        } catch (ConfigException e) {
            err.println("postsuper: fatal: " + e.getMessage());
            return 1;
        }
        try {
            for (Op op : ops) {
                switch (op.kind()) {
                    case 'd' -> delete(qs, ids(op.arg(), stdin), queues, err);
                    case 'h' -> hold(qs, ids(op.arg(), stdin), queues, err);
                    case 'H' -> release(qs, ids(op.arg(), stdin), err);
                    case 'r' -> requeue(qs, ids(op.arg(), stdin), queues, err);
                    case 'p' -> purge(qs, err);
                    case 's' -> structure(qs, err);
                    default -> throw new IllegalStateException("unknown operation " + op.kind());
                }
            }
        } catch (IOException e) {
            err.println("postsuper: fatal: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    private static int usage(PrintStream err) {
        err.println("postsuper: fatal: usage: postsuper [-c config_dir] [-d queue_id (delete)] [-h queue_id (hold)]"
                + " [-H queue_id (un-hold)] [-p (purge temporary files)] [-r queue_id (requeue)] [-s (structure fix)]"
                + " [-v (verbose)] [queue...]");
        return 1;
    }

    /** The IDs named: one, ALL (null), or those read from standard input for "-". */
    private static Set<String> ids(String arg, InputStream stdin) throws IOException {
        if (arg.equals("ALL")) return null;
        Set<String> out = new LinkedHashSet<>();
        if (arg.equals("-")) {
            BufferedReader r = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank()) out.add(line.strip());
            }
        } else {
            out.add(arg);
        }
        return out;
    }

    private static List<String> select(Queues qs, QueueName q, Set<String> ids) throws IOException {
        List<String> all = qs.list(q);
        return ids == null ? all : all.stream().filter(ids::contains).toList();
    }

    private static String plural(int n) {
        return n + (n == 1 ? " message" : " messages");
    }

    private static void delete(Queues qs, Set<String> ids, List<QueueName> queues, PrintStream err) throws IOException {
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
        if (n > 0) err.println("postsuper: Deleted: " + plural(n));
    }

    private static void hold(Queues qs, Set<String> ids, List<QueueName> queues, PrintStream err) throws IOException {
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
        if (n > 0) err.println("postsuper: Placed on hold: " + plural(n));
    }

    private static void release(Queues qs, Set<String> ids, PrintStream err) throws IOException {
        int n = 0;
        for (String id : select(qs, QueueName.HOLD, ids)) {
            Path held = qs.file(QueueName.HOLD, id);
            Files.setLastModifiedTime(held, FileTime.from(Instant.now())); // due at the next deferred scan
            if (qs.move(id, QueueName.HOLD, QueueName.DEFERRED)) {
                err.println("postsuper: " + id + ": released from hold");
                n++;
            }
        }
        if (n > 0) err.println("postsuper: Released from hold: " + plural(n));
    }

    private static void requeue(Queues qs, Set<String> ids, List<QueueName> queues, PrintStream err) throws IOException {
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
        if (n > 0) err.println("postsuper: Requeued: " + plural(n));
    }

    /** Removes ".t*" temporary files that a crash left behind. */
    private static void purge(Queues qs, PrintStream err) throws IOException {
        for (QueueName q : QueueName.values()) {
            Path dir = qs.dir(q);
            if (!Files.isDirectory(dir)) continue;
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".t*")) {
                for (Path p : ds) {
                    Files.deleteIfExists(p);
                    err.println("postsuper: " + q.dir + "/" + p.getFileName() + ": removed temporary file");
                }
            }
        }
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
