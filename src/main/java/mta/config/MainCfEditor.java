package mta.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * MainCfEditor - changes entries of main.cf in place, for {@code postconf -e}, {@code -X} and {@code -#}.
 *
 * <p>Reads main.cf as physical lines and writes it back whole: to a temporary file in the same
 * directory, forced to disk, then renamed over the original (so a reader sees the old file or the
 * new one, never half of one). An entry is a {@code name = value} line plus the continuation
 * lines (starting with white space) that follow it; comment and blank lines between them are not
 * part of the entry and stay where they are, as in Postfix. Every other line is kept as it was.
 */
public final class MainCfEditor {
    private final Path file;
    private final List<String> lines;
    private final List<String> warnings = new ArrayList<>();

    private MainCfEditor(Path file, List<String> lines) {
        this.file = file;
        this.lines = lines;
    }

    /** Reads {@code file}; throws IOException when it cannot be read. */
    public static MainCfEditor open(Path file) throws IOException {
        return new MainCfEditor(file, new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8)));
    }

    /** For tests: an editor over text that is never written. */
    static MainCfEditor of(List<String> lines) {
        return new MainCfEditor(null, new ArrayList<>(lines));
    }

    /** The file's lines as they are now. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Warnings in Postfix's wording, such as {@code multiple entries for "name"}. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** Replaces every entry of {@code name} by {@code name = value} where it is, or appends it. */
    public void set(String name, String value) {
        List<int[]> found = entries(name);
        if (found.isEmpty()) {
            lines.add(name + " = " + value);
            return;
        }
        // From the last entry back, so the indexes of earlier ones stay valid.
        for (int k = found.size() - 1; k >= 0; k--) {
            int[] e = found.get(k);
            removeContinuations(e);
            lines.set(e[0], name + " = " + value);
        }
    }

    /** Removes every entry of {@code name}; returns false when there was none. */
    public boolean remove(String name) {
        List<int[]> found = entries(name);
        for (int k = found.size() - 1; k >= 0; k--) {
            int[] e = found.get(k);
            removeContinuations(e);
            lines.remove(e[0]);
        }
        return !found.isEmpty();
    }

    /** Puts {@code #} before each line of every entry of {@code name}; returns false when there was none. */
    public boolean commentOut(String name) {
        List<int[]> found = entries(name);
        for (int[] e : found) {
            for (int i : e) lines.set(i, "#" + lines.get(i));
        }
        return !found.isEmpty();
    }

    /** Writes the lines back atomically, keeping the file's permissions. */
    public void write() throws IOException {
        ConfigFiles.writeAtomically(file, lines);
    }

    /**
     * The entries of {@code name}, each as the indexes of its lines: the {@code name = value}
     * line first, then its continuation lines. Warns when there is more than one.
     */
    private List<int[]> entries(String name) {
        List<int[]> found = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!isEntryStart(lines.get(i)) || !name.equals(nameOf(lines.get(i)))) continue;
            List<Integer> idx = new ArrayList<>(List.of(i));
            for (int j = i + 1; j < lines.size() && !isEntryStart(lines.get(j)); j++) {
                if (!isCommentOrBlank(lines.get(j))) idx.add(j);
            }
            found.add(idx.stream().mapToInt(Integer::intValue).toArray());
        }
        if (found.size() > 1) warnings.add(file + ": multiple entries for \"" + name + "\"");
        return found;
    }

    private void removeContinuations(int[] entry) {
        for (int k = entry.length - 1; k >= 1; k--) lines.remove(entry[k]);
    }

    private static boolean isCommentOrBlank(String line) {
        String s = line.strip();
        return s.isEmpty() || s.startsWith("#");
    }

    /** A line that starts a new logical line: not blank, not a comment, not indented. */
    private static boolean isEntryStart(String line) {
        return !isCommentOrBlank(line) && !Character.isWhitespace(line.charAt(0));
    }

    private static String nameOf(String line) {
        int eq = line.indexOf('=');
        return eq < 0 ? line.strip() : line.substring(0, eq).strip();
    }
}
