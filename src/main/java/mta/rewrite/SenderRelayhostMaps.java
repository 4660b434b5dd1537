package mta.rewrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import mta.config.ConfigException;
import mta.lookup.AddressLookup;
import mta.lookup.Table;
import mta.lookup.TableException;
import mta.lookup.Tables;

/**
 * SenderRelayhostMaps - {@code sender_dependent_relayhost_maps}: the relayhost for one sender's mail.
 *
 * <p>Reads its tables; writes nothing. The envelope sender is looked up as Postfix's mail_addr_find
 * does ({@code user@domain}, then {@code user} for a local domain, then {@code @domain}); the null
 * sender is looked up as {@code empty_address_relayhost_maps_lookup_key} ({@code <>}). A result of
 * {@code DUNNO} ends the search without an override, so {@code $relayhost} applies.
 */
final class SenderRelayhostMaps {
    private final List<Table> tables = new ArrayList<>();
    private final AddressLookup lookup;
    private final String nullSenderKey;

    SenderRelayhostMaps(List<String> specs, String recipientDelimiter, Predicate<String> isLocalDomain,
                        String nullSenderKey) {
        for (String s : specs) {
            try {
                tables.add(Tables.open(s));
            } catch (TableException e) {
                throw new ConfigException("parameter sender_dependent_relayhost_maps: " + e.getMessage());
            }
        }
        this.lookup = AddressLookup.rewrite(recipientDelimiter, isLocalDomain);
        this.nullSenderKey = nullSenderKey;
    }

    boolean isEmpty() {
        return tables.isEmpty();
    }

    /** The relayhost for mail from {@code sender} (an address without angle brackets), or null for none. */
    String find(String sender) {
        if (tables.isEmpty() || sender == null) return null;
        String value;
        if (sender.isEmpty()) {
            value = null;
            for (Table t : tables) {
                value = t.get(nullSenderKey);
                if (value != null) break;
            }
        } else {
            AddressLookup.Hit hit = lookup.find(tables, sender);
            value = hit == null ? null : hit.value();
        }
        if (value == null) return null;
        value = value.strip();
        if (value.isEmpty() || value.toUpperCase(Locale.ROOT).equals("DUNNO")) return null;
        return value;
    }
}
