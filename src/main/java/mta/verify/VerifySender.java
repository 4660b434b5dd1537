package mta.verify;

import java.util.Locale;

/**
 * VerifySender - the sender address of probe messages ({@code address_verify_sender}), and
 * recognising it again.
 *
 * <p>Reads the parameter's value, {@code address_verify_sender_ttl} and {@code myorigin} (a bare
 * name gets {@code @$myorigin}, as cleanup would give it). Empty or {@code <>} is the null sender.
 * With a TTL, a time stamp in base 31 (the time divided by the TTL) is appended to the local
 * part, with no delimiter, so that the address changes every TTL and harvested copies go stale;
 * {@link #matches} accepts the stamp of the current period and of the ones just before and after.
 */
final class VerifySender {
    private static final int BASE = 31;

    private final String local;
    private final String domain;
    private final long ttlSeconds;

    /**
     * @param value      address_verify_sender, expanded
     * @param ttlSeconds address_verify_sender_ttl (0: a fixed address)
     * @param myorigin   the domain for a bare name
     * @throws IllegalArgumentException for a value that starts or ends with {@code @}
     */
    VerifySender(String value, long ttlSeconds, String myorigin) {
        String v = value.strip();
        if (v.equals("<>")) v = "";
        if (v.startsWith("@") || (!v.isEmpty() && v.endsWith("@"))) {
            throw new IllegalArgumentException("parameter address_verify_sender: value \"" + value
                    + "\" must not start or end with '@'");
        }
        int at = v.lastIndexOf('@');
        this.local = at < 0 ? v : v.substring(0, at);
        this.domain = v.isEmpty() ? "" : at < 0 ? myorigin : v.substring(at + 1);
        this.ttlSeconds = ttlSeconds;
    }

    /** True for the null sender. */
    boolean isNull() {
        return local.isEmpty();
    }

    /** The sender of a probe sent at {@code nowSeconds}; "" for the null sender. */
    String address(long nowSeconds) {
        if (isNull()) return "";
        String stamp = ttlSeconds > 0 ? Long.toString(nowSeconds / ttlSeconds, BASE) : "";
        return local + stamp + (domain.isEmpty() ? "" : "@" + domain);
    }

    /** True when {@code address} is a probe sender of now, the period before or the one after. */
    boolean matches(String address, long nowSeconds) {
        if (isNull() || address == null) return false;
        String a = address.toLowerCase(Locale.ROOT);
        int at = a.lastIndexOf('@');
        String theirLocal = at < 0 ? a : a.substring(0, at);
        String theirDomain = at < 0 ? "" : a.substring(at + 1);
        if (!theirDomain.equals(domain.toLowerCase(Locale.ROOT))) return false;
        String base = local.toLowerCase(Locale.ROOT);
        if (!theirLocal.startsWith(base)) return false;
        String stamp = theirLocal.substring(base.length());
        if (ttlSeconds <= 0) return stamp.isEmpty();
        long theirs;
        try {
            theirs = Long.parseLong(stamp, BASE);
        } catch (NumberFormatException e) {
            return false;
        }
        long mine = nowSeconds / ttlSeconds;
        return theirs >= mine - 1 && theirs <= mine + 1;
    }
}
