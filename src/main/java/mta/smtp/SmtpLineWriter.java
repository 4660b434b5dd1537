package mta.smtp;

import mta.util.LineEnds;

/**
 * SmtpLineWriter - puts message content lines on the wire as SMTP DATA (RFC 5321 4.5.2).
 *
 * <p>Reads one content line at a time (without its line end) and writes it to an
 * {@link SmtpConnection}. Only CRLF ever ends a line on the wire: a stray CR or LF inside a line
 * (which a clean queue file never holds) is sent as a space, so that no byte sequence of the
 * content can end the DATA phase early or look like a line end to the next hop (the outbound half
 * of SMTP smuggling). A line longer than {@code smtp_line_length_limit} is broken as Postfix
 * breaks it: the first {@code limit} bytes, then {@code <CR><LF><SPACE>} and at most
 * {@code limit - 1} more bytes per continuation line (0 means no limit). A line that starts with
 * a dot gets a second dot (transparency); continuation lines start with a space and never need
 * one. The first broken line of a message is reported, for the log.
 */
final class SmtpLineWriter {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] CRLF_SPACE = {'\r', '\n', ' '};
    private static final byte[] DOT_CRLF = {'.', '\r', '\n'};

    private final SmtpConnection conn;
    private final int limit;
    private final Runnable firstBreak;
    private byte[] scratch = new byte[256];
    private boolean broke;

    /** {@code firstBreak} runs when the first line is broken (Postfix logs it once per message). */
    SmtpLineWriter(SmtpConnection conn, int limit, Runnable firstBreak) {
        this.conn = conn;
        this.limit = limit;
        this.firstBreak = firstBreak;
    }

    /**
     * Writes one content line and its CRLF; a line that needs no breaking goes to the connection in
     * one piece, its stuffing dot and CRLF included (a 100 KB message is over a thousand lines).
     */
    void line(byte[] buf, int len) throws PeerException {
        if (limit <= 0 || len <= limit) {
            int dot = len > 0 && buf[0] == '.' ? 1 : 0;
            int n = dot + len + 2;
            if (scratch.length < n) scratch = new byte[Math.max(n, scratch.length * 2)];
            if (dot == 1) scratch[0] = '.';
            System.arraycopy(buf, 0, scratch, dot, len);
            LineEnds.spaceOut(scratch, dot, dot + len);
            scratch[dot + len] = '\r';
            scratch[dot + len + 1] = '\n';
            conn.write(scratch, 0, n);
            return;
        }
        byte[] b = withoutStrayLineEnds(buf, len);
        if (len > 0 && b[0] == '.') conn.write(DOT_CRLF, 0, 1);
        if (!broke) firstBreak.run();
        broke = true;
        conn.write(b, 0, limit);
        for (int off = limit; off < len; off += limit - 1) {
            conn.write(CRLF_SPACE, 0, 3);
            conn.write(b, off, Math.min(limit - 1, len - off));
        }
        conn.write(CRLF, 0, 2);
    }

    /** Writes a line of text (a header from header checks), as {@link #line(byte[], int)}. */
    void line(String text) throws PeerException {
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        line(b, b.length);
    }

    /** Ends the content with the lone dot. */
    void end() throws PeerException {
        conn.write(DOT_CRLF, 0, DOT_CRLF.length);
    }

    /** The line itself when it holds no CR or LF, else a copy with each of them made a space. */
    private byte[] withoutStrayLineEnds(byte[] buf, int len) {
        if (LineEnds.find(buf, 0, len) == len) return buf;
        if (scratch.length < len) scratch = new byte[Math.max(len, scratch.length * 2)];
        System.arraycopy(buf, 0, scratch, 0, len);
        LineEnds.spaceOut(scratch, 0, len);
        return scratch;
    }
}
