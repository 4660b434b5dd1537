package mta.smtpd;

import java.util.ArrayList;
import java.util.List;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.Params;
import mta.lookup.AddressLookup;
import mta.lookup.Table;
import mta.lookup.TableException;
import mta.lookup.Tables;
import mta.mail.Address;
import mta.mail.Reply;
import mta.rewrite.Resolved.DestinationClass;
import mta.rewrite.TrivialRewrite;

/**
 * SmtpdVirtualRecipients - is a recipient in a virtual domain an address we know?
 *
 * <p>Reads {@code virtual_alias_maps} and {@code virtual_mailbox_maps} in virtual(5) order
 * (address, {@code user@domain} without extension, {@code @domain}), the reply codes
 * {@code unknown_virtual_alias_reject_code} and {@code unknown_virtual_mailbox_reject_code}, and
 * the address class from {@link TrivialRewrite}; writes nothing. In a virtual alias domain an
 * address must have a virtual alias; in a virtual mailbox domain it must have a virtual alias or
 * a mailbox, unless {@code virtual_mailbox_maps} is empty (then every address is accepted, as
 * Postfix does). Other classes are not its business (null).
 */
final class SmtpdVirtualRecipients {
    private final TrivialRewrite rewrite;
    private final List<Table> aliases;
    private final List<Table> mailboxes;
    private final AddressLookup lookup;
    private final int aliasCode;
    private final int mailboxCode;

    SmtpdVirtualRecipients(Config c, TrivialRewrite rewrite) {
        this.rewrite = rewrite;
        this.aliases = open(c, Params.VIRTUAL_ALIAS_MAPS);
        this.mailboxes = open(c, Params.VIRTUAL_MAILBOX_MAPS);
        this.lookup = AddressLookup.rewrite(c.str(Params.RECIPIENT_DELIMITER), d -> false);
        this.aliasCode = c.integer(Params.UNKNOWN_VIRTUAL_ALIAS_REJECT_CODE);
        this.mailboxCode = c.integer(Params.UNKNOWN_VIRTUAL_MAILBOX_REJECT_CODE);
    }

    private static List<Table> open(Config c, mta.config.Param p) {
        List<Table> out = new ArrayList<>();
        for (String spec : c.list(p)) {
            try {
                out.add(Tables.open(spec));
            } catch (TableException e) {
                throw new ConfigException("parameter " + p.name() + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** A refusal for an unknown virtual address; null when the address is known or not virtual. */
    SmtpdVerdict check(Address rcpt) {
        return check(rcpt, Reply.Rejected.RECIPIENT, true);
    }

    /**
     * The same for a recipient or (reject_unlisted_sender) a sender address; {@code showTable}
     * is show_user_unknown_table_name.
     */
    SmtpdVerdict check(Address address, Reply.Rejected what, boolean showTable) {
        Address a = rewrite.canonicalize(address);
        DestinationClass cls = rewrite.classify(a.domainLower());
        if (cls != DestinationClass.VIRTUAL_ALIAS && cls != DestinationClass.VIRTUAL_MAILBOX) return null;
        // A table that cannot answer throws TableException: SmtpdCheck.rcpt makes it a 451.
        if (lookup.find(aliases, a.toString()) != null) return null;
        if (cls == DestinationClass.VIRTUAL_ALIAS) {
            return SmtpdVerdict.refuse(Reply.userUnknown(aliasCode, address.toString(), what,
                    showTable ? "virtual alias table" : null));
        }
        // With no virtual_mailbox_maps there is no table to be missing from: accept, as Postfix does.
        if (mailboxes.isEmpty() || lookup.find(mailboxes, a.toString()) != null) return null;
        return SmtpdVerdict.refuse(Reply.userUnknown(mailboxCode, address.toString(), what,
                showTable ? "virtual mailbox table" : null));
    }
}
