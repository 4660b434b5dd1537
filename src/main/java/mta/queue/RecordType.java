package mta.queue;

/**
 * RecordType - the one-byte types of queue file records (compare Postfix's {@code rec_type.h}).
 *
 * <p>A queue file is a sequence of records {@code type, length, data}; see
 * {@code docs/queue-format.md}. The order is fixed: VERSION, SIZE, then envelope records, then
 * MESSAGE, content, END_CONTENT, END. A recipient's optional ORIGINAL_RECIPIENT, DSN_NOTIFY and
 * DSN_ORCPT records come just before its RECIPIENT record and belong to it. A recipient is crossed off by rewriting its type byte from
 * {@link #RECIPIENT} to {@link #DONE} in place.
 */
public enum RecordType {
    VERSION('V', "version"),
    SIZE('C', "message_size"),
    TIME('T', "message_arrival_time"),
    FULLNAME('F', "sender_fullname"),
    ATTRIBUTE('A', "named_attribute"),
    SENDER('S', "sender"),
    ORIGINAL_RECIPIENT('O', "original_recipient"),
    DSN_NOTIFY('n', "dsn_notify"),
    DSN_ORCPT('o', "dsn_orig_rcpt"),
    RECIPIENT('R', "recipient"),
    DONE('D', "done_recipient"),
    MESSAGE('M', "message_content"),
    LINE('N', "regular_text"),
    PARTIAL('L', "partial_text"),
    END_CONTENT('X', "content_end"),
    END('E', "message_end");

    public final byte code;
    /** The name postcat prints. */
    public final String label;

    RecordType(char code, String label) {
        this.code = (byte) code;
        this.label = label;
    }

    private static final RecordType[] BY_CODE = new RecordType[128];

    static {
        for (RecordType t : values()) BY_CODE[t.code] = t;
    }

    /** The type for a code byte, or null when it is not a known type. */
    public static RecordType of(int code) {
        return code >= 0 && code < 128 ? BY_CODE[code] : null;
    }
}
