package mta.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MasterCfEditor - changes services of master.cf in place, for {@code postconf -Me}, {@code -Fe},
 * {@code -Pe}, {@code -MX}, {@code -M#} and {@code -PX}.
 *
 * <p>Reads master.cf as physical lines and writes it back whole ({@link ConfigFiles}). An entry is
 * a service line plus its continuation lines; its region runs up to the next service line, and
 * the comment and blank lines in the region (between or after the continuation lines) belong to
 * no entry. As Postfix's postconf does, a replaced entry is written at the end of its region,
 * after those comment lines, in the folded form the caller gives; a removed entry leaves its
 * comments; an entry commented out gets {@code #} before each of its own lines; entries that are
 * not edited keep their text. Changes are collected and made in one pass over the file as it was
 * read, so the order of the arguments does not move comments around.
 */
public final class MasterCfEditor {
    /** One entry of the file as read: its key, its own line indexes, and the end of its region. */
    private record Entry(String key, List<Integer> own, int regionEnd) {}

    /** What becomes of an entry: new lines, removal (lines == null) or comment-out. */
    private record Change(List<String> lines, boolean commentOut) {}

    private final Path file;
    private final List<String> lines;
    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, Change> changes = new LinkedHashMap<>();
    private final Map<String, List<String>> appended = new LinkedHashMap<>();

    private MasterCfEditor(Path file, List<String> lines) {
        this.file = file;
        this.lines = lines;
        for (int i = 0; i < lines.size(); i++) {
            if (!isEntryStart(lines.get(i))) continue;
            List<Integer> own = new ArrayList<>(List.of(i));
            int j = i + 1;
            for (; j < lines.size() && !isEntryStart(lines.get(j)); j++) {
                if (!isCommentOrBlank(lines.get(j))) own.add(j);
            }
            List<String> words = MasterCf.tokens(lines.get(i));
            entries.add(new Entry(words.size() >= 2 ? words.get(0) + "/" + words.get(1) : "", own, j));
            i = j - 1;
        }
    }

    /** Reads {@code file}; throws IOException when it cannot be read. */
    public static MasterCfEditor open(Path file) throws IOException {
        return new MasterCfEditor(file, new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8)));
    }

    /** The file as it was read. */
    public List<String> original() {
        return List.copyOf(lines);
    }

    /** Replaces the entry {@code key} by {@code entry} (folded lines), or appends them when there is none. */
    public void replace(String key, List<String> entry) {
        if (find(key) != null) changes.put(key, new Change(List.copyOf(entry), false));
        else appended.put(key, List.copyOf(entry));
    }

    /** Removes the entry {@code key}; returns false when there was none. */
    public boolean remove(String key) {
        if (appended.remove(key) != null) return true;
        if (find(key) == null) return false;
        changes.put(key, new Change(null, false));
        return true;
    }

    /** Puts {@code #} before each line of the entry {@code key}; returns false when there was none. */
    public boolean commentOut(String key) {
        if (find(key) == null) return false;
        changes.put(key, new Change(null, true));
        return true;
    }

    /** The file as it will be written, all changes made in one pass over the lines as read. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        int next = 0;
        for (Entry e : entries) {
            int start = e.own().get(0);
            while (next < start) out.add(lines.get(next++));
            Change c = e == find(e.key()) ? changes.get(e.key()) : null;
            for (int i = start; i < e.regionEnd(); i++) {
                boolean own = e.own().contains(i);
                if (c == null || !own) out.add(lines.get(i));
                else if (c.commentOut()) out.add("#" + lines.get(i));
            }
            if (c != null && c.lines() != null) out.addAll(c.lines());
            next = e.regionEnd();
        }
        while (next < lines.size()) out.add(lines.get(next++));
        appended.values().forEach(out::addAll);
        return out;
    }

    /** Writes the lines back atomically, keeping the file's permissions. */
    public void write() throws IOException {
        ConfigFiles.writeAtomically(file, lines());
    }

    /** The last entry of {@code name/type} (a later one replaces an earlier one, as when master.cf is read). */
    private Entry find(String key) {
        Entry found = null;
        for (Entry e : entries) if (e.key().equals(key)) found = e;
        return found;
    }

    private static boolean isCommentOrBlank(String line) {
        String s = line.strip();
        return s.isEmpty() || s.startsWith("#");
    }

    private static boolean isEntryStart(String line) {
        return !isCommentOrBlank(line) && !Character.isWhitespace(line.charAt(0));
    }
}
