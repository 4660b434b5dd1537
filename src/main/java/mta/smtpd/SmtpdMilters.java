package mta.smtpd;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mta.mail.Address;
import mta.mail.Reply;
import mta.milter.MilterChain;
import mta.milter.MilterMacros;
import mta.milter.MilterVerdict;

/**
 * SmtpdMilters - smtpd_milters at the SMTP stages: the events the filters hear, and their verdicts as replies.
 *
 * <p>Reads the session's {@link SmtpdState} (its {@link MilterChain}, opened when the session
 * starts) and sends the filters the connect, HELO/EHLO, MAIL, RCPT and DATA events with the
 * macros Postfix defines ({@link #macros}); the content goes to them from cleanup, at the end of
 * the message. Each method returns null to go on, or the reply that refuses the command, after
 * logging it as Postfix does ({@code NOQUEUE: milter-reject: RCPT from host[ip]: 550 5.7.1 Command
 * rejected; from=<s> to=<r> proto=ESMTP helo=<name>}). A DISCARD or HOLD verdict is kept in the
 * transaction's saved actions and logged ({@code milter-discard}, {@code milter-hold}); a 421
 * ends the session.
 */
final class SmtpdMilters {
    private SmtpdMilters() {}

    /** The connect event, before the greeting. */
    static Reply connect(SmtpdContext c) throws IOException {
        SmtpdState st = c.state;
        if (st.milters == null) return null;
        MilterVerdict v = st.milters.connect(macros(st, Map.of()), st.client.name, st.client.address, st.client.port);
        return verdict(c, "CONNECT", v, null);
    }

    static Reply helo(SmtpdContext c, String name) throws IOException {
        SmtpdState st = c.state;
        if (st.milters == null) return null;
        return verdict(c, c.state.where, st.milters.helo(macros(st, Map.of("s", name)), name), null);
    }

    static Reply mail(SmtpdContext c, Address sender, String params) throws IOException {
        SmtpdState st = c.state;
        if (st.milters == null) return null;
        Map<String, String> m = new HashMap<>();
        m.put("{mail_addr}", sender.toString());
        m.put("{mail_host}", sender.isNull() ? null : domain(sender.toString()));
        MilterVerdict v = st.milters.mail(macros(st, m), sender.toString(), words(params));
        Reply r = verdict(c, "MAIL", v, null, sender);
        if (r != null) st.milters.abort();
        return r;
    }

    static Reply rcpt(SmtpdContext c, Address rcpt, String params) throws IOException {
        SmtpdState st = c.state;
        if (st.milters == null) return null;
        Map<String, String> m = new HashMap<>();
        m.put("{rcpt_addr}", rcpt.toString());
        m.put("{rcpt_host}", domain(rcpt.toString()));
        return verdict(c, "RCPT", st.milters.rcpt(macros(st, m), rcpt.toString(), words(params)), rcpt);
    }

    static Reply data(SmtpdContext c) throws IOException {
        SmtpdState st = c.state;
        if (st.milters == null) return null;
        return verdict(c, "DATA", st.milters.data(macros(st, Map.of())), null);
    }

    private static List<String> words(String params) {
        return params == null || params.isBlank() ? List.of() : List.of(params.strip().split("\\s+"));
    }

    private static String domain(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? null : address.substring(at + 1);
    }

    /**
     * The macros of this session as Postfix defines them: {@code _}, {@code {client_*}},
     * {@code {daemon_addr}}, {@code i} (once the queue file is open), {@code {auth_*}}, the TLS
     * macros, {@code s} (HELO name) and {@code r} (protocol); {@code extra} first.
     */
    static MilterMacros macros(SmtpdState st, Map<String, String> extra) {
        MilterMacros session = name -> switch (name) {
            case "_" -> st.client.name + " [" + st.client.addressText + "]";
            case "{client_addr}" -> st.client.addressText;
            case "{client_name}" -> st.client.name;
            case "{client_ptr}" -> st.client.reverseName;
            case "{client_port}" -> st.client.port < 0 ? null : Integer.toString(st.client.port);
            case "{daemon_addr}" -> st.client.serverAddress.isEmpty() ? null : st.client.serverAddress;
            case "{daemon_port}" -> st.client.serverPort < 0 ? null : Integer.toString(st.client.serverPort);
            case "i" -> st.tx.cleanup == null ? null : st.tx.cleanup.queueId();
            case "{auth_type}" -> st.client.sasl == null ? null : st.client.sasl.method();
            case "{auth_authen}" -> st.client.sasl == null ? null : st.client.sasl.username();
            case "{auth_author}" -> st.tx.saslSender;
            case "{tls_version}" -> st.client.tls == null ? null : st.client.tls.protocol();
            case "{cipher}" -> st.client.tls == null ? null : st.client.tls.cipher();
            case "{cipher_bits}" -> st.client.tls == null ? null : Integer.toString(st.client.tls.bits());
            case "s" -> st.client.helo;
            case "r" -> st.client.protocol;
            default -> null;
        };
        Map<String, String> values = new HashMap<>(extra);
        values.values().removeIf(java.util.Objects::isNull);
        return session.with(values);
    }

    private static Reply verdict(SmtpdContext c, String stage, MilterVerdict v, Address rcpt) {
        return verdict(c, stage, v, rcpt, c.state.tx.sender);
    }

    private static Reply verdict(SmtpdContext c, String stage, MilterVerdict v, Address rcpt, Address sender) {
        SmtpdState st = c.state;
        switch (v.kind()) {
            case CONTINUE -> {
                return null;
            }
            case DISCARD -> {
                st.tx.saved.discard = true;
                log(c, "milter-discard", stage, "milter triggers DISCARD action", sender, rcpt);
                return null;
            }
            case HOLD -> {
                if (!st.tx.saved.hold) log(c, "milter-hold", stage, "milter triggers HOLD action", sender, rcpt);
                st.tx.saved.hold = true;
                return null;
            }
            case SHUTDOWN -> {
                log(c, "milter-reject", stage, v.reply().toString(), sender, rcpt);
                c.hangUp();
                return v.reply();
            }
            default -> {
                log(c, "milter-reject", stage, v.reply().toString(), sender, rcpt);
                return v.reply();
            }
        }
    }

    /** {@code QID: milter-reject: RCPT from host[ip]: text; from=<s> to=<r> proto=ESMTP helo=<name>}. */
    private static void log(SmtpdContext c, String action, String stage, String text, Address sender, Address rcpt) {
        SmtpdState st = c.state;
        StringBuilder sb = new StringBuilder();
        sb.append(st.tx.queueId()).append(": ").append(action).append(": ").append(stage).append(" from ")
                .append(st.client.label()).append(": ").append(text).append(';');
        if (sender != null) sb.append(" from=<").append(sender).append('>');
        if (rcpt != null) sb.append(" to=<").append(rcpt).append('>');
        sb.append(" proto=").append(st.client.protocol);
        if (st.client.helo != null) sb.append(" helo=<").append(st.client.helo).append('>');
        c.log.info(sb.toString());
    }
}
