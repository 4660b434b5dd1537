package mta.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import java.util.Set;
import mta.cleanup.CleanupException;
import mta.cleanup.CleanupService;
import mta.config.Config;
import mta.config.Params;
import mta.deliver.DeliveryAgent;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;
import mta.deliver.FileOwner;
import mta.deliver.MailboxWriter;
import mta.lookup.Aliases;
import mta.lookup.Table;
import mta.lookup.TableException;
import mta.lookup.Tables;
import mta.mail.Address;
import mta.queue.QueueFile;

/**
 * LocalAgent - the local delivery agent: aliases, then the user's mailbox.
 *
 * <p>Reads {@code alias_maps}, {@code home_mailbox}, {@code mail_spool_directory},
 * {@code mydestination} and {@code /etc/passwd}. For each recipient it expands aliases
 * (recursively, each name once), forwards remote targets through {@link CleanupService} with the
 * original sender, and writes local users' mail to their mbox or Maildir ({@link MailboxWriter}).
 * Unknown users are bounced ({@code 5.1.1 unknown user}); a failed write is deferred.
 */
public final class LocalAgent implements DeliveryAgent {
    private static final int MAX_EXPANSION = 1000;

    private final List<String> aliasMaps;
    private final String homeMailbox;
    private final Path spool;
    private final boolean spoolIsMaildir;
    private final String myhostname;
    private final Set<String> localDomains = new HashSet<>();
    private final CleanupService cleanup;
    private final Passwd passwd;
    /** Alias tables, opened once; an MVStore table notices a rebuilt file by itself. */
    private final Map<String, Table> tables = new ConcurrentHashMap<>();

    public LocalAgent(Config config, CleanupService cleanup) {
        this(config, cleanup, Path.of("/etc/passwd"));
    }

    LocalAgent(Config config, CleanupService cleanup, Path passwdFile) {
        this.aliasMaps = config.list(Params.ALIAS_MAPS);
        this.homeMailbox = config.str(Params.HOME_MAILBOX).strip();
        String spoolText = config.str(Params.MAIL_SPOOL_DIRECTORY).strip();
        this.spool = Path.of(spoolText).normalize();
        this.spoolIsMaildir = spoolText.endsWith("/");
        this.myhostname = config.str(Params.MYHOSTNAME);
        for (String d : config.list(Params.MYDESTINATION)) localDomains.add(d.toLowerCase(Locale.ROOT));
        this.cleanup = cleanup;
        this.passwd = new Passwd(passwdFile);
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public List<DeliveryStatus> deliver(DeliveryRequest req) {
        List<DeliveryStatus> out = new ArrayList<>();
        for (QueueFile.Recipient r : req.recipients()) {
            long t0 = System.nanoTime();
            DeliveryStatus s;
            try {
                s = deliverOne(req, r);
            } catch (IOException e) {
                s = DeliveryStatus.deferred(r, "4.2.0", "local", "cannot update mailbox: " + e.getMessage());
            } catch (TableException e) {
                s = DeliveryStatus.deferred(r, "4.3.0", "local", "alias database unavailable");
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            out.add(new DeliveryStatus(r, s.outcome(), s.dsn(), s.relay(), s.reason(), 0, secs));
        }
        return out;
    }

    private DeliveryStatus deliverOne(DeliveryRequest req, QueueFile.Recipient r) throws IOException {
        Address rcpt = Address.parse(r.address());
        List<String> done = new ArrayList<>();
        List<String> forwards = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String error = expand(rcpt.localPart().toLowerCase(Locale.ROOT), req, r.address(), seen, done, forwards, 0);
        if (error != null && done.isEmpty() && forwards.isEmpty()) {
            return DeliveryStatus.bounced(r, "5.1.1", "local", error);
        }
        if (!forwards.isEmpty()) forward(req, forwards);
        if (!done.isEmpty() && forwards.isEmpty()) {
            return DeliveryStatus.sent(r, "local", done.size() == 1 ? done.get(0) : "delivered to " + done.size() + " mailboxes", 0, 0);
        }
        return DeliveryStatus.sent(r, "local", forwards.isEmpty() ? "delivered" : "forwarded as " + String.join(", ", forwards), 0, 0);
    }

    /**
     * Expands one local name: through the aliases, else to a mailbox. Adds what it delivered to
     * {@code done} and remote addresses to {@code forwards}; returns an error text for an unknown user.
     */
    private String expand(String name, DeliveryRequest req, String rcpt, Set<String> seen,
                          List<String> done, List<String> forwards, int depth) throws IOException {
        if (depth > MAX_EXPANSION || !seen.add(name)) {
            return deliverToUser(name, req, rcpt, done);  // a name that aliases to itself is a user
        }
        String rhs = lookupAlias(name);
        if (rhs == null) return deliverToUser(name, req, rcpt, done);
        String error = null;
        for (String target : Aliases.targets(rhs)) {
            String t = target.strip();
            if (t.startsWith("\"") && t.endsWith("\"") && t.length() > 1) t = t.substring(1, t.length() - 1);
            if (t.startsWith("|") || t.startsWith("/") || t.startsWith(":include:")) {
                error = "unsupported alias target type: " + t;
                continue;
            }
            Address a = Address.parse(t);
            if (a.hasDomain() && !localDomains.contains(a.domainLower())) {
                forwards.add(a.toString());
                continue;
            }
            String e = expand(a.localPart().toLowerCase(Locale.ROOT), req, a.toString(), seen, done, forwards, depth + 1);
            if (e != null) error = e;
        }
        return error;
    }

    private String lookupAlias(String name) {
        for (String spec : aliasMaps) {
            Table t = tables.computeIfAbsent(spec, Tables::open);
            String v = t.get(name);
            if (v != null) return v;
        }
        return null;
    }

    private String deliverToUser(String user, DeliveryRequest req, String rcpt, List<String> done) throws IOException {
        Optional<Passwd.Account> account = passwd.lookup(user);
        if (account.isEmpty()) return "unknown user: \"" + user + "\"";
        FileOwner owner = Ownership.of(account.get());
        String deliveredTo = rcpt.indexOf('@') >= 0 ? rcpt : user + "@" + myhostname;
        if (!homeMailbox.isEmpty()) {
            Path box = account.get().home().resolve(homeMailbox).normalize();
            if (homeMailbox.endsWith("/")) {
                MailboxWriter.maildir(box, req, deliveredTo, myhostname, owner);
                done.add("delivered to maildir");
            } else {
                MailboxWriter.mbox(box, req, deliveredTo, owner);
                done.add("delivered to mailbox");
            }
        } else if (spoolIsMaildir) {
            MailboxWriter.maildir(spool.resolve(user), req, deliveredTo, myhostname, owner);
            done.add("delivered to maildir");
        } else {
            MailboxWriter.mbox(spool.resolve(user), req, deliveredTo, owner);
            done.add("delivered to mailbox");
        }
        return null;
    }

    /** Sends the message on to remote alias targets, as a new message with the same sender. */
    private void forward(DeliveryRequest req, List<String> targets) throws IOException {
        try (CleanupService.Transaction t = cleanup.open(CleanupService.Source.LOCAL)) {
            t.sender(Address.parse(req.sender()), "");
            for (String a : targets) t.recipient(Address.parse(a), a);
            req.forEachLine(t::line);
            t.commit();
        } catch (CleanupException e) {
            throw new IOException("cannot forward: " + e.reply(), e);
        }
    }
}
