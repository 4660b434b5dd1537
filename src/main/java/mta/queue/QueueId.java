package mta.queue;

import java.time.Instant;
import java.util.Locale;

/**
 * QueueId - makes Postfix-shaped queue IDs from the time and a queue file's inode.
 *
 * <p>Short IDs (the default): five hex digits of the microseconds, then the inode in hex, e.g.
 * {@code 73C4720C230}. Long IDs ({@code enable_long_queue_ids = yes}): the seconds and microseconds
 * in base 52 without vowels, {@code z}, then the inode in base 51, e.g. {@code 4jZRmF3PSjzJ9dK}.
 * Because a live file's inode is unique in its file system, so is the ID of a live queue file.
 */
public final class QueueId {
    private QueueId() {}

    // 52 characters without vowels; the last, "z", is never a base-51 digit, so it can separate the inode.
    private static final String BASE52 = "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";

    public static String shortId(Instant now, long inode) {
        // As "%05X%X", without java.util.Formatter (it loads locale data: slow for sendmail).
        String micros = Long.toHexString(now.getNano() / 1000).toUpperCase(Locale.ROOT);
        return pad(micros, 5) + Long.toHexString(inode).toUpperCase(Locale.ROOT);
    }

    public static String longId(Instant now, long inode) {
        StringBuilder sb = new StringBuilder();
        sb.append(pad(base(now.getEpochSecond(), 52), 6));
        sb.append(pad(base(now.getNano() / 1000, 52), 4));
        sb.append('z');
        sb.append(base(inode, 51));
        return sb.toString();
    }

    private static String base(long n, int radix) {
        if (n == 0) return "0";
        StringBuilder sb = new StringBuilder();
        while (n > 0) {
            sb.append(BASE52.charAt((int) (n % radix)));
            n /= radix;
        }
        return sb.reverse().toString();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : "0".repeat(width - s.length()) + s;
    }

    /** True for names that can be queue IDs (short or long); temporary names are not. */
    public static boolean isValid(String name) {
        if (name.isEmpty() || name.length() > 40) return false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
        }
        return true;
    }
}
