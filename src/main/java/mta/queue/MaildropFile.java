package mta.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import mta.util.PosixAccounts;
import mta.util.SafeFiles;

/**
 * MaildropFile - postdrop: writes one posted message into {@code maildrop/} and wakes pickup.
 *
 * <p>Writes {@code maildrop/<ID>} through {@link QueueFileWriter}: the posting time, the poster's
 * {@code uid} attribute, then what the caller gives (full name, attributes, sender, recipients,
 * content lines), in the order pickup reads them. {@link #commit} puts the file in place and
 * pokes {@code public/pickup} through {@link TriggerClient}. Used by {@code sendmail} (the
 * default mode) and by the stand-alone SMTP server of {@code sendmail -bs}.
 */
public final class MaildropFile implements AutoCloseable {
    private final Queues queues;
    private final QueueFileWriter w;
    private final int lineLimit;
    private boolean inContent;

    private MaildropFile(Queues queues, QueueFileWriter w, int lineLimit) {
        this.queues = queues;
        this.w = w;
        this.lineLimit = lineLimit;
    }

    /**
     * Creates the file (and the queue directories, so a system that was never started takes mail)
     * and writes the TIME record and the {@code uid} of this process.
     *
     * @param lineLimit content lines longer than this are split ({@code line_length_limit})
     */
    public static MaildropFile create(Queues queues, boolean longIds, int lineLimit) throws IOException {
        return create(queues, longIds, lineLimit, uid());
    }

    /** As {@link #create(Queues, boolean, int)}, for a poster whose uid is {@code uid} (the master's postdrop service). */
    public static MaildropFile create(Queues queues, boolean longIds, int lineLimit, String uid) throws IOException {
        queues.create();
        // An ordinary user (through the set-gid postdrop launcher) cannot give the file to mail_owner.
        QueueFileWriter w = QueueFileWriter.create(queues.dir(QueueName.MAILDROP), longIds, !PosixAccounts.ROOT);
        try {
            w.record(RecordType.TIME, Long.toString(System.currentTimeMillis()));
            w.record(RecordType.ATTRIBUTE, "uid=" + uid);
            return new MaildropFile(queues, w, lineLimit);
        } catch (IOException e) {
            w.abort();
            throw e;
        }
    }

    /** The queue ID the file will have in maildrop/. */
    public String id() {
        return w.id();
    }

    /** The sender's full name (sendmail -F), for a From: header that cleanup adds. */
    public void fullName(String name) throws IOException {
        if (!name.isEmpty()) w.record(RecordType.FULLNAME, name);
    }

    public void attribute(String name, String value) throws IOException {
        w.record(RecordType.ATTRIBUTE, name + "=" + value);
    }

    /** The envelope sender as text ("" for the null sender). */
    public void sender(String sender) throws IOException {
        w.record(RecordType.SENDER, sender);
    }

    public void recipient(String rcpt) throws IOException {
        recipient(rcpt, null);
    }

    /** A recipient with its DSN NOTIFY value (sendmail -N), or null for none. */
    public void recipient(String rcpt, String dsnNotify) throws IOException {
        if (dsnNotify != null) w.record(RecordType.DSN_NOTIFY, dsnNotify);
        w.record(RecordType.RECIPIENT, rcpt);
    }

    /** One content line without its line end; the first one starts the content. */
    public void line(byte[] buf, int off, int len) throws IOException {
        line(buf, off, len, false);
    }

    /** A content line, or with {@code more} a piece of one that goes on in the next call. */
    public void line(byte[] buf, int off, int len, boolean more) throws IOException {
        if (!inContent) {
            w.startContent();
            inContent = true;
        }
        if (more) w.contentPart(buf, off, len, lineLimit);
        else w.contentLine(buf, off, len, lineLimit);
    }

    /**
     * Puts the file in maildrop/; returns false when the mail system is down (no {@code public/pickup}).
     * Pickup watches maildrop/ and sees the new file by itself: no trigger is sent, which spares a
     * short-lived command the cost of a first UNIX-domain socket.
     */
    public boolean commit() throws IOException {
        w.commit();
        return SafeFiles.exists(TriggerClient.socket(queues, "pickup"));
    }

    /** Discards the file; harmless after commit. */
    public void abort() {
        w.abort();
    }

    @Override
    public void close() {
        abort();
    }

    /**
     * The real user ID of this process, as postdrop records it ("0" when it cannot be told). From
     * the Uid: line of /proc/self/status: /proc/self itself belongs to root in a set-gid process.
     */
    public static String uid() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("Uid:")) return l.substring(4).strip().split("\\s+")[0];
            }
            return Files.getAttribute(Path.of("/proc/self"), "unix:uid").toString();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | IndexOutOfBoundsException e) {
            return "0";
        }
    }
}
