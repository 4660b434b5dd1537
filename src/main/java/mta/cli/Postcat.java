package mta.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mta.config.ConfigException;
import mta.config.ConfigLoader;
import mta.config.Params;
import mta.queue.QueueFile;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.queue.RecordType;
import mta.util.Usage;

/**
 * Postcat - the postcat(1) command: show the records of queue files, by name.
 *
 * <pre>
 * SYNOPSIS
 *     postcat [-bdehoq] [-c config_dir] files...
 *
 * DESCRIPTION
 *     Prints each file's envelope records ("sender: a@example.com"), its message content and its
 *     end, under banners such as "*** ENVELOPE RECORDS deferred/ID ***". The default is -beh.
 *     -b  the body (from the empty line after the headers)       -h  the message headers
 *     -e  the envelope records                                   -o  each record's file offset
 *     -d  each record's type as a decimal number                 -q  the arguments are queue IDs,
 *         looked up in maildrop, incoming, active, deferred, hold and corrupt
 *     -c  the configuration directory (for -q)
 *
 * EXIT STATUS
 *     0 success; 1 when a file cannot be opened or is not a queue file.
 * </pre>
 */
public final class Postcat {
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);
    private static final QueueName[] SEARCH = {QueueName.MAILDROP, QueueName.INCOMING, QueueName.ACTIVE,
        QueueName.DEFERRED, QueueName.HOLD, QueueName.CORRUPT};

    private Postcat() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static final Usage USAGE = new Usage("postcat", "postcat [-bdehoqv] [-c config_dir] [file(s)...]", 1,
            "  -b             the message body",
            "  -c config_dir  read main.cf from config_dir (for -q)",
            "  -d             record types as decimal numbers",
            "  -e             the envelope records",
            "  -h             the message headers (without -b, -e, -h: all three)",
            "  -o             each record's offset in the file",
            "  -q             the arguments are queue IDs, looked up in the queues",
            "  -v             accepted for compatibility",
            "  --help         this list");

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (Usage.asksForHelp(args)) return USAGE.help(out);
        boolean body = false, header = false, envelope = false, offsets = false, decimal = false, byId = false;
        String dashC = null;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-c")) {
                if (++i >= args.length) return USAGE.error(err, "option requires an argument -- 'c'");
                dashC = args[i];
            } else if (a.startsWith("-") && a.length() > 1) {
                for (char c : a.substring(1).toCharArray()) {
                    switch (c) {
                        case 'b' -> body = true;
                        case 'h' -> header = true;
                        case 'e' -> envelope = true;
                        case 'o' -> offsets = true;
                        case 'd' -> decimal = true;
                        case 'q' -> byId = true;
                        case 'v', 'r', 's' -> { }
                        default -> {
                            return USAGE.error(err, "invalid option -- '" + c + "'");
                        }
                    }
                }
            } else {
                names.add(a);
            }
        }
        if (names.isEmpty()) return USAGE.error(err);
        if (!body && !header && !envelope) body = header = envelope = true;
        Queues queues = null;
        if (byId) {
            try {
                queues = new Queues(ConfigLoader.load(ConfigLoader.directory(dashC)).config().path(Params.QUEUE_DIRECTORY));
            } catch (ConfigException e) {
                err.println("postcat: fatal: " + e.getMessage());
                return 1;
            }
        }
        for (String name : names) {
            Path file = Path.of(name);
            String label = name;
            if (queues != null) {
                QueueName q = queues.find(name, SEARCH);
                if (q == null) {
                    err.println("postcat: fatal: open queue file " + name + ": No such file or directory");
                    return 1;
                }
                file = queues.file(q, name);
                label = q.dir + "/" + name;
            }
            try {
                print(file, label, out, body, header, envelope, offsets, decimal);
            } catch (NoSuchFileException e) {
                err.println("postcat: fatal: open " + name + ": No such file or directory");
                return 1;
            } catch (IOException e) {
                err.println("postcat: fatal: " + name + ": " + e.getMessage());
                return 1;
            }
        }
        return 0;
    }

    private static void print(Path file, String label, PrintStream out, boolean body, boolean header, boolean envelope,
                              boolean offsets, boolean decimal) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString());
        boolean[] inContent = {false};
        boolean[] inBody = {false};
        StringBuilder sb = new StringBuilder();
        StringBuilder partial = new StringBuilder();
        if (envelope) sb.append("*** ENVELOPE RECORDS ").append(label).append(" ***\n");
        QueueFile.forEachRecord(file, (offset, type, data) -> {
            String prefix = (offsets ? String.format(Locale.ROOT, "%10d ", offset) : "")
                    + (decimal ? String.format(Locale.ROOT, "%3d ", (int) type.code) : "");
            String text = new String(data, StandardCharsets.UTF_8);
            switch (type) {
                case MESSAGE -> {
                    inContent[0] = true;
                    if (header || body) sb.append("*** MESSAGE CONTENTS ").append(label).append(" ***\n");
                }
                case LINE, PARTIAL -> {
                    partial.append(text);
                    if (type == RecordType.PARTIAL) return;
                    String line = partial.toString();
                    partial.setLength(0);
                    boolean show = inBody[0] ? body : header;
                    if (!inBody[0] && line.isEmpty()) {
                        inBody[0] = true;
                        show = body;
                    }
                    if (show) sb.append(prefix).append(line).append('\n');
                }
                case END_CONTENT -> {
                    inContent[0] = false;
                    if (envelope) sb.append("*** HEADER EXTRACTED ").append(label).append(" ***\n");
                }
                case END -> {
                    if (envelope) sb.append("*** MESSAGE FILE END ").append(label).append(" ***\n");
                }
                case TIME -> {
                    if (envelope) {
                        String when = ASCTIME.format(Instant.ofEpochMilli(Long.parseLong(text.strip())).atZone(ZoneId.systemDefault()));
                        sb.append(prefix).append(type.label).append(": ").append(when).append('\n');
                    }
                }
                default -> {
                    if (envelope && !inContent[0]) sb.append(prefix).append(type.label).append(": ").append(text).append('\n');
                }
            }
        });
        out.print(sb);
        out.flush();
    }
}
