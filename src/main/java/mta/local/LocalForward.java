package mta.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import mta.deliver.UserFiles;
import mta.lookup.Aliases;
import mta.util.MacroExpand;
import mta.util.SafeOpen;

/**
 * LocalForward - finds and reads a user's {@code .forward} file, with the user's rights (and
 * parses {@code :include:} files, which have the same syntax).
 *
 * <p>Reads the files through {@link UserFiles}; writes nothing. {@code forward_path} lists
 * candidate names, such as {@code $home/.forward${recipient_delimiter}${extension}, $home/.forward};
 * each is expanded with the recipient's variables ({@link MacroExpand}) and the first one that is
 * usable wins. As in Postfix, a candidate is skipped with a warning when it is a symbolic link or
 * not a regular file ({@code file PATH is not a regular file}), cannot be opened by the user
 * ({@code cannot open file PATH: Permission denied}), or belongs to someone other than the user or
 * root ({@code file PATH has bad owner uid N}); the mail then goes to the mailbox. Every line of
 * the file is like the right-hand side of an alias: targets separated by commas. Blank lines and
 * lines starting with {@code #} are skipped. An empty file means "no forwarding".
 */
final class LocalForward {
    /** A .forward file that was found, and its targets (empty: deliver to the mailbox). */
    record Found(Path file, List<String> targets) {}

    private LocalForward() {}

    /** The first usable file of {@code forwardPath} for the user {@code uid}, read with {@code reader}'s rights. */
    static Optional<Found> find(List<String> forwardPath, Map<String, String> vars, String filter, UserFiles reader,
                                int uid, Consumer<String> warn) throws IOException {
        for (String template : forwardPath) {
            String name = MacroExpand.expand(template, vars, filter).strip();
            if (name.isEmpty() || !name.startsWith("/")) continue;
            Path file = Path.of(name);
            UserFiles.Read r;
            try {
                r = reader.read(file, false);
            } catch (NoSuchFileException e) {
                continue;
            } catch (SafeOpen.Refused e) {
                warn.accept("file " + file + " is not a regular file");
                continue;
            } catch (java.nio.file.FileSystemException e) {
                warn.accept("cannot open file " + file + ": " + SafeOpen.reason(e));
                continue;
            }
            if (r.owner() != 0 && r.owner() != uid) {
                warn.accept("file " + file + " has bad owner uid " + r.owner());
                continue;
            }
            return Optional.of(new Found(file, targets(r.data())));
        }
        return Optional.empty();
    }

    /** The targets listed in the text of a .forward or :include: file. */
    static List<String> targets(byte[] text) {
        List<String> out = new ArrayList<>();
        for (String line : new String(text, StandardCharsets.UTF_8).split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) continue;
            out.addAll(Aliases.targets(t));
        }
        return out;
    }
}
