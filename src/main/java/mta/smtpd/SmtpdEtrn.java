package mta.smtpd;

import java.io.IOException;
import mta.flush.Flush;
import mta.mail.DomainSyntax;
import mta.mail.Reply;

/**
 * SmtpdEtrn - the ETRN command (RFC 1985): the fast flush service makes a site's deferred mail due now.
 *
 * <p>A handler of the command table. Reads {@code smtpd_helo_required} and the ETRN
 * restrictions ({@link SmtpdCheck#etrn}); asks {@link Flush} (fast_flush_domains) and logs its
 * refusals as Postfix does. The replies carry no enhanced status code, as Postfix's; a leading
 * {@code @} (subdomains) or {@code #} (a queue name) is dropped, as Postfix does.
 */
final class SmtpdEtrn {
    private SmtpdEtrn() {}

    /** etrn_cmd - process ETRN command */
    static void etrnCmd(SmtpdContext c, String arg) throws IOException {
        SmtpdState st = c.state;
        String[] words = arg.isEmpty() ? new String[0] : arg.split("[ \\t]+");
        if (c.settings.heloRequired && st.client.helo == null) {
            c.fail("etrn", Reply.ETRN_HELO_FIRST);
            return;
        }
        if (st.tx.sender != null) {
            c.fail("etrn", Reply.ETRN_IN_TRANSACTION);
            return;
        }
        if (words.length != 1) {
            c.fail("etrn", Reply.ETRN_SYNTAX);
            return;
        }
        String site = words[0].startsWith("@") || words[0].startsWith("#") ? words[0].substring(1) : words[0];
        if (!DomainSyntax.isValid(site)) {
            c.fail("etrn", Reply.ETRN_BAD_DOMAIN);
            return;
        }
        Flush flush = c.server.flush();
        if (flush == null) {
            c.log.warn("do not use ETRN in \"sendmail -bs\" mode");
            c.fail("etrn", Reply.ETRN_UNABLE);
            return;
        }
        // the stage's checks: the ETRN restrictions (a further stage that may refuse ETRN goes after them)
        if (c.refused("etrn", c.server.check().etrn(st, site))) return;
        // proceed: ask the fast flush service
        switch (flush.sendSite(site)) {
            case OK -> c.ok("etrn", Reply.ETRN_STARTED);
            case DENY -> {
                c.log.warn("reject: ETRN " + site + "... from " + st.client.label());
                c.fail("etrn", Reply.etrnUnavailable(site));
            }
            case BAD -> {
                c.log.warn("bad ETRN " + site + "... from " + st.client.label());
                c.fail("etrn", Reply.ETRN_UNABLE);
            }
            case FAIL -> {
                c.log.warn("unable to talk to fast flush service");
                c.fail("etrn", Reply.ETRN_UNABLE);
            }
        }
    }
}
