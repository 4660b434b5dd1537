package mta.smtp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import mta.deliver.DeliveryRequest;

/**
 * SmtpContent - the message content on its way from the queue file to the DATA phase, through
 * the SMTP client's content checks.
 *
 * <p>Reads the content lines of the queue file (fed by {@link mta.deliver.DeliveryRequest#forEachLine});
 * writes them through an {@link SmtpLineWriter} (line breaking, dot-stuffing, CRLF only) and logs
 * what the checks did. Without {@code smtp_*_checks} every line goes straight out. With them,
 * {@link SmtpMime} tells header lines from body lines; a header is collected with its
 * continuation lines and judged as one logical header by {@link SmtpContentChecks}, then sent
 * unchanged (byte for byte), replaced, dropped, or after a prepended line; body lines are judged
 * one by one when {@code smtp_body_checks} is set.
 */
final class SmtpContent implements DeliveryRequest.LineConsumer {
    private final SmtpLineWriter out;
    private final SmtpContentChecks checks;
    private final String queueId;
    private final Consumer<String> log;
    private final SmtpMime mime = new SmtpMime();
    /** The physical lines of the header being collected, or empty. */
    private final List<byte[]> header = new ArrayList<>();

    /** {@code checks} may be null: then nothing is looked at. */
    SmtpContent(SmtpLineWriter out, SmtpContentChecks checks, String queueId, Consumer<String> log) {
        this.out = out;
        this.checks = checks;
        this.queueId = queueId;
        this.log = log;
    }

    @Override
    public void line(byte[] buf, int len) throws IOException {
        if (checks == null) {
            out.line(buf, len);
            return;
        }
        if (mime.inHeaders()) {
            if (len > 0 && (buf[0] == ' ' || buf[0] == '\t') && !header.isEmpty()) {
                header.add(Arrays.copyOf(buf, len));
                return;
            }
            endHeader();
            if (len > 0 && isHeaderStart(buf, len)) {
                header.add(Arrays.copyOf(buf, len));
                return;
            }
            mime.endOfHeaders(); // an empty line, or a line that cannot be a header: the body begins
            if (len == 0) {
                out.line(buf, 0);
                return;
            }
        }
        body(buf, len);
    }

    /** Sends what is still held back (a message that ends inside its headers). */
    void finish() throws IOException {
        endHeader();
    }

    private void endHeader() throws IOException {
        if (header.isEmpty()) return;
        StringBuilder sb = new StringBuilder();
        for (byte[] physical : header) {
            if (!sb.isEmpty()) sb.append('\n');
            sb.append(new String(physical, StandardCharsets.UTF_8));
        }
        String logical = sb.toString();
        SmtpContentChecks.Verdict v = checks.header(queueId, mime.part(), logical, log);
        mime.header(logical);
        if (v.prepend() != null) out.line(v.prepend());
        if (v.replacement() != null) {
            out.line(v.replacement());
        } else if (!v.drop()) {
            for (byte[] physical : header) out.line(physical, physical.length);
        }
        header.clear();
    }

    private void body(byte[] buf, int len) throws IOException {
        mime.body(buf, len);
        if (len == 0 || !checks.hasBodyChecks()) {
            out.line(buf, len);
            return;
        }
        SmtpContentChecks.Verdict v = checks.body(queueId, new String(buf, 0, len, StandardCharsets.UTF_8), log);
        if (v.prepend() != null) out.line(v.prepend());
        if (v.replacement() != null) out.line(v.replacement());
        else if (!v.drop()) out.line(buf, len);
    }

    /** {@code Name:} (or {@code Name :}): printable characters other than ':' before the colon. */
    private static boolean isHeaderStart(byte[] buf, int len) {
        int i = 0;
        while (i < len && buf[i] > ' ' && buf[i] < 127 && buf[i] != ':') i++;
        if (i == 0) return false;
        while (i < len && (buf[i] == ' ' || buf[i] == '\t')) i++;
        return i < len && buf[i] == ':';
    }
}
