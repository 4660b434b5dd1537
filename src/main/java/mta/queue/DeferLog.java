package mta.queue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mta.util.SafeFiles;

/**
 * DeferLog - the per-message log of why recipients are delayed ({@code defer/<ID>}) or failed
 * ({@code bounce/<ID>}).
 *
 * <p>Writes one block of {@code name=value} lines per recipient ({@code recipient}, {@code status},
 * {@code action}, {@code reason}), separated by blank lines, replacing the file atomically. Read by
 * mailq for the {@code (reason)} lines and by bounce for the notice.
 */
public final class DeferLog {
    private DeferLog() {}

    /** One recipient's entry. */
    public record Entry(String recipient, String status, String action, String reason) {}

    public static void write(Queues queues, QueueName log, String id, List<Entry> entries) throws IOException {
        Path file = queues.file(log, id);
        SafeFiles.ensureOwnedDirectory(file.getParent());
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            sb.append("recipient=").append(e.recipient()).append('\n');
            sb.append("status=").append(e.status()).append('\n');
            sb.append("action=").append(e.action()).append('\n');
            sb.append("reason=").append(e.reason().replace('\n', ' ')).append('\n');
            sb.append('\n');
        }
        Path temp = file.resolveSibling(TempFiles.name(id));
        Files.deleteIfExists(temp);
        // 0600, as Postfix's defer and bounce logs (docs/file-modes.md).
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(temp,
                java.util.Set.of(java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE),
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(SafeFiles.WRITING))) {
            ch.write(java.nio.ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8)));
        }
        SafeFiles.inheritOwner(temp);
        SafeFiles.rename(temp, file);
    }

    /** The entries of a message's log, or an empty list when there is none. */
    public static List<Entry> read(Queues queues, QueueName log, String id) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(queues.file(log, id), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        Map<String, String> cur = new LinkedHashMap<>();
        lines.add("");
        for (String l : lines) {
            if (l.isEmpty()) {
                if (cur.containsKey("recipient")) {
                    out.add(new Entry(cur.get("recipient"), cur.getOrDefault("status", ""),
                            cur.getOrDefault("action", ""), cur.getOrDefault("reason", "")));
                }
                cur.clear();
                continue;
            }
            int eq = l.indexOf('=');
            if (eq > 0) cur.put(l.substring(0, eq), l.substring(eq + 1));
        }
        return out;
    }
}
