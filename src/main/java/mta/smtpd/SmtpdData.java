package mta.smtpd;

import java.io.IOException;
import mta.cleanup.CleanupService;
import mta.util.LineReader;

/**
 * SmtpdData - copies a message from the DATA stream to cleanup, undoing dot-stuffing.
 *
 * <p>Reads lines until the end-of-data mark, which is only ever {@code CRLF . CRLF}: a "." line
 * ended by a bare LF, or a "." line after a line ended by a bare LF, is content, never the end.
 * That closes the SMTP-smuggling gap. A message that contains a bare LF is read to its real end
 * and then refused ({@code 550 5.5.2}), so it is never queued.
 */
final class SmtpdData {
    private SmtpdData() {}

    enum Result { OK, BARE_LF }

    static Result copy(LineReader in, CleanupService.Transaction t, SmtpdSettings settings) throws IOException {
        boolean bareLf = false;
        boolean previousEndedCrlf = true;  // the DATA command line ended with CRLF
        boolean continuation = false;      // the previous piece was cut at the length limit
        // Content lines are read whole up to 64 KiB (cleanup stores longer ones as line_length_limit pieces);
        // a longer line is passed on in 64 KiB parts, each ending a line.
        int limit = Math.max(settings.lineLengthLimit(), 65536);
        while (true) {
            if (!in.next(limit)) throw new java.io.EOFException("end of stream in DATA");
            LineReader.End end = in.end();
            byte[] b = in.bytes();
            int len = in.length();
            if (end == LineReader.End.EOF) throw new java.io.EOFException("end of stream in DATA");
            if (!continuation && previousEndedCrlf && end == LineReader.End.CRLF && len == 1 && b[0] == '.') {
                return bareLf ? Result.BARE_LF : Result.OK;
            }
            if (end == LineReader.End.BARE_LF) bareLf = true;
            if (!bareLf) {
                int off = (!continuation && len > 0 && b[0] == '.') ? 1 : 0;
                if (end == LineReader.End.TOO_LONG) {
                    // Postfix queues an over-long line as several records; we keep it whole, in pieces.
                    t.line(slice(b, off, len), len - off);
                } else {
                    t.line(off == 0 ? b : slice(b, off, len), len - off);
                }
            }
            continuation = end == LineReader.End.TOO_LONG;
            previousEndedCrlf = end == LineReader.End.CRLF;
        }
    }

    private static byte[] slice(byte[] b, int off, int len) {
        return java.util.Arrays.copyOfRange(b, off, len);
    }
}
