package mta.smtpd;

import java.io.IOException;
import java.util.Arrays;
import mta.cleanup.CleanupService;

/**
 * SmtpdBdat - turns the bytes of BDAT chunks (RFC 3030 CHUNKING) into content lines.
 *
 * <p>A chunk is exactly {@code count} raw bytes after the BDAT command line: no dot-stuffing, no
 * end mark, so nothing inside a chunk can end the message early. One instance lives for one
 * message's chunks: a line may continue from one chunk into the next, and the last line is
 * finished at {@code BDAT ... LAST}. Lines end at LF; a CR right before it is dropped. A bare LF
 * counts as a line end, unless {@code smtpd_forbid_bare_newline = reject} applies, which makes
 * the message refused at LAST. Lines over 64 KiB are passed on in pieces. {@link SmtpdTransaction}
 * reads the chunks and {@link #feed}s their bytes; the lines go to the cleanup transaction.
 * {@link #bytes} is the message size as Postfix counts it: each line with a CRLF end, the
 * unfinished line as far as it goes.
 */
final class SmtpdBdat {
    private static final int MAX_PIECE = 65536;

    private byte[] line = new byte[256];
    private int length;
    private boolean crPending;
    /** The bytes of the lines passed on so far, each counted with CRLF; pieces of a long line as they are. */
    private long done;
    private final boolean rejectBareLf;
    boolean sawBareLf;

    SmtpdBdat(boolean rejectBareLf) {
        this.rejectBareLf = rejectBareLf;
    }

    /** The message's size so far. */
    long bytes() {
        return done + length + (crPending ? 1 : 0);
    }

    /** Takes the next {@code n} bytes of the message and passes its complete lines to {@code t}. */
    void feed(byte[] b, int n, CleanupService.Transaction t) throws IOException {
        for (int i = 0; i < n; i++) {
            byte c = b[i];
            if (c == '\n') {
                if (!crPending && rejectBareLf) sawBareLf = true;
                crPending = false;
                emit(t, false);
                continue;
            }
            if (crPending) append((byte) '\r');
            crPending = c == '\r';
            if (!crPending) append(c);
            if (length >= MAX_PIECE) emit(t, true);
        }
    }

    /** Finishes the message: a last line without a line end is still a line. */
    void finish(CleanupService.Transaction t) throws IOException {
        if (crPending) append((byte) '\r');
        crPending = false;
        if (length > 0) emit(t, false);
    }

    private void append(byte c) {
        if (length == line.length) line = Arrays.copyOf(line, line.length * 2);
        line[length++] = c;
    }

    /** Passes the line on; {@code more}: it is a piece of a longer line that goes on. */
    private void emit(CleanupService.Transaction t, boolean more) throws IOException {
        if (!sawBareLf) t.line(line, length, more);
        done += length + (more ? 0 : 2);
        length = 0;
    }
}
