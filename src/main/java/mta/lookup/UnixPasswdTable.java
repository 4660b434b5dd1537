package mta.lookup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * UnixPasswdTable - the {@code unix:passwd.byname} backend: the user names of the password file.
 *
 * <p>Reads {@code /etc/passwd} (or the file given to the constructor) at every lookup, so a new
 * account is seen at once; the file is small. A key finds the user's whole passwd line, as
 * Postfix's {@code unix:passwd.byname} does; the SMTP server only asks whether there is one.
 * Writes nothing. Keys are compared in lower case, as every table here folds them.
 */
final class UnixPasswdTable extends ReadOnlyTable {
    private final Path file;

    UnixPasswdTable(String spec, Path file) {
        super(spec);
        this.file = file;
    }

    @Override
    public String get(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        for (String line : lines()) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).toLowerCase(Locale.ROOT).equals(k)) return line;
        }
        return null;
    }

    private List<String> lines() {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new TableException(spec() + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Map.Entry<String, String>> entries() {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (String line : lines()) {
            int colon = line.indexOf(':');
            if (colon > 0) out.add(Map.entry(line.substring(0, colon).toLowerCase(Locale.ROOT), line));
        }
        out.sort(Map.Entry.comparingByKey());
        return out;
    }

    @Override
    public void close() {
        // nothing held
    }
}
