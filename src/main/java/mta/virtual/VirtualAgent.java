package mta.virtual;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.Params;
import mta.deliver.DeliveryAgent;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;
import mta.deliver.MailboxWriter;
import mta.deliver.MessageCopy;
import mta.deliver.Recipient;
import mta.deliver.UserFiles;
import mta.lookup.AddressLookup;
import mta.lookup.Table;
import mta.lookup.TableException;
import mta.lookup.Tables;
import mta.mail.Dsn;
import mta.util.MailLog;
import mta.util.PosixAccounts;
import mta.util.SafeOpen;

/**
 * VirtualAgent - the virtual(8) delivery agent: mailboxes of domains that have no UNIX accounts.
 *
 * <p>Reads {@code virtual_mailbox_maps} (address, then {@code @domain}: a catch-all), {@code
 * virtual_mailbox_base}, {@code virtual_uid_maps}, {@code virtual_gid_maps} and {@code
 * virtual_minimum_uid}. Writes the message to {@code $virtual_mailbox_base/<result>}: a Maildir
 * when the result ends in {@code /}, else an mbox file, by {@link MailboxWriter} with the mapped
 * user's and group's rights ({@link UserFiles}: a thread or child process with that file-system
 * identity, as Postfix's virtual(8) does with set_eugid), so new files and directories belong to
 * them and the kernel refuses what they may not write. An existing mbox must belong to the mapped
 * user. An address without a mailbox is bounced ({@code 5.1.1}); a missing or too small uid, a
 * path that leaves the base, a table or write failure is deferred. An address verification probe
 * only looks the address up.
 */
public final class VirtualAgent implements DeliveryAgent {

    private final List<Table> mailboxes;
    private final List<Table> uids;
    private final List<Table> gids;
    private final Path base;
    private final long minimumUid;
    private final String myhostname;
    private final AddressLookup lookup;
    private final MailLog.Channel log;

    public VirtualAgent(Config config, MailLog.Channel log) {
        this.log = log;
        this.mailboxes = open(config, Params.VIRTUAL_MAILBOX_MAPS);
        this.uids = open(config, Params.VIRTUAL_UID_MAPS);
        this.gids = open(config, Params.VIRTUAL_GID_MAPS);
        String b = config.str(Params.VIRTUAL_MAILBOX_BASE).strip();
        this.base = b.isEmpty() ? null : Path.of(b).toAbsolutePath().normalize();
        this.minimumUid = config.integer(Params.VIRTUAL_MINIMUM_UID);
        this.myhostname = config.str(Params.MYHOSTNAME);
        // virtual(5) order: user+ext@domain, user@domain, @domain; never the bare user name.
        this.lookup = AddressLookup.rewrite(config.str(Params.RECIPIENT_DELIMITER), d -> false);
    }

    private static List<Table> open(Config config, mta.config.Param p) {
        List<Table> out = new ArrayList<>();
        for (String spec : config.list(p)) {
            try {
                out.add(Tables.open(spec));
            } catch (TableException e) {
                throw new ConfigException("parameter " + p.name() + ": " + e.getMessage());
            }
        }
        return out;
    }

    @Override
    public String name() {
        return "virtual";
    }

    @Override
    public List<DeliveryStatus> deliver(DeliveryRequest req) {
        List<DeliveryStatus> out = new ArrayList<>();
        for (Recipient r : req.recipients()) {
            long t0 = System.nanoTime();
            DeliveryStatus s;
            try {
                s = deliverOne(req, r);
            } catch (IOException e) {
                s = DeliveryStatus.deferred(r, Dsn.OTHER_MAILBOX.temporary(), "virtual", "cannot update mailbox: " + SafeOpen.reason(e));
            } catch (TableException e) {
                s = DeliveryStatus.deferred(r, Dsn.TEMPORARY_SYSTEM_ERROR, "virtual", "table lookup failure");
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            // delivered here: a deferral is this recipient's
            out.add(new DeliveryStatus(r, s.outcome(), s.dsn(), s.relay(), s.reason(), 0, secs).at(DeliveryStatus.Stage.DELIVERY));
        }
        return out;
    }

    private DeliveryStatus deliverOne(DeliveryRequest req, Recipient r) throws IOException {
        String rcpt = r.address();
        AddressLookup.Hit box = lookup.find(mailboxes, rcpt);
        if (box == null) return DeliveryStatus.bounced(r, Dsn.BAD_DESTINATION_MAILBOX, "virtual", "unknown user: \"" + rcpt + "\"");
        if (req.verifyOnly()) { // an address verification probe: the mailbox exists, nothing is written
            return DeliveryStatus.sent(r, "virtual", box.value().strip().endsWith("/") ? "delivers to maildir"
                    : "delivers to mailbox", 0, 0);
        }
        if (base == null) return configError(r, "virtual_mailbox_base is not set");
        String where = box.value().strip();
        Path path = base.resolve(where.startsWith("/") ? where.substring(1) : where).normalize();
        if (!path.startsWith(base) || path.equals(base)) {
            return configError(r, "mailbox path outside virtual_mailbox_base: " + where);
        }
        Long uid = number(uids, rcpt);
        if (uid == null) return configError(r, "recipient " + rcpt + ": uid not found in virtual_uid_maps");
        if (uid < minimumUid) return configError(r, "recipient " + rcpt + ": bad uid " + uid + " in virtual_uid_maps");
        Long gid = number(gids, rcpt);
        if (gid == null || gid <= 0) return configError(r, "recipient " + rcpt + ": gid not found in virtual_gid_maps");
        UserFiles files = PosixAccounts.ROOT ? UserFiles.as(uid.intValue(), gid.intValue()) : UserFiles.OWN;
        MessageCopy copy = new MessageCopy(req, rcpt, rcpt);
        try {
            if (where.endsWith("/")) {
                try {
                    files.maildir(path, myhostname, 0, copy);
                } catch (MailboxWriter.Failure e) {
                    return failed(r, e.dsn(), "maildir delivery failed: " + e.getMessage());
                }
                return DeliveryStatus.sent(r, "virtual", "delivered to maildir", 0, 0);
            }
            int owner = PosixAccounts.ROOT ? uid.intValue() : -1;
            MailboxWriter.Mbox how = new MailboxWriter.Mbox(owner, SafeOpen.Create.mode(0600), true, false, 0);
            files.mbox(path, how, copy).forEach(log::warn);
            return DeliveryStatus.sent(r, "virtual", "delivered to mailbox", 0, 0);
        } catch (MailboxWriter.Failure e) {
            e.warnings().forEach(log::warn);
            return failed(r, e.dsn(), "cannot update mailbox " + path + " for user " + rcpt + ". " + e.getMessage());
        }
    }

    private static DeliveryStatus failed(Recipient r, Dsn dsn, String text) {
        return dsn.isTemporary() ? DeliveryStatus.deferred(r, dsn, "virtual", text)
                : DeliveryStatus.bounced(r, dsn, "virtual", text);
    }

    /** A numeric table answer ({@code static:5000}), or null when missing or not a number. */
    private Long number(List<Table> tables, String rcpt) {
        AddressLookup.Hit hit = lookup.find(tables, rcpt);
        if (hit == null) return null;
        try {
            return Long.parseLong(hit.value().strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static DeliveryStatus configError(Recipient r, String why) {
        return DeliveryStatus.deferred(r, Dsn.SYSTEM_MISCONFIGURED.temporary(), "virtual", "mail system configuration error: " + why);
    }
}
