package mta.config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import mta.util.SafeFiles;

/**
 * ConfigFiles - writes an edited main.cf or master.cf back, so a reader sees the old file or the new one.
 *
 * <p>Writes the lines to a temporary file in the same directory, forces it to disk, gives it the
 * original file's permissions and renames it over the original (for postconf -e, -X, -#, -Me,
 * -Fe, -Pe, -MX, -M#, -PX).
 */
final class ConfigFiles {
    private ConfigFiles() {}

    static void writeAtomically(Path file, List<String> lines) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, file.getFileName() + ".", ".tmp");
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            StringBuilder text = new StringBuilder();
            for (String line : lines) text.append(line).append('\n');
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(StandardCharsets.UTF_8.encode(text.toString()));
                ch.force(true);
            }
            SafeFiles.setMode(tmp, mode);
            SafeFiles.rename(tmp, file);
            SafeFiles.forceDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
