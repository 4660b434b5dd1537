package mta.smtpd;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import mta.config.Config;
import mta.config.Params;
import mta.mail.Reply;
import mta.util.MailLog;

/**
 * SmtpdQueueSpace - is there room in the queue file system for one more message? Asked at MAIL FROM.
 *
 * <p>Reads {@code queue_directory}, {@code queue_minfree} and {@code message_size_limit}, and the
 * space the file system gives an ordinary writer ({@code statvfs}'s available blocks); writes the
 * warning of the mail log. As Postfix's smtpd: the free space must exceed {@code queue_minfree}
 * and 1.5 times {@code message_size_limit}, else MAIL FROM gets {@code 452 4.3.1 Insufficient
 * system storage} and the log says {@code warning: not enough free space in mail queue: N bytes <
 * 1.5*message size limit}. A size declared with {@code SIZE=} that would not fit in what is left
 * above {@code queue_minfree} is refused the same way, so that the client keeps the message
 * instead of losing the transfer at the end of DATA.
 *
 * <p>The file system of the queue is found once per process ({@code Files.getFileStore} reads
 * {@code /proc/mounts} and walks the path up to its mount point: about twenty system calls); each
 * check after that is one {@code statfs}.
 */
final class SmtpdQueueSpace {
    private static final ConcurrentHashMap<Path, FileStore> STORES = new ConcurrentHashMap<>();
    private final Path queueDirectory;
    private final long minfree;
    private final long messageSizeLimit;
    private final MailLog.Channel log;

    SmtpdQueueSpace(Config c, MailLog.Channel log) {
        this.queueDirectory = c.path(Params.QUEUE_DIRECTORY);
        this.minfree = c.size(Params.QUEUE_MINFREE);
        this.messageSizeLimit = c.size(Params.MESSAGE_SIZE_LIMIT);
        this.log = log;
    }

    private static FileStore store(Path dir) throws IOException {
        FileStore s = STORES.get(dir);
        if (s == null) {
            s = Files.getFileStore(dir);
            STORES.put(dir, s);
        }
        return s;
    }

    /** Null when a message of {@code declaredSize} bytes (-1: not declared) may come; else the 452 reply, logged. */
    Reply check(long declaredSize) {
        long free;
        try {
            free = store(queueDirectory).getUsableSpace();
        } catch (IOException e) {
            return null; // the queue file itself will tell, if anything is wrong
        }
        if (minfree >= free || messageSizeLimit * 1.5 >= free) {
            log.warn("not enough free space in mail queue: " + free + " bytes < 1.5*message size limit");
            return Reply.INSUFFICIENT_STORAGE;
        }
        if (declaredSize > 0 && declaredSize >= free - minfree) {
            log.warn("not enough free space in mail queue: " + free + " bytes < message size " + declaredSize);
            return Reply.INSUFFICIENT_STORAGE;
        }
        return null;
    }
}
