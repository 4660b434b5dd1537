package mta.smtp;

import java.util.Locale;

/**
 * EsmtpFeatures - the service extensions a server announced in its EHLO reply, as far as the
 * client uses them.
 *
 * <p>Read from the EHLO reply lines after the first. {@code sizeLimit} is -1 when the server did
 * not announce SIZE, 0 when it announced SIZE without a limit; {@code dsn} is RFC 3461 DSN,
 * {@code startTls} RFC 3207 STARTTLS, {@code smtputf8} RFC 6531 SMTPUTF8.
 */
record EsmtpFeatures(boolean pipelining, long sizeLimit, boolean eightBitMime, boolean dsn, boolean startTls,
                     boolean smtputf8) {
    /** What a server that only speaks HELO offers. */
    static final EsmtpFeatures NONE = new EsmtpFeatures(false, -1, false, false, false, false);

    static EsmtpFeatures parse(ServerReply ehloReply) {
        boolean pipelining = false;
        boolean eightBit = false;
        boolean dsn = false;
        boolean startTls = false;
        boolean smtputf8 = false;
        long size = -1;
        for (int i = 1; i < ehloReply.lines().size(); i++) {
            String[] words = ehloReply.textOf(i).strip().split("\\s+");
            switch (words[0].toUpperCase(Locale.ROOT)) {
                case "PIPELINING" -> pipelining = true;
                case "8BITMIME" -> eightBit = true;
                case "DSN" -> dsn = true;
                case "STARTTLS" -> startTls = true;
                case "SMTPUTF8" -> smtputf8 = true;
                case "SIZE" -> size = words.length > 1 ? parseSize(words[1]) : 0;
                default -> { } // extensions this client does not use
            }
        }
        return new EsmtpFeatures(pipelining, size, eightBit, dsn, startTls, smtputf8);
    }

    private static long parseSize(String s) {
        try {
            return Math.max(0, Long.parseLong(s));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
