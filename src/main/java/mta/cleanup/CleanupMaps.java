package mta.cleanup;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import mta.config.Config;
import mta.config.Params;
import mta.lookup.AddressLookup;
import mta.lookup.Table;
import mta.lookup.Tables;
import mta.mail.Address;
import mta.mail.HeaderAddresses;
import mta.rewrite.TrivialRewrite;

/**
 * CleanupMaps - cleanup's address rewriting: canonical maps, masquerading, virtual aliases.
 *
 * <p>Reads {@code canonical_maps}, {@code sender_canonical_maps}, {@code recipient_canonical_maps},
 * {@code masquerade_domains}, {@code virtual_alias_maps} (tables opened once, looked up in
 * Postfix's canonical/virtual search order) and the classes each applies to
 * ({@code canonical_classes}, {@code sender_canonical_classes}, {@code recipient_canonical_classes},
 * {@code masquerade_classes}); writes nothing. As in Postfix's cleanup, a sender address gets
 * sender then general canonical mapping and masquerading; a recipient gets recipient then general
 * canonical mapping (and masquerading, when its class is listed). Envelope recipients are then
 * expanded through the virtual alias maps, recursively, into the final recipient list (an address
 * that maps to itself stays); header addresses are not. {@code sender_bcc_maps} and
 * {@code recipient_bcc_maps} give the automatic BCC recipient of a sender or recipient.
 */
final class CleanupMaps {
    /** Postfix's virtual_alias_recursion_limit and virtual_alias_expansion_limit. */
    private static final int RECURSION_LIMIT = 1000;
    private static final int EXPANSION_LIMIT = 1000;

    private final List<Table> canonical;
    private final List<Table> senderCanonical;
    private final List<Table> recipientCanonical;
    private final List<Table> virtualAlias;
    private final List<Table> senderBcc;
    private final List<Table> recipientBcc;
    private final List<String> masquerade;
    private final AddressLookup lookup;
    private final List<String> canonicalClasses;
    private final List<String> senderClasses;
    private final List<String> recipientClasses;
    private final List<String> masqueradeClasses;

    /** The four address classes of Postfix's *_classes parameters. */
    static final String ENVELOPE_SENDER = "envelope_sender";
    static final String ENVELOPE_RECIPIENT = "envelope_recipient";
    static final String HEADER_SENDER = "header_sender";
    static final String HEADER_RECIPIENT = "header_recipient";

    CleanupMaps(Config config, TrivialRewrite rewrite) {
        this.canonical = open(config.list(Params.CANONICAL_MAPS));
        this.senderCanonical = open(config.list(Params.SENDER_CANONICAL_MAPS));
        this.recipientCanonical = open(config.list(Params.RECIPIENT_CANONICAL_MAPS));
        this.virtualAlias = open(config.list(Params.VIRTUAL_ALIAS_MAPS));
        this.senderBcc = open(config.list(Params.SENDER_BCC_MAPS));
        this.recipientBcc = open(config.list(Params.RECIPIENT_BCC_MAPS));
        this.masquerade = config.list(Params.MASQUERADE_DOMAINS).stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
        this.lookup = AddressLookup.rewrite(config.str(Params.RECIPIENT_DELIMITER), rewrite::isLocalDomain);
        this.canonicalClasses = classes(config, Params.CANONICAL_CLASSES);
        this.senderClasses = classes(config, Params.SENDER_CANONICAL_CLASSES);
        this.recipientClasses = classes(config, Params.RECIPIENT_CANONICAL_CLASSES);
        this.masqueradeClasses = classes(config, Params.MASQUERADE_CLASSES);
    }

    private static List<String> classes(Config config, mta.config.Param p) {
        return config.list(p).stream().map(c -> c.toLowerCase(Locale.ROOT)).toList();
    }

    private static List<Table> open(List<String> specs) {
        List<Table> out = new ArrayList<>();
        for (String s : specs) out.add(Tables.open(s));
        return out;
    }

    boolean isEmpty() {
        return canonical.isEmpty() && senderCanonical.isEmpty() && recipientCanonical.isEmpty()
                && virtualAlias.isEmpty() && masquerade.isEmpty();
    }

    /** The envelope sender after sender_canonical_maps, canonical_maps and masquerade_domains. */
    Address sender(Address sender) {
        return sender.isNull() ? sender : rewrite(sender, senderCanonical, senderClasses, ENVELOPE_SENDER);
    }

    /** A sender header address (From:, Sender:, Resent-From: ...), mapped as its class says. */
    Address headerSender(Address a) {
        return rewrite(a, senderCanonical, senderClasses, HEADER_SENDER);
    }

    /** A recipient header address (To:, Cc:, Reply-To: ...), mapped as its class says. */
    Address headerRecipient(Address a) {
        return rewrite(a, recipientCanonical, recipientClasses, HEADER_RECIPIENT);
    }

    /** The specific canonical table, the general one, then masquerading; each only for its classes. */
    private Address rewrite(Address a, List<Table> specific, List<String> specificClasses, String cls) {
        if (specificClasses.contains(cls)) a = map(specific, a);
        if (canonicalClasses.contains(cls)) a = map(canonical, a);
        return masqueradeClasses.contains(cls) ? masquerade(a) : a;
    }

    /** One recipient after recipient_canonical_maps and canonical_maps (and masquerading, by class). */
    Address recipientCanonical(Address rcpt) {
        return rewrite(rcpt, recipientCanonical, recipientClasses, ENVELOPE_RECIPIENT);
    }

    /** One recipient after recipient_canonical_maps, canonical_maps and virtual alias expansion. */
    List<Address> recipient(Address rcpt) {
        Address a = recipientCanonical(rcpt);
        if (virtualAlias.isEmpty()) return List.of(a);
        Set<String> out = new LinkedHashSet<>();
        expand(a, 0, out, new LinkedHashSet<>());
        return out.stream().map(Address::parse).toList();
    }

    private void expand(Address a, int depth, Set<String> out, Set<String> seen) {
        if (out.size() >= EXPANSION_LIMIT) return;
        String key = a.toString();
        AddressLookup.Hit hit = depth >= RECURSION_LIMIT || !seen.add(key.toLowerCase(Locale.ROOT))
                ? null : lookup.find(virtualAlias, key);
        if (hit == null) {
            out.add(key);
            return;
        }
        for (Address target : HeaderAddresses.parse(hit.value())) {
            if (target.toString().equalsIgnoreCase(key)) out.add(key);     // maps to itself: keep it
            else expand(target, depth + 1, out, seen);
        }
    }

    /** The sender_bcc_maps recipient of a (mapped) sender, or null. */
    Address senderBcc(Address sender) {
        return bcc(senderBcc, sender);
    }

    /** The recipient_bcc_maps recipient of a (canonically mapped) recipient, or null. */
    Address recipientBcc(Address rcpt) {
        return bcc(recipientBcc, rcpt);
    }

    private Address bcc(List<Table> tables, Address a) {
        if (tables.isEmpty() || a.isNull()) return null;
        AddressLookup.Hit hit = lookup.find(tables, a.toString());
        if (hit == null || hit.value().isBlank()) return null;
        return Address.parse(hit.value().strip());
    }

    /** The first table's answer for the address, else the address itself. */
    private Address map(List<Table> tables, Address a) {
        if (tables.isEmpty() || a.isNull()) return a;
        AddressLookup.Hit hit = lookup.find(tables, a.toString());
        if (hit == null) return a;
        String v = hit.value().strip();
        // "@domain" keeps the local part (canonical(5) "user@domain" -> "@other" form).
        if (v.startsWith("@")) return new Address(a.localPart(), v.substring(1));
        return Address.parse(v);
    }

    /** Strips subdomains of a masquerade domain: user@host.example.com -> user@example.com. */
    private Address masquerade(Address a) {
        if (!a.hasDomain()) return a;
        String d = a.domainLower();
        for (String m : masquerade) {
            if (m.startsWith("!")) {
                if (d.equals(m.substring(1))) return a;
                continue;
            }
            if (d.endsWith("." + m)) return new Address(a.localPart(), m);
        }
        return a;
    }
}
