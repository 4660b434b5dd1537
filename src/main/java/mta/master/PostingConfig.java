package mta.master;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import mta.config.Config;
import mta.postdrop.Postdrop;

/**
 * PostingConfig - the configuration a {@code sendmail} command would load from the master's
 * configuration directory, for the {@code public/postdrop} service: main.cf read and checked once
 * per version of the file, not once per posting. Reads {@code DIR/main.cf} and its attributes;
 * writes the same {@code sendmail: fatal: ...} text as the command when the file is unusable.
 *
 * <p>A version of main.cf is its device, inode, size, modification and change times (the change
 * time also moves with its owner and mode). Each posting compares them with the version read
 * last and reads the file again when any differ, so an edit takes effect at the next posting,
 * as it does for the command, without a reload. A file changed less than {@link #SETTLE_MS} ago
 * is read but not kept: an edit within the same clock tick as that read could keep all five.
 * Only a usable configuration is kept; an unusable one is read again at each posting. What the
 * checks read beyond main.cf (a {@code /file} value such as {@code myorigin = /etc/mailname},
 * this host's interfaces for a computed {@code mynetworks}) is taken as it was when that version
 * was read.
 */
final class PostingConfig {
    /** How old a main.cf must be before its reading is kept. */
    static final long SETTLE_MS = 2_000;
    private static final String VERSION = "unix:dev,ino,size,lastModifiedTime,ctime";

    private record Kept(Map<String, Object> version, Config config) {}

    private final Path dir;
    private final Path mainCf;
    private final long settleMs;
    private volatile Kept kept;

    PostingConfig(Path dir) {
        this(dir, SETTLE_MS);
    }

    /** For tests: a main.cf is kept once it is {@code settleMs} old. */
    PostingConfig(Path dir, long settleMs) {
        this.dir = dir;
        this.mainCf = dir.resolve("main.cf");
        this.settleMs = settleMs;
    }

    /** The configuration as the command would load it now; null after writing {@code sendmail: fatal: ...}. */
    Config current(PrintStream err) {
        Map<String, Object> version = version();
        Kept k = kept;
        if (version != null && k != null && version.equals(k.version())) return k.config();
        Config c = Postdrop.loadConfig("sendmail", dir, err);
        if (c != null && version != null && settled(version, settleMs)) kept = new Kept(version, c);
        return c;
    }

    /** main.cf's version, or null when it cannot be told (the read then reports why). */
    private Map<String, Object> version() {
        try {
            return Files.readAttributes(mainCf, VERSION);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Both times at least {@code settleMs} in the past. */
    private static boolean settled(Map<String, Object> version, long settleMs) {
        long now = System.currentTimeMillis();
        for (String time : new String[] {"lastModifiedTime", "ctime"}) {
            if (!(version.get(time) instanceof FileTime t) || now - t.toMillis() < settleMs) return false;
        }
        return true;
    }
}
