package mta.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * PatternFiles - the {@code /file/name} forms of Postfix parameter values.
 *
 * <p>Reads the files named in a value; writes nothing. In a pattern list ({@code mydestination},
 * {@code relay_domains}, {@code virtual_*_domains}, {@code mynetworks}, ...) an element that starts
 * with {@code /} stands for the words of that file: each line is split on commas and white space
 * like the parameter itself, and text from {@code #} to the end of a line is a comment; a file may
 * name further files. A value of a name-or-file parameter ({@code myorigin = /etc/mailname}) is
 * the first word of the file. A file that cannot be read is a configuration error, as in Postfix.
 */
final class PatternFiles {
    private PatternFiles() {}

    /** {@code elements} with every {@code /file} element replaced by the words of that file. */
    static List<String> expand(String parameter, List<String> elements) {
        List<String> out = new ArrayList<>();
        expand(parameter, elements, out, new HashSet<>());
        return out;
    }

    private static void expand(String parameter, List<String> elements, List<String> out, Set<Path> open) {
        for (String e : elements) {
            if (e.startsWith("!/")) {
                throw new ConfigException("parameter " + parameter + ": a /file/name element cannot be negated: " + e);
            }
            if (!e.startsWith("/")) {
                out.add(e);
                continue;
            }
            Path file = Path.of(e).normalize();
            if (!open.add(file)) throw new ConfigException("parameter " + parameter + ": file includes itself: " + file);
            List<String> words = new ArrayList<>();
            for (String line : lines(file)) {
                int hash = line.indexOf('#');
                words.addAll(Config.splitList(hash >= 0 ? line.substring(0, hash) : line));
            }
            expand(parameter, words, out, open);
            open.remove(file);
        }
    }

    /** The first word of {@code file}, for {@code myorigin = /etc/mailname}; empty for an empty file. */
    static String firstWord(String value) {
        for (String line : lines(Path.of(value.strip()))) {
            List<String> words = Config.splitList(line);
            if (!words.isEmpty()) return words.get(0);
        }
        return "";
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("open " + file + ": " + ConfigLoader.reason(e));
        }
    }
}
