package mta.smtpd;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import mta.mail.Reply;
import mta.util.LineReader;

/**
 * SmtpdChat - the session's wire: reads command lines, writes replies, flushes at the right time.
 *
 * <p>Reads through a {@link LineReader}; writes replies into a buffer that is flushed only when the
 * client has nothing more queued up, so a pipelined group of commands gets its replies in one
 * write (RFC 2920), and an unpipelined client gets each reply at once.
 */
final class SmtpdChat {
    private final LineReader in;
    private final OutputStream out;

    SmtpdChat(java.io.InputStream in, OutputStream out) {
        this.in = new LineReader(in);
        this.out = new BufferedOutputStream(out, 4096);
    }

    LineReader reader() {
        return in;
    }

    void reply(Reply r) throws IOException {
        out.write((r + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    /** A multi-line reply: {@code 250-first}, ..., {@code 250 last}. */
    void reply(int code, List<String> lines) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            sb.append(code).append(i == lines.size() - 1 ? ' ' : '-').append(lines.get(i)).append("\r\n");
        }
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Flushes unless more pipelined input is already waiting. */
    void flushIfIdle() throws IOException {
        if (!in.hasBufferedInput()) out.flush();
    }

    void flush() throws IOException {
        out.flush();
    }
}
