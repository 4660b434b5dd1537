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
import java.util.regex.Pattern;
import mta.config.Params;
import mta.lookup.TableException;
import mta.mail.Address;
import mta.mail.HeaderAddresses;
import mta.mail.MailAttributes;
import mta.mail.Reply;
import mta.mail.Smtputf8;
import mta.queue.QueueFileWriter;
import mta.queue.QueueName;
import mta.queue.RecordType;
import mta.queue.Trigger;
import mta.util.LineEnds;

/**
 * CleanupMessage - one message inside cleanup: envelope, header fixes, content, commit.
 *
 * <p>Keeps the envelope and the header section in memory (each logical header is cut at
 * {@code header_size_limit} bytes, as Postfix does: the excess is dropped and the headers that
 * follow stay headers; the section as a whole counts towards {@code message_size_limit}), then
 * writes the envelope records, the fixed-up headers and the streamed body to its
 * {@link QueueFileWriter}. Before anything else looks at a content line, a carriage return or
 * line feed inside it becomes a space ({@code cleanup_replace_stray_cr_lf}), so no stray CR or LF
 * can leave this system. Header fixes: recipients from To/Cc/Bcc for {@code sendmail -t}
 * (Resent- headers win) with Bcc removed, and missing Message-ID, Date and From added to local
 * mail (to all mail with {@code always_add_missing_headers}), and
 * {@code undisclosed_recipients_header} when it is set and there is no To:, Cc: or Bcc:, as
 * Postfix's cleanup does. A message with {@code hopcount_limit} or more {@code Received:}
 * headers is refused ({@code 554 5.4.0 Error: too many hops}). A table that fails while an
 * envelope recipient is mapped is reported to the caller at once (smtpd answers 451 4.3.0 for
 * that recipient); one that fails later (the sender, header addresses, -t recipients, header and
 * body checks) makes the message refused for now ({@code 451 4.3.0}), never lost. Logs
 * {@code QID: message-id=} at the end of the headers, and
 * each header or body check action in Postfix's words. The source's
 * {@code receive_override_options} may turn off the address mappings (with the automatic BCC
 * recipients of {@code sender_bcc_maps} and {@code recipient_bcc_maps}, which only new mail from
 * smtpd or pickup gets, with NOTIFY=NEVER) and the content checks.
 */
final class CleanupMessage implements CleanupService.Transaction {
    /** Splits a folded header into its physical lines (compiled once, not per header). */
    private static final Pattern LINE_BREAK = Pattern.compile("\r\n");
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
    private final List<RecipientRecord> recipientRecords = new ArrayList<>();

    /** One recipient as the queue file will have it: the address, the original address, NOTIFY, ORCPT (null: none). */
    private record RecipientRecord(String address, String original, String dsnNotify, String dsnOrcpt) {}

    private enum Phase { HEADERS, BODY }
    private Phase phase = Phase.HEADERS;
    private final List<StringBuilder> headers = new ArrayList<>();
    /** The bytes of the last logical header kept so far (header_size_limit applies to each header). */
    private int headerSize;
    /** The bytes of the whole header section as received (it counts towards message_size_limit). */
    private long headerBytes;
    /** A header-phase line that arrives in pieces, joined until its end (at most header_size_limit bytes kept). */
    private java.io.ByteArrayOutputStream partialLine;
    private int partialLineBytes;
    private int hops;
    private boolean tooBig;
    /** The first failure to write the queue file (a full file system): reported at commit, nothing more is written. */
    private IOException writeError;
    private boolean committed;
    /** The first reason to refuse the message: header or body checks, too many hops, a failed lookup. */
    private Reply refusal;
    private boolean discarded;
    private boolean held;
    /** smtpd's REDIRECT: the one recipient that replaces all others. */
    private String redirect;
    private String messageId;
    /** content_filter as set by the client (smtpd passes its own, maybe empty) or a FILTER action; null: main.cf's. */
    private String contentFilter;
    /** What the submitter said of SMTPUTF8 and BODY=; cleanup adds what it detects (CleanupEncoding). */
    private Smtputf8 smtputf8 = Smtputf8.NONE;
    private String encoding;

    /** receive_override_options of the source: address mappings (and BCC), header/body checks, milters. */
    private final boolean mappings;
    private final boolean autoBcc;
    private final boolean contentChecks;
    private final boolean useMilters;

    /** The milters that see this message at its end (smtpd's, or our own non_smtpd_milters); null: none. */
    private mta.milter.MilterChain milters;
    private boolean ownMilters;
    /** With milters: the body, kept until they have seen it (the envelope and headers stay in memory too). */
    private mta.milter.MilterSpool spool;
    /** With milters: the empty line after the headers is not body; whether the message had one. */
    private boolean separatorPending;
    private boolean separator;

    CleanupMessage(Cleanup svc, CleanupService.Source source, QueueFileWriter w) {
        this.svc = svc;
        this.source = source;
        this.w = w;
        this.mappings = !source.overrides().contains(ReceiveOverride.NO_ADDRESS_MAPPINGS);
        this.autoBcc = mappings && source.newMail();
        this.contentChecks = !source.overrides().contains(ReceiveOverride.NO_HEADER_BODY_CHECKS);
        this.useMilters = !source.overrides().contains(ReceiveOverride.NO_MILTERS);
        if (useMilters && source.service().equals("pickup") && !svc.nonSmtpdMilters.isEmpty()) {
            milters = new mta.milter.MilterChain(svc.nonSmtpdMilters, svc.log);
            ownMilters = true;
        }
    }

    @Override
    public void milters(mta.milter.MilterChain chain) {
        if (useMilters && chain != null && !chain.isEmpty() && phase == Phase.HEADERS && headers.isEmpty()) {
            milters = chain;
            ownMilters = false;
        }
    }

    @Override
    public String queueId() {
        return w.id();
    }

    @Override
    public void sender(Address sender, String fullName) {
        Address s = svc.rewrite.canonicalize(sender);
        try {
            if (mappings) s = svc.maps.sender(s);
        } catch (TableException e) {
            lookupProblem(e, "address", s.toString());
        }
        this.sender = s;
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
        String r = svc.rewrite.canonicalize(rcpt).toString();
        List<Address> expanded;
        Address bcc;
        try {
            expanded = mappings ? svc.maps.recipient(Address.parse(r)) : List.of(Address.parse(r));
            bcc = autoBcc ? svc.maps.recipientBcc(svc.maps.recipientCanonical(Address.parse(r))) : null;
        } catch (TableException e) {
            // the client hears of it at once (smtpd: 451 4.3.0 for this recipient), as from Postfix
            throw new java.io.UncheckedIOException(new IOException(e.getMessage(), e));
        }
        addRecipient(r, original, dsnNotify, dsnOrcpt, expanded);
        if (bcc != null) addRecipient(svc.rewrite.canonicalize(bcc).toString(), null, "NEVER", null);
    }

    /** recipient_bcc_maps of a recipient found in the headers (sendmail -t): NOTIFY=NEVER, new mail only. */
    private void recipientBcc(Address rcpt) {
        if (!autoBcc) return;
        try {
            Address bcc = svc.maps.recipientBcc(svc.maps.recipientCanonical(svc.rewrite.canonicalize(rcpt)));
            if (bcc != null) addRecipient(svc.rewrite.canonicalize(bcc).toString(), null, "NEVER", null);
        } catch (TableException e) {
            lookupProblem(e, "address", rcpt.toString());
        }
    }

    /** sender_bcc_maps: one more recipient, with NOTIFY=NEVER, for new mail. */
    private void senderBcc() {
        if (!autoBcc || sender == null || sender.isNull()) return;
        try {
            Address bcc = svc.maps.senderBcc(sender);
            if (bcc != null) addRecipient(svc.rewrite.canonicalize(bcc).toString(), null, "NEVER", null);
        } catch (TableException e) {
            lookupProblem(e, "address", sender.toString());
        }
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
            expanded = mappings ? svc.maps.recipient(Address.parse(rcpt)) : List.of(Address.parse(rcpt));
        } catch (TableException e) {
            lookupProblem(e, "address", rcpt);
            expanded = List.of(Address.parse(rcpt));
        }
        addRecipient(rcpt, original, notify, orcpt, expanded);
    }

    private void addRecipient(String rcpt, String original, String notify, String orcpt, List<Address> expanded) {
        for (Address a : expanded) {
            String r = svc.rewrite.canonicalize(a).toString();
            // One delivery per address: duplicates are dropped, as Postfix's cleanup does.
            if (recipients.add(r.toLowerCase(Locale.ROOT))) {
                recipientRecords.add(new RecipientRecord(r, original != null ? original : rcpt, notify, orcpt));
            }
        }
    }

    @Override
    public void attribute(String name, String value) {
        if (name.equals(MailAttributes.CONTENT_FILTER)) {
            contentFilter = value;
            return;
        }
        if (name.equals(Smtputf8.ATTRIBUTE)) {
            smtputf8 = Smtputf8.parse(value);
            return;
        }
        if (name.equals(MailAttributes.ENCODING)) {
            encoding = value;
            return;
        }
        attributes.add(name + "=" + value);
    }

    @Override
    public void hold() {
        held = true;
    }

    @Override
    public void redirect(Address to) {
        redirect = svc.rewrite.canonicalize(to).toString();
    }

    @Override
    public void arrivalTime(long epochMillis) {
        this.arrival = epochMillis;
    }

    /**
     * A table failed during a lookup: the message cannot be handled as configured, so it is not
     * accepted now (the client tries again), as Postfix's cleanup does.
     */
    private void lookupProblem(TableException e, String map, String key) {
        svc.log.warn(e.getMessage());
        svc.log.warn(w.id() + ": " + map + " map lookup problem" + (key == null ? "" : " for " + key)
                + " -- message not accepted, try again later");
        if (refusal == null || refusal.code() >= 500) refusal = Reply.QUEUE_FILE_ERROR;
    }

    @Override
    public void line(byte[] buf, int len, boolean more) {
        line(buf, len, more, svc.replaceStrayCrLf);
    }

    @Override
    public void lineWithoutCrLf(byte[] buf, int len, boolean more) {
        line(buf, len, more, false);
    }

    private void line(byte[] buf, int len, boolean more, boolean replaceCrLf) {
        if (tooBig || writeError != null) return;
        try {
            content(replaceCrLf ? replaceStrayCrLf(buf, len) : buf, len, more);
        } catch (IOException e) {
            writeError = e; // the client's data is still read to its end; the reply says what happened
        }
    }

    private void content(byte[] buf, int len, boolean more) throws IOException {
        if (phase == Phase.BODY) {
            body(buf, len, more);
            return;
        }
        headerBytes += len + (more ? 0 : 2);
        if (svc.messageSizeLimit > 0 && headerBytes > svc.messageSizeLimit) {
            tooBig = true;
            return;
        }
        if (partialLine == null && !more) {
            headerLine(buf, len);
            return;
        }
        if (partialLine == null) {
            String start = new String(buf, 0, Math.min(len, 1000), StandardCharsets.UTF_8);
            if (!isHeader(start) && !isContinuation(start)) {
                startBody(buf, len, more); // a long first body line without the empty line before it
                return;
            }
            partialLine = new java.io.ByteArrayOutputStream();
            partialLineBytes = 0;
        }
        int keep = Math.max(0, Math.min(len, svc.headerSizeLimit - partialLine.size()));
        partialLine.write(buf, 0, keep); // a header line never keeps more than header_size_limit
        partialLineBytes += len;
        if (more) return;
        byte[] whole = partialLine.toByteArray();
        partialLine = null;
        headerLine(whole, whole.length);
    }

    /** Each CR or LF inside a content line becomes a space (cleanup_replace_stray_cr_lf); a copy when needed. */
    private static byte[] replaceStrayCrLf(byte[] buf, int len) {
        int first = LineEnds.find(buf, 0, len);
        if (first == len) return buf;
        byte[] out = java.util.Arrays.copyOf(buf, len);
        LineEnds.spaceOut(out, first, len);
        return out;
    }

    /** One whole header-phase line: a new header, a continuation, or the end of the header section. */
    private void headerLine(byte[] buf, int len) throws IOException {
        String text = new String(buf, 0, Math.min(len, 1000), StandardCharsets.UTF_8);
        boolean continuation = isContinuation(text) && !headers.isEmpty();
        if (!continuation && !isHeader(text)) {
            startBody(buf, len, false);
            return;
        }
        if (!continuation) {
            headers.add(new StringBuilder());
            headerSize = 0;
            if (name(text).equals("received") && ++hops >= svc.hopcountLimit && refusal == null) {
                svc.log.warn(w.id() + ": message rejected: hopcount exceeded");
                refusal = Reply.TOO_MANY_HOPS;
            }
        }
        appendToHeader(headers.get(headers.size() - 1), buf, len, continuation);
    }

    /**
     * Adds a line to the current logical header in pieces of at most line_length_limit bytes (the
     * size of a queue file record); a piece that would take the header past header_size_limit is
     * dropped, and so is the rest of the header, as Postfix's cleanup truncates a header.
     */
    private void appendToHeader(StringBuilder h, byte[] buf, int len, boolean continuation) {
        int off = 0;
        boolean first = true;
        do {
            int n = Math.min(len - off, svc.lineLengthLimit);
            int cost = n + (first && continuation ? 1 : 0);
            if (headerSize + cost > svc.headerSizeLimit) return;
            if (first && continuation) h.append("\r\n");
            h.append(new String(buf, off, n, StandardCharsets.UTF_8));
            headerSize += cost;
            off += n;
            first = false;
        } while (off < len);
    }

    /** The header section ended at a line that is no header: the empty line, or body text without it. */
    private void startBody(byte[] buf, int len, boolean more) throws IOException {
        endHeaders();
        if (len > 0 || more) body(new byte[0], 0, false); // keep headers and body apart
        body(buf, len, more);
    }

    private static boolean isContinuation(String line) {
        return !line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t');
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

    private void body(byte[] buf, int len, boolean more) throws IOException {
        if (contentChecks && svc.checks.hasBodyChecks() && len > 0 && refusal == null) {
            String line = new String(buf, 0, len, StandardCharsets.UTF_8);
            CleanupChecks.Action a;
            try {
                a = svc.checks.body(line);
            } catch (TableException e) {
                lookupProblem(e, Params.BODY_CHECKS.name(), null);
                a = null;
            }
            if (a != null) {
                String r = apply(a, "body", line);
                if (r == null) return;                                   // IGNORE
                if (!r.equals(line)) {                                   // REPLACE
                    byte[] b = r.getBytes(StandardCharsets.UTF_8);
                    write(b, b.length, more);
                    return;
                }
            }
        }
        write(buf, len, more);
    }

    private void write(byte[] buf, int len, boolean more) throws IOException {
        if (spool != null) {
            if (separatorPending && len == 0 && !more) { // the empty line that ends the headers
                separatorPending = false;
                separator = true;
                return;
            }
            separatorPending = false;
            spool.write(buf, 0, len);
            if (!more) spool.write(CRLF, 0, 2);
            if (svc.messageSizeLimit > 0 && headerBytes + spool.size() > svc.messageSizeLimit) tooBig = true;
            return;
        }
        if (more) w.contentPart(buf, 0, len, svc.lineLengthLimit);
        else w.contentLine(buf, 0, len, svc.lineLengthLimit);
        if (svc.messageSizeLimit > 0 && w.contentSize() > svc.messageSizeLimit) tooBig = true;
    }

    private static final byte[] CRLF = {'\r', '\n'};

    /**
     * Finishes the header: -t recipients, missing headers; writes the envelope and the header, or,
     * when milters will see the message, keeps them and spools the body until the end.
     */
    private void endHeaders() throws IOException {
        phase = Phase.BODY;
        if (sender == null) sender = Address.NULL_SENDER;
        if (mappings && "local".equals(attributeValue(MailAttributes.REWRITE_CONTEXT))) rewriteHeaders();
        if (source.extractRecipients()) extractRecipients();
        senderBcc();
        if (contentChecks && svc.checks.hasHeaderChecks()) headerChecks();
        addMissingHeaders();
        if (refusal == null && !discarded) svc.log.info(w.id() + ": message-id=" + (messageId == null ? "<>" : messageId));
        if (milters != null) {
            spool = new mta.milter.MilterSpool();
            separatorPending = true;
            return;
        }
        writeEnvelopeAndHeaders();
    }

    /** The envelope records, then the header lines. */
    private void writeEnvelopeAndHeaders() throws IOException {
        w.record(RecordType.TIME, Long.toString(arrival));
        if (!fullName.isEmpty()) w.record(RecordType.FULLNAME, fullName);
        for (String a : attributes) w.record(RecordType.ATTRIBUTE, a);
        List<String> rcpts = recipientRecords.stream().map(RecipientRecord::address).toList();
        for (String a : svc.encoding.attributes(source, smtputf8, encoding, sender.toString(), rcpts, headers)) {
            w.record(RecordType.ATTRIBUTE, a);
        }
        String filter = contentFilter != null ? contentFilter : svc.contentFilter;
        if (!filter.isBlank()) w.record(RecordType.ATTRIBUTE, MailAttributes.CONTENT_FILTER + "=" + filter.strip());
        w.record(RecordType.SENDER, sender.toString());
        if (redirect != null) {
            String first = recipientRecords.isEmpty() ? null : recipientRecords.get(0).original();
            recipientRecords.clear();
            recipients.clear();
            recipientRecords.add(new RecipientRecord(redirect, first, null, null));
        }
        for (RecipientRecord r : recipientRecords) {
            if (r.original() != null && !r.original().equals(r.address())) w.record(RecordType.ORIGINAL_RECIPIENT, r.original());
            if (r.dsnNotify() != null) w.record(RecordType.DSN_NOTIFY, r.dsnNotify());
            if (r.dsnOrcpt() != null) w.record(RecordType.DSN_ORCPT, r.dsnOrcpt());
            w.record(RecordType.RECIPIENT, r.address());
        }
        w.startContent();
        for (StringBuilder h : headers) {
            for (String physical : LINE_BREAK.split(h.toString(), -1)) {
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
        } catch (TableException e) {
            lookupProblem(e, "address", null);
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
                    if (a.isNull()) continue;
                    addRecipient(svc.rewrite.canonicalize(a).toString(), null);
                    recipientBcc(a);
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
        // Mail from a client outside local_header_rewrite_clients keeps its header as it came
        // (always_add_missing_headers = no), so that a signature over it stays valid.
        if (!svc.alwaysAddMissingHeaders && "remote".equals(attributeValue(MailAttributes.REWRITE_CONTEXT))) return;
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
        if (!hasRcpt && !svc.undisclosedRecipientsHeader.isEmpty()) {
            headers.add(new StringBuilder(svc.undisclosedRecipientsHeader));
        }
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

    private static String name(CharSequence h) {
        String s = h.toString();
        int colon = s.indexOf(':');
        return s.substring(0, colon).strip().toLowerCase(Locale.ROOT);
    }

    /** Runs header_checks over each logical header, carrying out the actions. */
    private void headerChecks() throws IOException {
        List<StringBuilder> out = new ArrayList<>();
        for (StringBuilder h : headers) {
            String text = h.toString().replace("\r\n", "\n");
            CleanupChecks.Action a;
            try {
                a = svc.checks.header(text);
            } catch (TableException e) {
                lookupProblem(e, Params.HEADER_CHECKS.name(), null);
                a = null;
            }
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
    private String apply(CleanupChecks.Action a, String where, String line) throws IOException {
        String what = where + " " + line.replace("\n", " ") + logTail();
        switch (a.name()) {
            case "REJECT" -> {
                String text = a.text().isEmpty() ? Reply.CONTENT_REJECTED_TEXT : a.text();
                Reply r = Reply.contentRejected(text);
                if (refusal == null) refusal = r;
                svc.log.info(w.id() + ": reject: " + what + ": " + r.dsn() + " " + r.text());
            }
            case "DISCARD" -> {
                discarded = true;
                logAction("discard", what, a.text());
            }
            case "HOLD" -> {
                held = true;
                logAction("hold", what, a.text());
            }
            case "WARN" -> logAction("warning", what, a.text());
            case "FILTER" -> {
                contentFilter = a.text();
                logAction("filter", what, a.text());
            }
            case "IGNORE" -> {
                return null;
            }
            case "REPLACE" -> {
                logAction("replace", what, a.text());
                return a.text();
            }
            case "REDIRECT" -> {
                recipientRecords.clear();
                recipients.clear();
                recipientRecords.add(new RecipientRecord(a.text(), null, null, null));
                logAction("redirect", what, a.text());
            }
            case "PREPEND" -> {
                logAction("prepend", what, a.text());
                if (where.equals("body")) {
                    byte[] b = a.text().getBytes(StandardCharsets.UTF_8);
                    w.contentLine(b, 0, b.length, svc.lineLengthLimit);
                }
            }
            default -> svc.log.warn(w.id() + ": unknown " + where + "_checks action: " + a.name());
        }
        return line;
    }

    private void logAction(String action, String what, String text) {
        svc.log.info(w.id() + ": " + action + ": " + what + (text.isEmpty() ? "" : ": " + text));
    }

    /**
     * Postfix's tail of a content check log line: {@code  from host[ip]} (or {@code  from local}),
     * then {@code ; from=<sender> to=<last recipient>} and, when known, {@code  proto=ESMTP helo=<name>}.
     */
    private String logTail() {
        String client = attributeValue(MailAttributes.LOG_CLIENT_NAME);
        StringBuilder sb = new StringBuilder(" from ");
        if (client == null) sb.append("local");
        else sb.append(client).append('[').append(attributeValue(MailAttributes.LOG_CLIENT_ADDRESS)).append(']');
        sb.append("; from=<").append(sender == null ? "" : sender).append("> to=<")
                .append(recipientRecords.isEmpty() ? "" : recipientRecords.get(recipientRecords.size() - 1).address()).append('>');
        String proto = attributeValue(MailAttributes.LOG_PROTOCOL_NAME);
        if (proto != null) sb.append(" proto=").append(proto);
        String helo = attributeValue(MailAttributes.LOG_HELO_NAME);
        if (helo != null) sb.append(" helo=<").append(helo).append('>');
        return sb.toString();
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
        boolean reserved = false; // the queue manager made room: committed to active/ and handed over
        try {
            if (phase == Phase.HEADERS && writeError == null) endHeaders();
            if (writeError != null) throw writeError;
            if (tooBig) {
                abort();
                throw new CleanupException(Reply.MESSAGE_TOO_BIG, "message file too big", null);
            }
            if (refusal != null) {
                abort();
                throw new CleanupException(refusal, refusal.text(), null);
            }
            if (spool != null) endWithMilters();
            if (discarded) {
                abort();
                return w.id();
            }
            if (recipientRecords.isEmpty()) {
                abort();
                throw new CleanupException(Reply.NO_VALID_RECIPIENTS,
                        "no recipients", null);
            }
            // With room in the queue manager's active queue, straight into active/ (IncomingHandoff).
            reserved = !held && svc.handoff.reserve(w.id());
            if (held) w.commit(svc.queues.dir(QueueName.HOLD));
            else if (reserved) w.commit(svc.queues.dir(QueueName.ACTIVE));
            else w.commit();
            committed = true;
            mta.metrics.MailMetrics.MESSAGES_RECEIVED.get().inc();
        } catch (IOException e) {
            abort();
            svc.log.warn(w.id() + ": write queue file: " + reason(e));
            throw new CleanupException(Reply.QUEUE_FILE_ERROR, e.getMessage(), e);
        } finally {
            if (reserved && !committed) svc.handoff.release(w.id());
        }
        if (reserved) handOff();
        else svc.qmgr.trigger(Trigger.WAKEUP);
        return w.id();
    }

    /**
     * Gives the message committed to active/ to the queue manager, with the envelope as written (no
     * scan, no reading it back). The message is queued whatever happens here: when the queue
     * manager cannot take it (stopping), the file goes back to incoming/, where its scan finds it.
     */
    private void handOff() {
        String id = w.id();
        try {
            if (svc.handoff.handOff(id, w.envelope())) return;
        } catch (RuntimeException e) {
            svc.handoff.release(id);
            svc.log.warn(id + ": hand-off to the queue manager: " + e);
        }
        try {
            svc.queues.move(id, QueueName.ACTIVE, QueueName.INCOMING);
        } catch (IOException e) {
            svc.log.warn(id + ": cannot move back to incoming: " + e.getMessage()); // the next start does
        }
        svc.qmgr.trigger(Trigger.WAKEUP);
    }

    /** The cause of a write failure as the system says it ("No space left on device"). */
    static String reason(IOException e) {
        String m = e.getMessage();
        if (m == null) return e.getClass().getSimpleName();
        return m.contains(": ") && m.startsWith("/") ? m.substring(m.lastIndexOf(": ") + 2) : m;
    }

    @Override
    public void abort() {
        if (!committed) w.abort();
        if (spool != null) spool.close();
        if (ownMilters && milters != null) milters.close();
    }

    /**
     * The milters see the message and change it; then the envelope, the headers and the body go
     * into the queue file. A reject or tempfail refuses the message, a discard drops it, a
     * quarantine puts it on hold.
     */
    private void endWithMilters() throws IOException, CleanupException {
        mta.milter.MilterVerdict v = CleanupMilters.run(milters, ownMilters, new MilterView(), w.id());
        ownMilters = false; // closed by run()
        String client = clientText();
        switch (v.kind()) {
            case REJECT, SHUTDOWN -> {
                Reply r = v.reply();
                svc.log.info(CleanupMilters.logLine(w.id(), "milter-reject", client, r.dsn() + " " + r.text(), envelopeTail()));
                abort();
                throw new CleanupException(r, r.text(), null);
            }
            case DISCARD -> {
                svc.log.info(CleanupMilters.logLine(w.id(), "milter-discard", client, "milter triggers DISCARD action",
                        envelopeTail()));
                discarded = true;
                return;
            }
            case HOLD -> held = true;
            default -> { }
        }
        if (held && milterHold) {
            svc.log.info(CleanupMilters.logLine(w.id(), "milter-hold", client, "milter triggers HOLD action", envelopeTail()));
        } else if (v.kind() == mta.milter.MilterVerdict.Kind.HOLD) {
            svc.log.info(CleanupMilters.logLine(w.id(), "milter-hold", client, "milter triggers HOLD action", envelopeTail()));
        }
        writeEnvelopeAndHeaders();
        CleanupMilters.writeBody(w, spool, separator, svc.lineLengthLimit);
        if (svc.messageSizeLimit > 0 && w.contentSize() > svc.messageSizeLimit) {
            abort();
            throw new CleanupException(Reply.MESSAGE_TOO_BIG, "message file too big", null);
        }
    }

    /** A quarantine request of a milter (SMFIR_QUARANTINE). */
    private boolean milterHold;

    /** The message as the milters see and change it. */
    private final class MilterView implements mta.milter.MilterMessage {
        @Override
        public String sender() {
            return sender == null ? "" : sender.toString();
        }

        @Override
        public List<String> recipients() {
            return recipientRecords.stream().map(RecipientRecord::address).toList();
        }

        @Override
        public List<String> headers() {
            return headers.stream().map(StringBuilder::toString).toList();
        }

        @Override
        public mta.milter.MilterSpool body() {
            return spool;
        }

        @Override
        public void changeSender(String s, String esmtpArgs) {
            sender = Address.parse(s);
        }

        @Override
        public void addRecipient(String recipient, String esmtpArgs) {
            CleanupMessage.this.addRecipient(recipient, null);
        }

        @Override
        public void deleteRecipient(String recipient) {
            recipientRecords.removeIf(r -> r.address().equalsIgnoreCase(recipient));
            recipients.remove(recipient.toLowerCase(Locale.ROOT));
        }

        @Override
        public void addHeader(String header) {
            headers.add(new StringBuilder(header));
        }

        @Override
        public void insertHeader(int index, String header) {
            headers.add(Math.max(0, Math.min(index, headers.size())), new StringBuilder(header));
        }

        @Override
        public void changeHeader(String name, int index, String header) {
            int seen = 0;
            for (int i = 0; i < headers.size(); i++) {
                if (name(headers.get(i)).equalsIgnoreCase(name.strip()) && ++seen == index) {
                    if (header == null) headers.remove(i);
                    else headers.set(i, new StringBuilder(header));
                    return;
                }
            }
            if (header != null) headers.add(new StringBuilder(header));
        }

        @Override
        public void replaceBody(mta.milter.MilterSpool body) {
            spool.close();
            spool = body;
            separator = true;
        }

        @Override
        public void quarantine(String reason) {
            held = true;
            milterHold = true;
        }
    }

    /** {@code host[ip]}, or {@code local} for mail without a client. */
    private String clientText() {
        String client = attributeValue("log_client_name");
        return client == null ? "local" : client + "[" + attributeValue("log_client_address") + "]";
    }

    /** {@code  from=<s> to=<r> proto=P helo=<h>}, with what is known. */
    private String envelopeTail() {
        String t = logTail();
        return t.substring(t.indexOf(';') + 1);
    }
}
