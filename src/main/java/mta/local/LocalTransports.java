package mta.local;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import mta.config.Config;
import mta.config.Params;
import mta.deliver.DeliveryPass;
import mta.deliver.DeliveryRequest;
import mta.deliver.Recipient;
import mta.lookup.Table;
import mta.lookup.Tables;

/**
 * LocalTransports - the transports local(8) hands a local name to instead of delivering it itself.
 *
 * <p>Reads {@code mailbox_transport_maps} and {@code mailbox_transport} (the mailbox of every
 * local name, with or without a UNIX account, once aliases and .forward have had their say), and
 * {@code fallback_transport_maps} and {@code fallback_transport} (names found in neither the
 * aliases nor the accounts, before {@code luser_relay}). A table is searched with the user name
 * (the local part without its extension, lower case), opened once; the first table that knows it
 * wins, else the single-value parameter when it is set. A table that fails throws
 * {@link mta.lookup.TableException}: the recipient is deferred. {@link #pass} hands an address
 * over through the queue manager ({@link DeliveryPass}).
 */
final class LocalTransports {
    private final List<String> mailboxMaps;
    private final String mailbox;
    private final List<String> fallbackMaps;
    private final String fallback;
    private final Map<String, Table> tables = new ConcurrentHashMap<>();

    private LocalTransports(List<String> mailboxMaps, String mailbox, List<String> fallbackMaps, String fallback) {
        this.mailboxMaps = mailboxMaps;
        this.mailbox = mailbox;
        this.fallbackMaps = fallbackMaps;
        this.fallback = fallback;
    }

    static LocalTransports from(Config c) {
        return new LocalTransports(c.list(Params.MAILBOX_TRANSPORT_MAPS), c.str(Params.MAILBOX_TRANSPORT).strip(),
                c.list(Params.FALLBACK_TRANSPORT_MAPS), c.str(Params.FALLBACK_TRANSPORT).strip());
    }

    /** The transport[:nexthop] for the mailbox of {@code user}, or null: local delivers it. */
    String mailbox(String user) {
        return find(mailboxMaps, mailbox, user);
    }

    /** The transport[:nexthop] for {@code user}, a name nobody knows here, or null. */
    String fallback(String user) {
        return find(fallbackMaps, fallback, user);
    }

    /**
     * Hands {@code address} (the queue file's recipient, or a name aliases led to) to
     * {@code transport}; the status keeps the queue file's recipient offset and original address.
     */
    static LocalResult pass(DeliveryPass pass, String transport, DeliveryRequest req, Recipient rcpt,
                            String address) {
        Recipient to = new Recipient(address, rcpt.original() != null ? rcpt.original() : rcpt.address(),
                rcpt.offset(), rcpt.dsnNotify(), rcpt.dsnOrcpt());
        return LocalResult.passed(pass.pass(transport, req, to));
    }

    private String find(List<String> maps, String single, String user) {
        for (String spec : maps) {
            String v = tables.computeIfAbsent(spec, Tables::open).get(user);
            if (v != null && !v.isBlank()) return v.strip();
        }
        return single.isEmpty() ? null : single;
    }
}
