package mta.smtpd;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import mta.mail.Reply;

/**
 * SmtpdHelo - the HELO and EHLO commands: who the client says it is, and the extensions we offer.
 *
 * <p>Handlers of the command table. Both check the name against the HELO restrictions (when
 * rejections are not delayed), end any transaction, and remember the name and the protocol
 * ({@code SMTP} or {@code ESMTP}, which may pipeline). EHLO's reply lists exactly the extensions
 * that work for this client, in Postfix's order: SIZE with message_size_limit, VRFY unless
 * disable_vrfy_command, STARTTLS while the connection is plain and TLS is offered, AUTH when
 * {@link SmtpdSasl} has mechanisms for the client, SMTPUTF8 when smtputf8_enable; less the
 * keywords {@link SmtpdEhloDiscard} hides from this client.
 */
final class SmtpdHelo {
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private SmtpdHelo() {}

    /** helo_cmd - process HELO command */
    static void heloCmd(SmtpdContext c, String arg) throws IOException {
        if (greet(c, "HELO", arg)) c.ok("helo", Reply.heloOk(c.settings.myhostname));
    }

    /** ehlo_cmd - process EHLO command: the reply lists exactly the extensions that work, in Postfix's order. */
    static void ehloCmd(SmtpdContext c, String arg) throws IOException {
        if (!greet(c, "EHLO", arg)) return;
        SmtpdSettings settings = c.settings;
        if (c.state.client.ehloDiscardUnknown) {
            c.log.warn("don't know what EHLO features to announce to " + c.state.client.label());
            c.fail("ehlo", Reply.LOCAL_DATA_ERROR.withHost(settings.myhostname));
            c.hangUp();
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add(settings.myhostname);
        lines.add("PIPELINING");
        lines.add(settings.messageSizeLimit > 0 ? "SIZE " + settings.messageSizeLimit : "SIZE");
        if (!settings.vrfyDisabled) lines.add("VRFY");
        lines.add("ETRN");
        if (c.server.tls().offersStarttls() && c.state.client.tls == null) lines.add("STARTTLS");
        lines.addAll(SmtpdSasl.ehloKeywords(c));
        lines.add("ENHANCEDSTATUSCODES");
        lines.add("8BITMIME");
        lines.add("DSN");
        if (settings.smtputf8) lines.add("SMTPUTF8");
        lines.add("CHUNKING");
        java.util.Set<String> discard = c.state.client.ehloDiscard;
        if (!discard.isEmpty()) {
            String text = SmtpdEhloDiscard.logText(discard);
            if (text != null) c.log.info("discarding EHLO keywords: " + text);
            lines.subList(1, lines.size()).removeIf(l -> SmtpdEhloDiscard.hides(discard, l));
        }
        c.state.count("ehlo", true);
        c.chat.reply(250, lines);
    }

    /**
     * What HELO and EHLO share: the syntax, the HELO stage's checks, then a fresh start under the
     * new name. False when the command was refused (the reply is sent).
     */
    private static boolean greet(SmtpdContext c, String verb, String arg) throws IOException {
        String counter = verb.equals("EHLO") ? "ehlo" : "helo";
        if (arg.isEmpty()) {
            c.fail(counter, Reply.heloSyntax(verb));
            return false;
        }
        String name = SPACES.split(arg)[0];
        // the stage's checks: the HELO restrictions (a further stage that may refuse HELO goes after them)
        if (c.refused(counter, c.server.check().helo(c.state, name))) return false;
        if (c.refused(counter, SmtpdMilters.helo(c, name))) return false;
        // proceed: a new start under the new name
        SmtpdState st = c.state;
        st.resetTransaction();
        st.client.helo = name;
        st.client.protocol = verb.equals("EHLO") ? "ESMTP" : "SMTP";
        st.client.esmtp = verb.equals("EHLO");
        return true;
    }
}
