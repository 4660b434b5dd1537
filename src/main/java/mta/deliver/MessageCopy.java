package mta.deliver;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import mta.queue.QueueFile;

/**
 * MessageCopy - the message as local and virtual delivery write it: envelope headers, then the content.
 *
 * <p>Reads the content from the queue file through the request; writes to the stream it is given.
 * Every copy starts with {@code Return-Path: <sender>}, {@code X-Original-To:} (the recipient as
 * the client gave it) and, when wanted, {@code Delivered-To:} (the recipient local is delivering
 * to, used to detect loops). The formats differ:
 * <ul>
 *   <li>{@link Format#MBOX} (mailbox and /file): a {@code From sender date} line first,
 *       {@code >From } quoting, a blank line at the end;
 *   <li>{@link Format#COMMAND} (|command, mailbox_command): the {@code From } line, no quoting,
 *       no blank line at the end;
 *   <li>{@link Format#MAILDIR}: no {@code From } line, no quoting.
 * </ul>
 * Lines end in LF, the UNIX convention for local files and programs.
 */
public final class MessageCopy {
    private static final DateTimeFormatter FROM_DATE = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);

    /** How the copy is laid out. */
    public enum Format { MBOX, COMMAND, MAILDIR }

    private final DeliveryRequest req;
    private final String originalTo;
    private final String deliveredTo;

    /** {@code deliveredTo} null means no Delivered-To: header (prepend_delivered_header). */
    public MessageCopy(DeliveryRequest req, String originalTo, String deliveredTo) {
        this.req = req;
        this.originalTo = originalTo;
        this.deliveredTo = deliveredTo;
    }

    public DeliveryRequest request() {
        return req;
    }

    /** The same message without, or with another, Delivered-To: header. */
    public MessageCopy deliveredTo(String newDeliveredTo) {
        return new MessageCopy(req, originalTo, newDeliveredTo);
    }

    /** The number of bytes {@link #write} will write, give or take a few (for size limits). */
    public long estimatedSize() {
        return req.contentSize() + header(Format.MBOX).length() + 2;
    }

    private String header(Format format) {
        StringBuilder h = new StringBuilder();
        if (format != Format.MAILDIR) {
            String sender = req.sender().isEmpty() ? "MAILER-DAEMON" : req.sender();
            h.append("From ").append(sender).append("  ").append(ZonedDateTime.now().format(FROM_DATE)).append('\n');
        }
        h.append("Return-Path: <").append(req.sender()).append(">\n");
        if (originalTo != null) h.append("X-Original-To: ").append(originalTo).append('\n');
        if (deliveredTo != null) h.append("Delivered-To: ").append(deliveredTo).append('\n');
        return h.toString();
    }

    public void write(OutputStream raw, Format format) throws IOException {
        write(raw, format, null);
    }

    /**
     * Writes the copy, reading the content through {@code queueFile} when it is not null (a
     * channel opened before the work moved to a thread with a user's rights, who may not open the
     * queue file), else from the queue file by name.
     */
    public void write(OutputStream raw, Format format, FileChannel queueFile) throws IOException {
        OutputStream out = new java.io.BufferedOutputStream(raw, 16384);
        out.write(header(format).getBytes(StandardCharsets.UTF_8));
        boolean quote = format == Format.MBOX;
        DeliveryRequest.LineConsumer each = (buf, len) -> {
            if (quote && len >= 5 && buf[0] == 'F' && buf[1] == 'r' && buf[2] == 'o' && buf[3] == 'm' && buf[4] == ' ') {
                out.write('>');
            }
            out.write(buf, 0, len);
            out.write('\n');
        };
        if (queueFile == null) req.forEachLine(each);
        else QueueFile.forEachLine(queueFile, req.queueFile().toString(), req.contentOffset(), each::line);
        if (format == Format.MBOX) out.write('\n');
        out.flush();
    }

    /** This copy in {@code format}, as the mailbox writer takes it; content read through {@code queueFile} when not null. */
    public MailboxWriter.Content content(Format format, FileChannel queueFile) {
        return new MailboxWriter.Content() {
            @Override
            public long estimatedSize() {
                return MessageCopy.this.estimatedSize();
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                write(out, format, queueFile);
            }
        };
    }
}
