package mta.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * EsmtpFeatures - the service extensions a server announced in its EHLO reply, as far as the
 * client uses them.
 *
 * <p>Read from the EHLO reply lines after the first. {@code sizeLimit} is -1 when the server did
 * not announce SIZE, 0 when it announced SIZE without a limit; {@code dsn} is RFC 3461 DSN,
 * {@code startTls} RFC 3207 STARTTLS, {@code smtputf8} RFC 6531 SMTPUTF8; {@code authMechanisms}
 * the SASL mechanisms of RFC 4954 AUTH (also from the old {@code AUTH=} form), upper case, empty
 * when the server does not offer AUTH.
 */
record EsmtpFeatures(boolean pipelining, long sizeLimit, boolean eightBitMime, boolean dsn, boolean startTls,
                     boolean smtputf8, List<String> authMechanisms) {
    /** What a server that only speaks HELO offers. */
    static final EsmtpFeatures NONE = new EsmtpFeatures(false, -1, false, false, false, false, List.of());

    static EsmtpFeatures parse(ServerReply ehloReply) {
        boolean pipelining = false;
        boolean eightBit = false;
        boolean dsn = false;
        boolean startTls = false;
        boolean smtputf8 = false;
        long size = -1;
        List<String> auth = new ArrayList<>();
        for (int i = 1; i < ehloReply.lines().size(); i++) {
            String[] words = ehloReply.textOf(i).strip().split("[\\s=]+");
            switch (words[0].toUpperCase(Locale.ROOT)) {
                case "PIPELINING" -> pipelining = true;
                case "8BITMIME" -> eightBit = true;
                case "DSN" -> dsn = true;
                case "STARTTLS" -> startTls = true;
                case "SMTPUTF8" -> smtputf8 = true;
                case "SIZE" -> size = words.length > 1 ? parseSize(words[1]) : 0;
                case "AUTH" -> {
                    for (int w = 1; w < words.length; w++) {
                        String m = words[w].toUpperCase(Locale.ROOT);
                        if (!m.isEmpty() && !auth.contains(m)) auth.add(m);
                    }
                }
                default -> { } // extensions this client does not use
            }
        }
        return new EsmtpFeatures(pipelining, size, eightBit, dsn, startTls, smtputf8, List.copyOf(auth));
    }

    private static long parseSize(String s) {
        try {
            return Math.max(0, Long.parseLong(s));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
