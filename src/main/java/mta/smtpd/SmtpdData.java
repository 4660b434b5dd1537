package mta.smtpd;

import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import mta.cleanup.CleanupService;
import mta.util.LineReader;

/**
 * SmtpdData - copies a message from the DATA stream to cleanup, undoing dot-stuffing.
 *
 * <p>Reads content lines from {@link SmtpdChat} until the end-of-data mark; writes them to the
 * cleanup transaction and counts their bytes in the session state. What ends the data depends on
 * {@code smtpd_forbid_bare_newline} (Postfix 3.9) as it applies to the client:
 * <ul>
 * <li>{@code normalize} (default): a bare LF ends a content line like CRLF, but only
 *     CRLF "." CRLF ends the data: a "." line ended by a bare LF, or after a line ended by a bare
 *     LF, is content. This closes SMTP smuggling: no text inside a message can start a second one.
 * <li>{@code reject}: the same end rule; a message that holds a bare LF is read to its real end
 *     and refused, so nothing of it is queued (the session then disconnects).
 * <li>{@code no}: the pre-3.9 rule; any "." line ends the data, whatever the line ends.
 * </ul>
 * A bare CR is always content (cleanup replaces it). Lines longer than 64 KiB are passed on in
 * 64 KiB pieces, flagged as pieces of one line.
 */
final class SmtpdData {
    private SmtpdData() {}

    enum Result { OK, BARE_LF }

    static Result copy(SmtpdChat chat, SmtpdState state, CleanupService.Transaction t, SmtpdSettings settings)
            throws IOException {
        SmtpdSettings.BareNewline mode = state.client.bareNewline;
        LineReader in = chat.reader();
        boolean bareLf = false;
        boolean previousEndedCrlf = true;  // the DATA command line ended with CRLF
        boolean continuation = false;      // the previous piece was cut at the length limit
        int limit = Math.max(settings.lineLengthLimit, 65536);
        while (true) {
            if (!chat.next(limit)) throw new EOFException("end of stream in DATA");
            LineReader.End end = in.end();
            byte[] b = in.bytes();
            int len = in.length();
            if (end == LineReader.End.EOF) throw new EOFException("end of stream in DATA");
            boolean dotLine = !continuation && len == 1 && b[0] == '.';
            if (dotLine && (mode == SmtpdSettings.BareNewline.NO
                    ? end != LineReader.End.TOO_LONG
                    : previousEndedCrlf && end == LineReader.End.CRLF)) {
                return bareLf ? Result.BARE_LF : Result.OK;
            }
            state.tx.bytes += len + (end == LineReader.End.TOO_LONG ? 0 : 2);
            if (end == LineReader.End.BARE_LF && mode == SmtpdSettings.BareNewline.REJECT) bareLf = true;
            if (!bareLf) {
                int off = (!continuation && len > 0 && b[0] == '.') ? 1 : 0;
                byte[] line = off == 0 ? b : Arrays.copyOfRange(b, off, len);
                boolean tooLong = end == LineReader.End.TOO_LONG;
                if (in.hasCr()) t.line(line, len - off, tooLong);
                else t.lineWithoutCrLf(line, len - off, tooLong); // cleanup need not look for stray CR/LF
            }
            continuation = end == LineReader.End.TOO_LONG;
            previousEndedCrlf = end == LineReader.End.CRLF;
        }
    }
}
