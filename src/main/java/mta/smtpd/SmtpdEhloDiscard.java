package mta.smtpd;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.Params;
import mta.lookup.Table;
import mta.lookup.TableException;
import mta.lookup.Tables;

/**
 * SmtpdEhloDiscard - the EHLO keywords a client is not offered: {@code smtpd_discard_ehlo_keywords}
 * and {@code smtpd_discard_ehlo_keyword_address_maps}.
 *
 * <p>Reads the keyword list (case-insensitive; unknown words are ignored, as in Postfix) and the
 * tables, which map a client address to a keyword list that replaces the parameter's for that
 * client; writes nothing. The pseudo keyword {@code silent-discard} keeps the
 * {@code discarding EHLO keywords: ...} log line out. What a discarded keyword also turns off is
 * up to the command handlers, as in Postfix: AUTH (503), STARTTLS (502), BDAT (521 and the end
 * of the session), the DSN parameters (501 5.7.1), SMTPUTF8 (an unsupported option), and
 * PIPELINING (input sent ahead is then improper pipelining).
 */
final class SmtpdEhloDiscard {
    /** The keywords this server may offer, in the order of Postfix's EHLO mask (and of the log line). */
    static final List<String> KEYWORDS = List.of("8BITMIME", "PIPELINING", "SIZE", "VRFY", "ETRN", "AUTH", "VERP",
            "STARTTLS", "XCLIENT", "XFORWARD", "ENHANCEDSTATUSCODES", "DSN", "SMTPUTF8", "CHUNKING");
    static final String SILENT = "SILENT-DISCARD";

    private final Set<String> words;
    private final List<Table> maps = new ArrayList<>();

    SmtpdEhloDiscard(Config c) {
        this.words = parse(c.str(Params.SMTPD_DISCARD_EHLO_KEYWORDS));
        for (String spec : c.list(Params.SMTPD_DISCARD_EHLO_KEYWORD_ADDRESS_MAPS)) {
            try {
                maps.add(Tables.open(spec));
            } catch (TableException e) {
                throw new ConfigException("parameter " + Params.SMTPD_DISCARD_EHLO_KEYWORD_ADDRESS_MAPS.name() + ": "
                        + e.getMessage());
            }
        }
    }

    /**
     * The keywords (upper case, maybe {@code SILENT-DISCARD}) not offered to a client at
     * {@code address}: the first table that lists the address decides, else the parameter.
     *
     * @throws TableException when a table cannot answer
     */
    Set<String> forClient(InetAddress address) {
        String key = address.getHostAddress();
        for (Table t : maps) {
            String v = t.get(key);
            if (v != null) return parse(v);
        }
        return words;
    }

    /** The known keywords (and silent-discard) of a list value, upper case. */
    static Set<String> parse(String value) {
        Set<String> out = new LinkedHashSet<>();
        for (String w : Config.splitList(value)) {
            String k = w.toUpperCase(Locale.ROOT);
            if (KEYWORDS.contains(k) || k.equals(SILENT)) out.add(k);
        }
        return Collections.unmodifiableSet(out);
    }

    /** The text of {@code discarding EHLO keywords: ...}: the discarded keywords in mask order; null when nothing is logged. */
    static String logText(Set<String> discarded) {
        if (discarded.isEmpty() || discarded.contains(SILENT) || discarded.contains("ENHANCEDSTATUSCODES")) return null;
        List<String> out = new ArrayList<>();
        for (String k : KEYWORDS) if (discarded.contains(k)) out.add(k);
        return String.join(" ", out);
    }

    /** True when the EHLO line {@code line} ("SIZE 10240000", "AUTH=PLAIN") offers a discarded keyword. */
    static boolean hides(Set<String> discarded, String line) {
        int end = 0;
        while (end < line.length() && line.charAt(end) != ' ' && line.charAt(end) != '=') end++;
        return discarded.contains(line.substring(0, end).toUpperCase(Locale.ROOT));
    }
}
