package mta.qmgr;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.util.SafeFiles;

/**
 * DelayMarker - remembers that a message's sender has had its delay warning.
 *
 * <p>Postfix keeps this in the queue file (the warning time record); our queue file format stays
 * as it is, so the mark is a small file beside the defer log: {@code defer/X/ID.warned}, holding the
 * message's arrival time in milliseconds. The arrival time guards against a reused queue ID (short
 * IDs repeat when an inode is reused): a mark for another arrival time counts as no mark. Listing
 * the defer queue skips the file (its name is not a queue ID); the queue manager removes it with the
 * message.
 */
final class DelayMarker {
    private DelayMarker() {}

    static Path path(Queues queues, String id) {
        Path log = queues.file(QueueName.DEFER, id);
        return log.resolveSibling(id + ".warned");
    }

    static boolean isSet(Queues queues, String id, long arrivalMillis) {
        try {
            return Files.readString(path(queues, id), StandardCharsets.US_ASCII).strip()
                    .equals(Long.toString(arrivalMillis));
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes the mark atomically (temporary file, then rename). */
    static void set(Queues queues, String id, long arrivalMillis) throws IOException {
        Path file = path(queues, id);
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(".w" + id);
        Files.writeString(temp, arrivalMillis + "\n", StandardCharsets.US_ASCII);
        SafeFiles.rename(temp, file);
    }

    static void clear(Queues queues, String id) throws IOException {
        Files.deleteIfExists(path(queues, id));
    }
}
