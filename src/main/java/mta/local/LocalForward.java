package mta.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mta.lookup.Aliases;
import mta.util.MacroExpand;

/**
 * LocalForward - finds and reads a user's {@code .forward} file (and {@code :include:} files,
 * which have the same syntax).
 *
 * <p>Reads the files; writes nothing. {@code forward_path} lists candidate names, such as
 * {@code $home/.forward${recipient_delimiter}${extension}, $home/.forward}; each is expanded with
 * the recipient's variables ({@link MacroExpand}) and the first one that exists is used. Every
 * line of the file is like the right-hand side of an alias: targets separated by commas. Blank
 * lines and lines starting with {@code #} are skipped. An empty file means "no forwarding".
 */
final class LocalForward {
    /** A .forward file that was found, and its targets (empty: deliver to the mailbox). */
    record Found(Path file, List<String> targets) {}

    private LocalForward() {}

    static Optional<Found> find(List<String> forwardPath, Map<String, String> vars, String filter) throws IOException {
        for (String template : forwardPath) {
            String name = MacroExpand.expand(template, vars, filter).strip();
            if (name.isEmpty() || !name.startsWith("/")) continue;
            Path file = Path.of(name);
            if (Files.isRegularFile(file)) return Optional.of(new Found(file, targets(file)));
        }
        return Optional.empty();
    }

    /** The targets listed in a .forward or :include: file. */
    static List<String> targets(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) continue;
            out.addAll(Aliases.targets(t));
        }
        return out;
    }
}
