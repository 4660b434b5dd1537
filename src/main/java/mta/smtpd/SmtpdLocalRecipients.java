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
import mta.rewrite.TrivialRewrite;

/**
 * SmtpdLocalRecipients - is a recipient in one of our domains a user we know ({@code local_recipient_maps})?
 *
 * <p>Reads the tables of {@code local_recipient_maps} (by default {@code unix:passwd.byname} and
 * {@code $alias_maps}) with the search order of {@link AddressLookup#rewrite}: user@domain, then
 * the bare user name, with and without the {@code recipient_delimiter} extension. Writes nothing.
 * An address with an entry in {@code virtual_alias_maps} is known too, since cleanup rewrites it.
 * Only addresses in {@code mydestination} are checked; an empty parameter turns the check off.
 */
final class SmtpdLocalRecipients {
    /** The answer for one recipient. */
    enum Status { KNOWN, UNKNOWN }

    private final List<Table> tables = new ArrayList<>();
    /** Addresses with a virtual alias are valid recipients too: cleanup rewrites them. */
    private final List<Table> virtualAliases = new ArrayList<>();
    private final TrivialRewrite rewrite;
    private final AddressLookup lookup;

    SmtpdLocalRecipients(Config config, TrivialRewrite rewrite) {
        this.rewrite = rewrite;
        for (String spec : config.list(Params.LOCAL_RECIPIENT_MAPS)) {
            try {
                tables.add(Tables.open(spec));
            } catch (TableException e) {
                throw new ConfigException("parameter local_recipient_maps: " + e.getMessage());
            }
        }
        for (String spec : config.list(Params.VIRTUAL_ALIAS_MAPS)) {
            try {
                virtualAliases.add(Tables.open(spec));
            } catch (TableException e) {
                throw new ConfigException("parameter virtual_alias_maps: " + e.getMessage());
            }
        }
        this.lookup = AddressLookup.rewrite(config.str(Params.RECIPIENT_DELIMITER), rewrite::isLocalDomain);
    }

    /** KNOWN also for recipients outside our domains, and for everyone when the check is off. */
    Status status(Address rcpt) {
        if (tables.isEmpty()) return Status.KNOWN;
        Address a = rewrite.canonicalize(rcpt);
        if (!a.hasDomain() || !rewrite.isLocalDomain(a.domain())) return Status.KNOWN;
        // A table that cannot answer throws TableException: SmtpdCheck.rcpt makes it a 451.
        if (!virtualAliases.isEmpty() && lookup.find(virtualAliases, a.toString()) != null) return Status.KNOWN;
        return lookup.find(tables, a.toString()) != null ? Status.KNOWN : Status.UNKNOWN;
    }
}
