package mta.smtp;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SmtpMime - follows the MIME structure of a message line by line, so that each header can be
 * given to the right content check (Postfix's mime_state, as far as the checks need it).
 *
 * <p>Reads the content lines it is fed, one at a time; writes nothing. A line is either a header
 * line of one of three classes, or body: the {@link Part#PRIMARY} headers of the message, the
 * {@link Part#MULTIPART} headers of a body part of a multipart entity (after a {@code --boundary}
 * line), and the {@link Part#NESTED} headers of an attached message ({@code message/rfc822}).
 * Everything else is {@link Part#BODY}, the boundary lines included. The caller says when a
 * header ends ({@link #header}, with the whole logical header), so that {@code Content-Type}
 * boundaries and attached messages are noticed. Nesting deeper than {@value #MAX_DEPTH} levels is
 * treated as body.
 */
final class SmtpMime {
    /** Where a line belongs. */
    enum Part { PRIMARY, MULTIPART, NESTED, BODY }

    static final int MAX_DEPTH = 100;
    private static final Pattern BOUNDARY =
            Pattern.compile("(?i);\\s*boundary\\s*=\\s*(?:\"([^\"]*)\"|([^\\s;]+))");

    private final Deque<String> boundaries = new ArrayDeque<>();
    private Part part = Part.PRIMARY;
    /** What the header block in progress says its body is. */
    private String contentType = "";
    private String boundary;

    /** The class of the next line, when it is not a continuation line. */
    Part part() {
        return part;
    }

    /** True while header lines are expected. */
    boolean inHeaders() {
        return part != Part.BODY;
    }

    /** A whole logical header of the current block (continuation lines joined by newlines). */
    void header(String logical) {
        int colon = logical.indexOf(':');
        if (colon <= 0 || !logical.regionMatches(true, 0, "Content-Type", 0, colon) || colon != 12) return;
        String value = logical.substring(colon + 1).replace("\n", " ").strip();
        int semi = value.indexOf(';');
        contentType = (semi < 0 ? value : value.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
        Matcher m = BOUNDARY.matcher(value);
        boundary = m.find() ? (m.group(1) != null ? m.group(1) : m.group(2)) : null;
    }

    /** The header block ended (an empty line, or a line that is no header): what comes next. */
    void endOfHeaders() {
        Part next = Part.BODY;
        if (contentType.startsWith("multipart/") && boundary != null && !boundary.isEmpty()
                && boundaries.size() < MAX_DEPTH) {
            boundaries.push(boundary);
        } else if (contentType.equals("message/rfc822") && boundaries.size() < MAX_DEPTH) {
            next = Part.NESTED;
        }
        contentType = "";
        boundary = null;
        part = next;
    }

    /** A body line: notices {@code --boundary} and {@code --boundary--} lines. */
    void body(byte[] line, int len) {
        if (boundaries.isEmpty() || len < 3 || line[0] != '-' || line[1] != '-') return;
        String text = new String(line, 2, len - 2, java.nio.charset.StandardCharsets.ISO_8859_1).stripTrailing();
        int level = 0;
        for (String b : boundaries) {
            level++;
            if (text.equals(b)) {
                for (int i = 1; i < level; i++) boundaries.pop(); // inner parts end with their parent
                part = Part.MULTIPART;
                return;
            }
            if (text.equals(b + "--")) {
                for (int i = 0; i < level; i++) boundaries.pop();
                return;
            }
        }
    }

    /** True for the headers that the MIME checks see wherever they are: MIME-Version and Content-*. */
    static boolean isMimeHeader(String logical) {
        return logical.regionMatches(true, 0, "Content-", 0, 8)
                || logical.regionMatches(true, 0, "MIME-Version:", 0, 13)
                || logical.regionMatches(true, 0, "MIME-Version ", 0, 13);
    }
}
