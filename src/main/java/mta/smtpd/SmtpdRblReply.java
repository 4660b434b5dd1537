package mta.smtpd;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.Params;
import mta.lookup.Table;
import mta.lookup.TableException;
import mta.lookup.Tables;
import mta.mail.Address;
import mta.mail.Dsn;
import mta.mail.Reply;
import mta.util.MacroExpand;
import mta.util.MailLog;

/**
 * SmtpdRblReply - the reply to a client that a DNS blocklist lists (Postfix's rbl_reject_reply).
 *
 * <p>Reads {@code default_rbl_reply} (unexpanded: its {@code $name}s are the attributes below, not
 * main.cf parameters), {@code rbl_reply_maps} (a template per blocklist, keyed by the list as the
 * restriction names it, {@code bl.test} or {@code bl.test=127.0.0.2}) and
 * {@code maps_rbl_reject_code}. A template knows {@code $rbl_code $rbl_class $rbl_what
 * $rbl_domain $rbl_reason} (and its old name {@code $rbl_txt}), {@code $client $client_address
 * $client_name $reverse_client_name $helo_name}, {@code $sender $sender_name $sender_domain} and
 * {@code $recipient $recipient_name $recipient_domain}, with the {@code ${name?value}} and
 * {@code ${name:value}} forms. The result must start with a 4xx or 5xx code and a space; an
 * enhanced status code may follow (else 4.7.1, its class made to match the code). A template
 * that does not expand falls back to the default; a result without a valid code is logged and
 * replaced by {@code 450 4.7.1 Service unavailable}.
 */
final class SmtpdRblReply {
    /** Printable ASCII and tab: what a value may put into a reply (smtpd_expansion_filter's default). */
    private static final String FILTER;

    static {
        StringBuilder sb = new StringBuilder("\t");
        for (char c = 32; c < 127; c++) sb.append(c);
        FILTER = sb.toString();
    }

    private static final Pattern CODE = Pattern.compile("([45]\\d\\d) (?:([245])\\.(\\d{1,3}\\.\\d{1,3})(?: |$))?(.*)",
            Pattern.DOTALL);

    private final String template;
    private final List<Table> maps;
    private final int code;
    private final MailLog.Channel log;

    SmtpdRblReply(Config c, MailLog.Channel log) {
        String raw = c.rawValue(Params.DEFAULT_RBL_REPLY.name());
        this.template = raw == null ? "" : raw;
        this.maps = new ArrayList<>();
        for (String spec : c.list(Params.RBL_REPLY_MAPS)) {
            try {
                maps.add(Tables.open(spec));
            } catch (TableException e) {
                throw new ConfigException("parameter " + Params.RBL_REPLY_MAPS.name() + ": " + e.getMessage());
            }
        }
        this.code = c.integer(Params.MAPS_RBL_REJECT_CODE);
        this.log = log;
    }

    /**
     * The refusal for {@code what} (an address, host name or mail address) of class
     * {@code rblClass} ("Client host", "Sender address"...) listed by {@code list}.
     *
     * @param list   the restriction's argument, {@code domain[=d.d.d.d]}
     * @param reason the list's TXT text, maybe empty
     */
    Reply reply(String list, String what, String rblClass, String reason, SmtpdState s, Address rcpt) {
        Map<String, String> vars = variables(s, rcpt);
        int eq = list.indexOf('=');
        vars.put("rbl_code", Integer.toString(code));
        vars.put("rbl_domain", eq < 0 ? list : list.substring(0, eq));
        vars.put("rbl_what", what);
        vars.put("rbl_class", rblClass);
        vars.put("rbl_reason", reason);
        vars.put("rbl_txt", reason);
        String text = null;
        String own = mapTemplate(list);
        if (own != null) {
            try {
                text = MacroExpand.expand(own, vars, FILTER);
            } catch (IllegalArgumentException e) {
                log.warn("rbl_reject_reply: bad rbl reply template for domain " + list + ": " + own);
            }
        }
        if (text == null) {
            try {
                text = MacroExpand.expand(template, vars, FILTER);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("rbl_reject_reply: bad default rbl reply template: " + template);
            }
        }
        Matcher m = CODE.matcher(text);
        if (!m.matches()) {
            log.warn("rbl response code configuration error: " + text);
            return Reply.SERVICE_UNAVAILABLE;
        }
        int replyCode = Integer.parseInt(m.group(1));
        Dsn status = m.group(3) != null ? Dsn.parse(m.group(2) + "." + m.group(3)) : Dsn.NOT_AUTHORIZED;
        String rest = m.group(4).isEmpty() ? Reply.SERVICE_UNAVAILABLE_TEXT : m.group(4);
        return Reply.of(replyCode, status, rest);
    }

    private String mapTemplate(String list) {
        for (Table t : maps) {
            try {
                String v = t.get(list);
                if (v != null) return v;
            } catch (TableException e) {
                log.warn(Params.RBL_REPLY_MAPS.name() + ": table lookup failed for " + list + ": " + e.getMessage());
                return null;
            }
        }
        return null;
    }

    private static Map<String, String> variables(SmtpdState s, Address rcpt) {
        Map<String, String> v = new HashMap<>();
        SmtpdState.Client c = s.client;
        v.put("client", c.label());
        v.put("client_address", c.addressText);
        v.put("client_name", c.name);
        v.put("reverse_client_name", c.reverseName);
        v.put("helo_name", c.helo == null ? "" : c.helo);
        address(v, "sender", s.tx.sender);
        address(v, "recipient", rcpt);
        return v;
    }

    /** {@code sender}, {@code sender_name}, {@code sender_domain}: {@code <>} for the null address. */
    private static void address(Map<String, String> v, String prefix, Address a) {
        if (a == null) return;
        if (a.isNull()) {
            v.put(prefix, "<>");
            v.put(prefix + "_name", "<>");
            return;
        }
        v.put(prefix, a.toString());
        v.put(prefix + "_name", a.localPart());
        if (a.hasDomain()) v.put(prefix + "_domain", a.domain());
    }
}
