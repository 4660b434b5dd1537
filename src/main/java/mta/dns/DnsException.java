package mta.dns;

/**
 * DnsException - a DNS lookup that gave no usable answer, permanent or temporary.
 *
 * <p>{@link Kind#NOT_FOUND} is permanent: the name does not exist (NXDOMAIN), or it has no record
 * of the type asked for. {@link Kind#TEMPORARY} means try again later: a timeout, SERVFAIL, or
 * no answer at all. The message reads like Postfix's: {@code Name service error for
 * name=example.test type=MX: Host not found}.
 */
public final class DnsException extends Exception {
    /** Whether retrying later may help. */
    public enum Kind { NOT_FOUND, TEMPORARY }

    private final Kind kind;
    private final String name;
    private final String type;
    private final String detail;
    private final long ttlSeconds;

    public DnsException(Kind kind, String name, String type, String detail) {
        this(kind, name, type, detail, 0);
    }

    private DnsException(Kind kind, String name, String type, String detail, long ttlSeconds) {
        super("Name service error for name=" + name + " type=" + type + ": " + detail);
        this.kind = kind;
        this.name = name;
        this.type = type;
        this.detail = detail;
        this.ttlSeconds = ttlSeconds;
    }

    /** The same answer, to be remembered for {@code seconds} (a negative answer's time to live). */
    public DnsException withTtl(long seconds) {
        return new DnsException(kind, name, type, detail, seconds);
    }

    /** How long a NOT_FOUND answer may be remembered; 0 for temporary failures. */
    public long ttlSeconds() {
        return kind == Kind.TEMPORARY ? 0 : ttlSeconds;
    }

    /** NXDOMAIN: the name does not exist. */
    public static DnsException hostNotFound(String name, String type) {
        return new DnsException(Kind.NOT_FOUND, name, type, "Host not found");
    }

    /** The name exists but has no record of this type. */
    public static DnsException noData(String name, String type) {
        return new DnsException(Kind.NOT_FOUND, name, type, "Host found but no data record of requested type");
    }

    /** Timeout, SERVFAIL or another failure that may go away. */
    public static DnsException tryAgain(String name, String type) {
        return new DnsException(Kind.TEMPORARY, name, type, "Host not found, try again");
    }

    public Kind kind() {
        return kind;
    }

    public boolean isTemporary() {
        return kind == Kind.TEMPORARY;
    }

    /** The name that was looked up, without a trailing dot. */
    public String name() {
        return name;
    }

    /** The record type that was asked for ("MX", "A"). */
    public String type() {
        return type;
    }
}
