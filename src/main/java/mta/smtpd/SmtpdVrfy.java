package mta.smtpd;

import java.io.IOException;
import mta.mail.Address;
import mta.mail.Reply;

/**
 * SmtpdVrfy - the VRFY command: {@code 252}, an address we neither confirm nor deny.
 *
 * <p>A handler of the command table. Reads {@code disable_vrfy_command}; an address that cannot
 * be used is logged as RCPT's is ({@code warning: Illegal address syntax from ...}). The address
 * goes through the recipient checks first ({@link SmtpdCheck#vrfy}), as in Postfix, so VRFY tells
 * no more than RCPT TO would.
 */
final class SmtpdVrfy {
    private SmtpdVrfy() {}

    /** vrfy_cmd - process VRFY command */
    static void vrfyCmd(SmtpdContext c, String arg) throws IOException {
        if (c.settings.vrfyDisabled) {
            c.fail("vrfy", Reply.VRFY_DISABLED);
            return;
        }
        if (arg.isEmpty()) {
            c.fail("vrfy", Reply.syntax("VRFY address [SMTPUTF8]"));
            return;
        }
        Address.Path p = Address.parsePath(arg);
        if (p == null || p.address().isNull() || !p.parameters().isEmpty() || !SmtpdHostnames.hasValidDomain(p.address())) {
            SmtpdTransaction.illegalSyntax(c, "VRFY", arg);
            c.fail("vrfy", Reply.badAddress("recipient"));
            return;
        }
        if (c.refused("vrfy", c.server.check().vrfy(c.state, p.address()))) return; // what RCPT TO would be told
        c.ok("vrfy", Reply.vrfyUnconfirmed(p.address().toString()));
    }
}
