package mta.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * HostsFile - the {@code files} source of the system's host lookups: {@code /etc/hosts}.
 *
 * <p>Reads the file given to the constructor (tests pass their own), again whenever its size or
 * modification time changed since the last look, as the system resolver sees every edit at once;
 * writes nothing. Each line is an address followed by the host's canonical name and its aliases;
 * {@code #} starts a comment. {@link #addresses} gives every address listed for a name, in file
 * order (names compare without case); {@link #names} gives the canonical name of the first line
 * with the address, as {@code gethostbyaddr} and {@code getnameinfo} do (so 127.0.0.1 is
 * {@code localhost} on most systems). No lock: the parsed file is an immutable snapshot, replaced
 * whole when the file changes.
 */
public final class HostsFile {
    /** The system's file. */
    public static final Path SYSTEM = Path.of("/etc/hosts");

    /** What a lookup found: the answer, nothing, or no file to look in. */
    public enum Status { FOUND, NOT_FOUND, UNAVAILABLE }

    /** One lookup's outcome; {@code values} is empty unless FOUND. */
    public record Result<T>(Status status, List<T> values) {}

    private record Snapshot(long size, long modified, Map<String, List<InetAddress>> byName,
                            Map<InetAddress, String> byAddress, boolean exists) {}

    private final Path file;
    private volatile Snapshot snapshot;
    /** Made by {@link #now}: the file as it was then, not looked at again. */
    private final boolean fixed;

    public HostsFile(Path file) {
        this.file = file;
        this.fixed = false;
    }

    private HostsFile(Path file, Snapshot snapshot) {
        this.file = file;
        this.snapshot = snapshot;
        this.fixed = true;
    }

    /**
     * The file as it is now (looked at once, read again if it changed), for the lookups of one
     * question: a client's name and its forward confirmation see the same file and cost one look.
     */
    public HostsFile now() {
        return fixed ? this : new HostsFile(file, current());
    }

    /** The addresses listed for {@code name}. */
    public Result<InetAddress> addresses(String name) {
        Snapshot s = current();
        if (!s.exists()) return new Result<>(Status.UNAVAILABLE, List.of());
        String key = name.toLowerCase(Locale.ROOT);
        if (key.endsWith(".")) key = key.substring(0, key.length() - 1);
        List<InetAddress> found = s.byName().get(key);
        return found == null ? new Result<>(Status.NOT_FOUND, List.of()) : new Result<>(Status.FOUND, found);
    }

    /** The canonical name listed for {@code address}. */
    public Result<String> names(InetAddress address) {
        Snapshot s = current();
        if (!s.exists()) return new Result<>(Status.UNAVAILABLE, List.of());
        String name = s.byAddress().get(address);
        return name == null ? new Result<>(Status.NOT_FOUND, List.of()) : new Result<>(Status.FOUND, List.of(name));
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        if (fixed) return s;
        long size = -1;
        long modified = -1;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            size = a.size();
            modified = a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            // no file (or unreadable): the source is unavailable
        }
        if (s != null && s.size() == size && s.modified() == modified) return s;
        s = load(size, modified);
        snapshot = s;
        return s;
    }

    private Snapshot load(long size, long modified) {
        List<String> lines;
        try {
            lines = size < 0 ? null : Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            lines = null;
        } catch (IOException e) {
            lines = null;
        }
        if (lines == null) return new Snapshot(size, modified, Map.of(), Map.of(), false);
        Map<String, Set<InetAddress>> byName = new HashMap<>();
        Map<InetAddress, String> byAddress = new HashMap<>();
        for (String raw : lines) {
            int hash = raw.indexOf('#');
            String line = (hash < 0 ? raw : raw.substring(0, hash)).strip();
            if (line.isEmpty()) continue;
            String[] words = line.split("\\s+");
            if (words.length < 2) continue;
            InetAddress address = IpLiteral.parse(words[0].replaceFirst("%.*$", ""));
            if (address == null || words[0].regionMatches(true, 0, "IPv6:", 0, 5)) continue;
            byAddress.putIfAbsent(address, words[1]);
            for (int i = 1; i < words.length; i++) {
                byName.computeIfAbsent(words[i].toLowerCase(Locale.ROOT), k -> new LinkedHashSet<>()).add(address);
            }
        }
        Map<String, List<InetAddress>> names = new HashMap<>();
        byName.forEach((k, v) -> names.put(k, List.copyOf(new ArrayList<>(v))));
        return new Snapshot(size, modified, Map.copyOf(names), Map.copyOf(byAddress), true);
    }
}
