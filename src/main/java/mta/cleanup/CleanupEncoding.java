package mta.cleanup;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import mta.config.Config;
import mta.config.Params;
import mta.mail.MailAttributes;
import mta.mail.Smtputf8;

/**
 * CleanupEncoding - what a message needs from the next hop, recorded for the SMTP client: the
 * named attributes {@code encoding} (RFC 6152 BODY) and {@code smtputf8} (RFC 6531).
 *
 * <p>Reads {@code smtputf8_enable} and {@code smtputf8_autodetect_classes}; writes nothing itself
 * ({@link CleanupMessage} writes the attributes it returns). {@code encoding} is what the client
 * declared ({@code BODY=8BITMIME} gives {@code 8bit}, {@code BODY=7BIT} gives {@code 7bit}); when
 * it declared nothing, a primary {@code Content-Transfer-Encoding: 8bit} (or {@code binary}) header
 * gives {@code 8bit}. {@code smtputf8}: a message whose client asked for SMTPUTF8 is
 * {@code requested}; cleanup notes where it holds UTF-8 ({@code header}, {@code sender}). Mail of
 * a class listed in {@code smtputf8_autodetect_classes} (sendmail for pickup, smtpd, forward for
 * local forwarding, bounce, or all) becomes {@code requested} as soon as its sender, a recipient
 * or a header holds UTF-8, as in Postfix.
 */
final class CleanupEncoding {
    private final boolean enabled;
    private final Set<String> autodetect;

    CleanupEncoding(Config config) {
        this.enabled = config.bool(Params.SMTPUTF8_ENABLE);
        List<String> classes = new ArrayList<>();
        for (String c : config.list(Params.SMTPUTF8_AUTODETECT_CLASSES)) classes.add(c.toLowerCase(Locale.ROOT));
        this.autodetect = Set.copyOf(classes);
    }

    /**
     * The attributes to record ({@code name=value}).
     *
     * @param source    where the message comes from
     * @param given     the SMTPUTF8 state the submitter gave
     * @param encoding  the encoding the submitter declared, or null
     */
    List<String> attributes(CleanupService.Source source, Smtputf8 given, String encoding, String sender,
                            List<String> recipients, List<? extends CharSequence> headers) {
        List<String> out = new ArrayList<>(2);
        String enc = encoding != null ? encoding : declared(headers);
        if (enc != null) out.add(MailAttributes.ENCODING + "=" + enc);
        Smtputf8 u = enabled ? smtputf8(source, given, sender, recipients, headers) : Smtputf8.NONE;
        if (!u.equals(Smtputf8.NONE)) out.add(Smtputf8.ATTRIBUTE + "=" + u.format());
        return out;
    }

    private Smtputf8 smtputf8(CleanupService.Source source, Smtputf8 given, String sender, List<String> recipients,
                              List<? extends CharSequence> headers) {
        boolean detect = autodetect.contains("all") || autodetect.contains(originClass(source));
        if (!given.requested() && !detect) return given;
        Smtputf8 u = given;
        if (!Smtputf8.isAscii(sender)) u = u.withSender();
        for (CharSequence h : headers) {
            if (!Smtputf8.isAscii(h)) {
                u = u.withHeader();
                break;
            }
        }
        boolean utf8Recipient = recipients.stream().anyMatch(r -> !Smtputf8.isAscii(r));
        if (!u.requested() && (u.header() || u.sender() || utf8Recipient)) u = u.withRequested();
        return u;
    }

    /** The smtputf8_autodetect_classes word for a source. */
    private static String originClass(CleanupService.Source source) {
        return switch (source.service()) {
            case "pickup" -> "sendmail";
            case "local" -> "forward";
            default -> source.service(); // smtpd, bounce
        };
    }

    /** 8bit when the message's own Content-Transfer-Encoding says 8bit or binary; else null. */
    private static String declared(List<? extends CharSequence> headers) {
        for (CharSequence h : headers) {
            String s = h.toString();
            int colon = s.indexOf(':');
            if (colon < 0 || !s.substring(0, colon).strip().equalsIgnoreCase("Content-Transfer-Encoding")) continue;
            String v = s.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
            if (v.startsWith("8bit") || v.startsWith("binary")) return "8bit";
        }
        return null;
    }
}
