package mta.install;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * InstallManifest - what {@code postfix install} created, moved or added, so that {@code postfix
 * uninstall} takes away exactly that.
 *
 * <p>Reads and writes {@code /usr/lib/mta/install.manifest}, one entry a line, in the order of
 * the actions: {@code created PATH} (a file, link or directory; a directory goes with what the mail
 * system put in it), {@code moved PATH} (PATH was renamed to PATH.orig), {@code line FILE TEXT} (a
 * line added to /etc/passwd or /etc/group), {@code user NAME} and {@code group NAME} (accounts made
 * with useradd and groupadd), {@code kept PATH} (a command left alone; nothing to undo).
 * {@link #undo} works through the entries last first.
 */
final class InstallManifest {
    static final String NAME = "install.manifest";

    private final Path file;
    private final List<String> entries;

    private InstallManifest(Path file, List<String> entries) {
        this.file = file;
        this.entries = entries;
    }

    static InstallManifest read(Path file) throws IOException {
        List<String> e = new ArrayList<>();
        if (Files.exists(file)) {
            for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) if (!l.isBlank() && !l.startsWith("#")) e.add(l);
        }
        return new InstallManifest(file, e);
    }

    Path file() {
        return file;
    }

    void created(Path p) {
        add("created " + p);
    }

    void moved(Path p) {
        add("moved " + p);
    }

    void line(Path file, String text) {
        add("line " + file + " " + text);
    }

    void account(String kind, String name) {
        add(kind + " " + name);
    }

    void keep(Path p) {
        add("kept " + p);
    }

    boolean kept(Path p) {
        return entries.contains("kept " + p);
    }

    private void add(String entry) {
        if (!entries.contains(entry)) entries.add(entry);
    }

    void write() throws IOException {
        StringBuilder b = new StringBuilder("# Written by postfix install; postfix uninstall undoes these, last first.\n");
        for (String e : entries) b.append(e).append('\n');
        Path tmp = Path.of(file + ".new");
        Files.writeString(tmp, b.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Undoes every entry, last first; the manifest itself goes with the directory it is in. */
    void undo(PrintStream out, PrintStream err) throws IOException {
        for (int i = entries.size() - 1; i >= 0; i--) {
            String e = entries.get(i);
            int sp = e.indexOf(' ');
            String kind = e.substring(0, sp);
            String arg = e.substring(sp + 1);
            try {
                switch (kind) {
                    case "created" -> remove(Path.of(arg), out);
                    case "moved" -> {
                        Path p = Path.of(arg);
                        Path orig = Path.of(arg + ".orig");
                        if (Files.exists(orig, LinkOption.NOFOLLOW_LINKS)) {
                            Files.deleteIfExists(p);
                            Files.move(orig, p, StandardCopyOption.ATOMIC_MOVE);
                            out.println("postfix/install: restored " + p + " from " + orig);
                        }
                    }
                    case "line" -> {
                        int sp2 = arg.indexOf(' ');
                        Path f = Path.of(arg.substring(0, sp2));
                        String text = arg.substring(sp2 + 1);
                        if (Files.exists(f)) {
                            List<String> lines = new ArrayList<>(Files.readAllLines(f, StandardCharsets.UTF_8));
                            if (lines.remove(text)) {
                                Files.write(f, lines, StandardCharsets.UTF_8);
                                out.println("postfix/install: removed from " + f + ": " + text);
                            }
                        }
                    }
                    case "user" -> run(out, err, "userdel", arg);
                    case "group" -> run(out, err, "groupdel", arg);
                    default -> { } // kept
                }
            } catch (IOException ex) {
                err.println("postfix/install: warning: cannot undo \"" + e + "\": " + ex.getMessage());
            }
        }
    }

    private static void remove(Path p, PrintStream out) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> s = Files.walk(p)) {
                for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                    try {
                        Files.delete(x);
                    } catch (NoSuchFileException ignored) {
                        // gone already
                    }
                }
            }
        } else {
            Files.delete(p);
        }
        out.println("postfix/install: removed " + p);
    }

    private static void run(PrintStream out, PrintStream err, String... cmd) throws IOException {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) err.println("postfix/install: warning: " + String.join(" ", cmd) + ": " + text);
            else out.println("postfix/install: " + String.join(" ", cmd));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
