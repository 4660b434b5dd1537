package mta.cleanup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import mta.mail.Address;
import mta.mail.HeaderAddresses;
import mta.mail.Reply;
import mta.mail.Smtputf8;
import mta.queue.QueueFileWriter;
import mta.queue.RecordType;
import mta.queue.Trigger;

/**
 * CleanupMessage - one message inside cleanup: envelope, header fixes, content, commit.
 *
 * <p>Keeps the envelope and the header section in memory (the header is bounded by
 * {@code header_size_limit}), then writes the envelope records, the fixed-up headers and the
 * streamed body to its {@link QueueFileWriter}. Header fixes: recipients from To/Cc/Bcc for
 * {@code sendmail -t} (Resent- headers win) with Bcc removed, and missing Message-ID, Date, From
 * and To added, as Postfix's cleanup does.
 */
final class CleanupMessage implements CleanupService.Transaction {
    private static final DateTimeFormatter RFC5322 =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z (z)", Locale.ROOT);
    private static final DateTimeFormatter MSGID_STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT);

    private final Cleanup svc;
    private final CleanupService.Source source;
    private final QueueFileWriter w;

    private Address sender;
    private String fullName = "";
    private long arrival = System.currentTimeMillis();
    private final List<String> attributes = new ArrayList<>();
    private final Set<String> recipients = new LinkedHashSet<>();
    private final List<String[]> recipientRecords = new ArrayList<>();

    private enum Phase { HEADERS, BODY }
    private Phase phase = Phase.HEADERS;
    private final List<StringBuilder> headers = new ArrayList<>();
    private int headerBytes;
    private boolean headerTruncated;
    private boolean tooBig;
    private boolean committed;
    /** Set by header_checks or body_checks. */
    private String rejection;
    private boolean discarded;
    private boolean held;
    private String messageId;
    /** content_filter as set by the client (smtpd passes its own, maybe empty) or a FILTER action; null: main.cf's. */
    private String contentFilter;
    /** What the submitter said of SMTPUTF8 and BODY=; cleanup adds what it detects (CleanupEncoding). */
    private Smtputf8 smtputf8 = Smtputf8.NONE;
    private String encoding;

    CleanupMessage(Cleanup svc, CleanupService.Source source, QueueFileWriter w) {
        this.svc = svc;
        this.source = source;
        this.w = w;
    }

    @Override
    public String queueId() {
        return w.id();
    }

    @Override
    public void sender(Address sender, String fullName) {
        this.sender = svc.maps.sender(svc.rewrite.canonicalize(sender));
        this.fullName = fullName == null ? "" : fullName;
    }

    @Override
    public void recipient(Address rcpt, String original) {
        recipient(rcpt, original, null, null);
    }

    @Override
    public void recipient(Address rcpt, String original, String dsnNotify, String dsnOrcpt) {
        if (phase != Phase.HEADERS || !headers.isEmpty()) {
            throw new IllegalStateException("recipient after content started");
        }
        addRecipient(svc.rewrite.canonicalize(rcpt).toString(), original, dsnNotify, dsnOrcpt);
    }

    private void addRecipient(String rcpt, String original) {
        addRecipient(rcpt, original, null, null);
    }

    /**
     * Adds a recipient after canonical mapping and virtual alias expansion. Each entry is
     * {address, original, notify, orcpt}.
     */
    private void addRecipient(String rcpt, String original, String notify, String orcpt) {
        List<Address> expanded;
        try {
            expanded = svc.maps.recipient(Address.parse(rcpt));
        } catch (mta.lookup.TableException e) {
            throw new java.io.UncheckedIOException(new java.io.IOException("address lookup failed: " + e.getMessage()));
        }
        for (Address a : expanded) {
            String r = svc.rewrite.canonicalize(a).toString();
            // One delivery per address: duplicates are dropped, as Postfix's cleanup does.
            if (recipients.add(r.toLowerCase(Locale.ROOT))) {
                recipientRecords.add(new String[] {r, original != null ? original : rcpt, notify, orcpt});
            }
        }
    }

    @Override
    public void attribute(String name, String value) {
        if (name.equals("content_filter")) {
            contentFilter = value;
            return;
        }
        if (name.equals(Smtputf8.ATTRIBUTE)) {
            smtputf8 = Smtputf8.parse(value);
            return;
        }
        if (name.equals("encoding")) {
            encoding = value;
            return;
        }
        attributes.add(name + "=" + value);
    }

    @Override
    public void arrivalTime(long epochMillis) {
        this.arrival = epochMillis;
    }

    @Override
    public void line(byte[] buf, int len) throws IOException {
        if (tooBig) return;
        if (phase == Phase.BODY) {
            body(buf, len);
            return;
        }
        String text = new String(buf, 0, len, StandardCharsets.UTF_8);
        if (!text.isEmpty() && (text.charAt(0) == ' ' || text.charAt(0) == '\t') && !headers.isEmpty()) {
            addHeaderBytes(len);
            if (!headerTruncated) headers.get(headers.size() - 1).append("\r\n").append(text);
            return;
        }
        if (isHeader(text)) {
            addHeaderBytes(len);
            if (!headerTruncated) headers.add(new StringBuilder(text));
            return;
        }
        // End of the header section: an empty line, or a line that cannot be a header.
        endHeaders();
        if (!text.isEmpty()) body(new byte[0], 0); // keep headers and body apart
        body(buf, len);
    }

    private void addHeaderBytes(int len) {
        headerBytes += len + 2;
        if (headerBytes > svc.headerSizeLimit) headerTruncated = true;
    }

    private static boolean isHeader(String line) {
        int colon = line.indexOf(':');
        if (colon <= 0) return false;
        for (int i = 0; i < colon; i++) {
            char c = line.charAt(i);
            if (c <= ' ' || c > '~') return false;
        }
        return true;
    }

    private void body(byte[] buf, int len) throws IOException {
        if (svc.checks.hasBodyChecks() && len > 0) {
            String line = new String(buf, 0, len, StandardCharsets.UTF_8);
            CleanupChecks.Action a = svc.checks.body(line);
            if (a != null) {
                String r = apply(a, "body", line);
                if (r == null) return;                                   // IGNORE
                if (!r.equals(line)) {                                   // REPLACE
                    byte[] b = r.getBytes(StandardCharsets.UTF_8);
                    w.contentLine(b, 0, b.length, svc.lineLengthLimit);
                    return;
                }
            }
        }
        w.contentLine(buf, 0, len, svc.lineLengthLimit);
        if (svc.messageSizeLimit > 0 && w.contentSize() > svc.messageSizeLimit) tooBig = true;
    }

    /** Finishes the header: -t recipients, missing headers; writes the envelope and the header. */
    private void endHeaders() throws IOException {
        phase = Phase.BODY;
        if (sender == null) sender = Address.NULL_SENDER;
        if ("local".equals(attributeValue("rewrite_context"))) rewriteHeaders();
        if (source.extractRecipients()) extractRecipients();
        if (svc.checks.hasHeaderChecks()) headerChecks();
        addMissingHeaders();

        w.record(RecordType.TIME, Long.toString(arrival));
        if (!fullName.isEmpty()) w.record(RecordType.FULLNAME, fullName);
        for (String a : attributes) w.record(RecordType.ATTRIBUTE, a);
        List<String> rcpts = recipientRecords.stream().map(r -> r[0]).toList();
        for (String a : svc.encoding.attributes(source, smtputf8, encoding, sender.toString(), rcpts, headers)) {
            w.record(RecordType.ATTRIBUTE, a);
        }
        String filter = contentFilter != null ? contentFilter : svc.contentFilter;
        if (!filter.isBlank()) w.record(RecordType.ATTRIBUTE, "content_filter=" + filter.strip());
        w.record(RecordType.SENDER, sender.toString());
        for (String[] r : recipientRecords) {
            if (r[1] != null && !r[1].equals(r[0])) w.record(RecordType.ORIGINAL_RECIPIENT, r[1]);
            if (r[2] != null) w.record(RecordType.DSN_NOTIFY, r[2]);
            if (r[3] != null) w.record(RecordType.DSN_ORCPT, r[3]);
            w.record(RecordType.RECIPIENT, r[0]);
        }
        w.startContent();
        for (StringBuilder h : headers) {
            for (String physical : h.toString().split("\r\n", -1)) {
                byte[] b = physical.getBytes(StandardCharsets.UTF_8);
                w.contentLine(b, 0, b.length, svc.lineLengthLimit);
            }
        }
    }

    /** Local mail: complete and map the addresses in From:, To: and the other address headers. */
    private void rewriteHeaders() {
        try {
            for (int i = 0; i < headers.size(); i++) {
                String h = headers.get(i).toString();
                String r = svc.headerRewrite.header(h);
                if (!r.equals(h)) headers.set(i, new StringBuilder(r));
            }
        } catch (mta.lookup.TableException e) {
            throw new java.io.UncheckedIOException(new IOException("address lookup failed: " + e.getMessage()));
        }
    }

    private void extractRecipients() {
        boolean resent = headers.stream().anyMatch(h -> name(h).startsWith("resent-"));
        List<StringBuilder> keep = new ArrayList<>();
        for (StringBuilder h : headers) {
            String n = name(h);
            boolean isRcptHeader = resent
                    ? n.equals("resent-to") || n.equals("resent-cc") || n.equals("resent-bcc")
                    : n.equals("to") || n.equals("cc") || n.equals("bcc");
            if (isRcptHeader) {
                for (Address a : HeaderAddresses.parse(value(h))) {
                    if (!a.isNull()) addRecipient(svc.rewrite.canonicalize(a).toString(), null);
                }
            }
            if (!n.equals("bcc") && !n.equals("resent-bcc")) keep.add(h);
        }
        headers.clear();
        headers.addAll(keep);
    }

    private void addMissingHeaders() {
        boolean hasFrom = false, hasDate = false, hasRcpt = false;
        for (StringBuilder h : headers) {
            switch (name(h)) {
                case "from" -> hasFrom = true;
                case "date" -> hasDate = true;
                case "message-id" -> messageId = value(h).strip();
                case "to", "cc", "bcc" -> hasRcpt = true;
                default -> { }
            }
        }
        ZonedDateTime now = ZonedDateTime.now();
        if (messageId == null) {
            messageId = "<" + now.format(MSGID_STAMP) + "." + w.id() + "@" + svc.myhostname + ">";
            headers.add(new StringBuilder("Message-Id: " + messageId));
        }
        if (!hasDate) headers.add(new StringBuilder("Date: " + now.format(RFC5322)));
        if (!hasFrom) {
            String addr = sender.isNull() ? "MAILER-DAEMON" : sender.toString();
            headers.add(new StringBuilder("From: " + (fullName.isEmpty() ? addr : quotePhrase(fullName) + " <" + addr + ">")));
        }
        if (!hasRcpt) headers.add(new StringBuilder("To: undisclosed-recipients:;"));
    }

    private static String quotePhrase(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == ' ' || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0)) {
                return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            }
        }
        return s;
    }

    private static String name(StringBuilder h) {
        int colon = h.indexOf(":");
        return h.substring(0, colon).strip().toLowerCase(Locale.ROOT);
    }

    /** Runs header_checks over each logical header, carrying out the actions. */
    private void headerChecks() {
        List<StringBuilder> out = new ArrayList<>();
        for (StringBuilder h : headers) {
            String text = h.toString().replace("\r\n", "\n");
            CleanupChecks.Action a = svc.checks.header(text);
            if (a == null) {
                out.add(h);
                continue;
            }
            if (a.name().equals("PREPEND")) out.add(new StringBuilder(a.text()));
            String r = apply(a, "header", text);
            if (r == null) continue;
            out.add(r.equals(text) ? h : new StringBuilder(r));
        }
        headers.clear();
        headers.addAll(out);
    }

    /**
     * Carries out one header_checks or body_checks action and logs it as Postfix does
     * ({@code QID: reject: header Subject: x from host[ip]; from=<s> to=<r>: 5.7.1 text}).
     * Returns the line to keep (possibly replaced), or null to drop it.
     */
    private String apply(CleanupChecks.Action a, String where, String line) {
        String shown = line.replace("\n", " ");
        String client = attributeValue("log_client_name");
        String what = where + " " + shown + (client == null ? "" : " from " + client + "[" + attributeValue("log_client_address") + "]")
                + "; from=<" + (sender == null ? "" : sender) + "> to=<" + (recipientRecords.isEmpty() ? "" : recipientRecords.get(0)[0]) + ">";
        switch (a.name()) {
            case "REJECT" -> {
                if (rejection == null) rejection = a.text().isEmpty() ? "message content rejected" : a.text();
                svc.log.info(w.id() + ": reject: " + what + ": 5.7.1 " + rejection);
            }
            case "DISCARD" -> {
                discarded = true;
                svc.log.info(w.id() + ": discard: " + what + ": " + (a.text().isEmpty() ? "" : a.text()));
            }
            case "HOLD" -> {
                held = true;
                svc.log.info(w.id() + ": hold: " + what + ": " + a.text());
            }
            case "WARN" -> svc.log.info(w.id() + ": warning: " + what + ": " + a.text());
            case "FILTER" -> {
                contentFilter = a.text();
                svc.log.info(w.id() + ": filter: " + what + ": " + a.text());
            }
            case "IGNORE" -> {
                return null;
            }
            case "REPLACE" -> {
                return a.text();
            }
            case "REDIRECT" -> {
                recipientRecords.clear();
                recipients.clear();
                recipientRecords.add(new String[] {a.text(), null, null, null});
                svc.log.info(w.id() + ": redirect: " + what + ": " + a.text());
            }
            case "PREPEND" -> {
                if (where.equals("body")) {
                    try {
                        byte[] b = a.text().getBytes(StandardCharsets.UTF_8);
                        w.contentLine(b, 0, b.length, svc.lineLengthLimit);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
            default -> svc.log.warn(w.id() + ": unknown " + where + "_checks action: " + a.name());
        }
        return line;
    }

    private String attributeValue(String name) {
        for (String a : attributes) if (a.startsWith(name + "=")) return a.substring(name.length() + 1);
        return null;
    }

    private static String value(StringBuilder h) {
        return h.substring(h.indexOf(":") + 1).replace("\r\n", "");
    }

    @Override
    public String commit() throws CleanupException {
        try {
            if (phase == Phase.HEADERS) endHeaders();
            if (tooBig) {
                abort();
                throw new CleanupException(Reply.MESSAGE_TOO_BIG, "message file too big", null);
            }
            if (rejection != null) {
                abort();
                throw new CleanupException(new Reply(550, "5.7.1", rejection), rejection, null);
            }
            if (discarded) {
                abort();
                svc.log.info(w.id() + ": message discarded by a content check");
                return w.id();
            }
            if (recipientRecords.isEmpty()) {
                abort();
                throw new CleanupException(new Reply(554, "5.5.1", "Error: no valid recipients"),
                        "no recipients", null);
            }
            if (held) w.commit(svc.queues.dir(mta.queue.QueueName.HOLD));
            else w.commit();
            committed = true;
        } catch (IOException e) {
            abort();
            svc.log.warn(w.id() + ": queue file write error: " + e.getMessage());
            throw new CleanupException(Reply.QUEUE_FILE_ERROR, e.getMessage(), e);
        }
        svc.log.info(w.id() + ": message-id=" + messageId);
        svc.qmgr.trigger(Trigger.WAKEUP);
        return w.id();
    }

    @Override
    public void abort() {
        if (!committed) w.abort();
    }
}
