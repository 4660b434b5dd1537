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
import mta.rewrite.Resolved.DestinationClass;
import mta.rewrite.TrivialRewrite;

/**
 * SmtpdRelayRecipients - is an address in {@code relay_domains} one that {@code relay_recipient_maps} lists?
 *
 * <p>Reads {@code relay_recipient_maps} and {@code virtual_alias_maps} (an address with a virtual
 * alias is known: cleanup rewrites it) in virtual(5) order: the address, {@code user@domain}
 * without extension, {@code @domain}; and the address class from {@link TrivialRewrite}. Writes
 * nothing. Only addresses in {@code relay_domains} are checked, and only when
 * {@code relay_recipient_maps} is set: an empty parameter accepts every relay address, as in
 * Postfix. A table that cannot answer throws {@link TableException} (a 451 for the client).
 */
final class SmtpdRelayRecipients {
    private final TrivialRewrite rewrite;
    private final List<Table> recipients = new ArrayList<>();
    private final List<Table> aliases = new ArrayList<>();
    private final AddressLookup lookup;

    SmtpdRelayRecipients(Config c, TrivialRewrite rewrite) {
        this.rewrite = rewrite;
        open(c, Params.RELAY_RECIPIENT_MAPS, recipients);
        if (!recipients.isEmpty()) open(c, Params.VIRTUAL_ALIAS_MAPS, aliases);
        this.lookup = AddressLookup.rewrite(c.str(Params.RECIPIENT_DELIMITER), d -> false);
    }

    private static void open(Config c, mta.config.Param p, List<Table> into) {
        for (String spec : c.list(p)) {
            try {
                into.add(Tables.open(spec));
            } catch (TableException e) {
                throw new ConfigException("parameter " + p.name() + ": " + e.getMessage());
            }
        }
    }

    /** True when {@code a} is in a relay domain and no table lists it. */
    boolean unknown(Address a) {
        if (recipients.isEmpty()) return false;
        Address canonical = rewrite.canonicalize(a);
        if (!canonical.hasDomain() || rewrite.classify(canonical.domainLower()) != DestinationClass.RELAY) return false;
        if (!aliases.isEmpty() && lookup.find(aliases, canonical.toString()) != null) return false;
        return lookup.find(recipients, canonical.toString()) == null;
    }
}
