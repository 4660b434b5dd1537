package mta.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import mta.cleanup.CleanupException;
import mta.cleanup.CleanupService;
import mta.deliver.DeliveryRequest;
import mta.deliver.MailboxWriter;
import mta.deliver.MessageCopy;
import mta.lookup.Aliases;
import mta.mail.Address;
import mta.mail.Smtputf8;
import mta.queue.QueueFile;
import mta.util.MacroExpand;
import mta.util.PosixAccounts;

/**
 * LocalDelivery - delivers one queue recipient: aliases, .forward, then the mailbox.
 *
 * <p>Reads alias tables, passwd, .forward and :include: files; writes mailboxes and files, runs
 * commands, and submits forwarded copies through cleanup. For a local name it tries, in order:
 * <ol>
 *   <li>{@code alias_maps}, first with the extension ({@code joe+lists}), then without
 *       ({@code joe}); each target of the alias is delivered by {@link #deliverTarget};
 *   <li>the UNIX account ({@link mta.util.PosixAccounts}); an unknown name goes to {@code luser_relay} when it is
 *       set, else bounces with {@code 5.1.1 unknown user: "name"};
 *   <li>the first file of {@code forward_path} that exists (its targets, with the user's rights);
 *   <li>{@code mailbox_command}, else {@code ~/$home_mailbox}, else
 *       {@code $mail_spool_directory/user} (Maildir when the name ends in {@code /}).
 * </ol>
 * A target is {@code |command}, {@code /file}, {@code :include:/file}, {@code &#92;user} (that user's
 * mailbox, nothing else), a remote address (forwarded) or a local name (delivered by the same steps).
 * A name found in its own alias expansion, or a user in his own .forward, goes to the mailbox. Each
 * mailbox, file, command and address gets the message once. The results are combined into one
 * status ({@link LocalResult#combine}).
 */
final class LocalDelivery {
    private static final int MAX_DEPTH = 100;

    /** Where a target was found; allow_mail_to_commands and allow_mail_to_files name these. */
    private enum Origin { ALIAS, FORWARD, INCLUDE;
        String word() { return name().toLowerCase(Locale.ROOT); }
    }

    private final LocalSettings s;
    private final DeliveryRequest req;
    private final QueueFile.Recipient rcpt;
    private final String deliveredTo;
    private final MessageCopy copy;
    private final List<LocalResult> results = new ArrayList<>();
    /** Remote targets, per envelope sender (an owner- alias changes the sender). */
    private final Map<String, List<String>> forwards = new LinkedHashMap<>();
    private final Set<String> delivered = new HashSet<>();
    private final Set<String> aliasesExpanded = new HashSet<>();
    private final Set<String> forwardsExpanded = new HashSet<>();
    private boolean luserRelayUsed;

    LocalDelivery(LocalSettings settings, DeliveryRequest req, QueueFile.Recipient rcpt, String deliveredTo) {
        this.s = settings;
        this.req = req;
        this.rcpt = rcpt;
        this.deliveredTo = deliveredTo;
        this.copy = new MessageCopy(req, rcpt.original() != null ? rcpt.original() : rcpt.address(), deliveredTo);
    }

    LocalResult run() {
        LocalAddress a = LocalAddress.parse(rcpt.address(), s.recipientDelimiter(), s.ownerRequestSpecial());
        deliverName(a, req.sender(), 0);
        forwardAll();
        return LocalResult.combine(results);
    }

    /** Steps 1 to 4 of the class comment, for one local name. */
    private void deliverName(LocalAddress a, String sender, int depth) {
        if (depth > MAX_DEPTH) {
            results.add(LocalResult.bounced("5.4.6", "mail forwarding loop for " + rcpt.address()));
            return;
        }
        LocalAliases.Hit alias = findAlias(a);
        if (alias != null) {
            aliasesExpanded.add(alias.name());
            String childSender = ownerSender(alias.name(), sender);
            Ownership rights = alias.file() == null ? Ownership.fileOwner(Path.of("/"), defaultPrivs())
                    : Ownership.fileOwner(alias.file(), defaultPrivs());
            for (String t : Aliases.targets(alias.value())) {
                deliverTarget(t, Origin.ALIAS, rights, null, childSender, a, depth + 1);
            }
            return;
        }
        Optional<PosixAccounts.User> account = PosixAccounts.user(s.passwd(), a.user());
        if (account.isEmpty()) {
            unknownUser(a, sender, depth);
            return;
        }
        PosixAccounts.User acct = account.get();
        if (forwardsExpanded.add(acct.name())) {
            try {
                Optional<LocalForward.Found> fwd = LocalForward.find(s.forwardPath(), variables(a, acct), s.forwardFilter());
                if (fwd.isPresent() && !fwd.get().targets().isEmpty()) {
                    Ownership rights = Ownership.user(acct, defaultPrivs());
                    for (String t : fwd.get().targets()) deliverTarget(t, Origin.FORWARD, rights, acct, sender, a, depth + 1);
                    return;
                }
            } catch (IOException e) {
                results.add(LocalResult.deferred("4.3.0", "cannot read .forward file of user " + acct.name() + ": "
                        + LocalFile.reason(e)));
                return;
            }
        }
        deliverMailbox(acct, a);
    }

    /** The alias for the name with its extension, else without; a name already being expanded is skipped. */
    private LocalAliases.Hit findAlias(LocalAddress a) {
        for (String key : a.extension().isEmpty() ? List.of(a.local()) : List.of(a.local(), a.user())) {
            if (aliasesExpanded.contains(key)) return null;
            LocalAliases.Hit hit = s.aliases().find(key);
            if (hit != null) return hit;
        }
        return null;
    }

    private void unknownUser(LocalAddress a, String sender, int depth) {
        if (!s.luserRelay().isEmpty() && !luserRelayUsed) {
            luserRelayUsed = true;
            String target = MacroExpand.expand(s.luserRelay(), variables(a, null), s.forwardFilter()).strip();
            deliverTarget(target, Origin.ALIAS, Ownership.NONE, null, sender, a, depth + 1);
            return;
        }
        results.add(LocalResult.bounced("5.1.1", "unknown user: \"" + a.user() + "\""));
    }

    /** Delivers one target of an alias, .forward or :include: file. */
    private void deliverTarget(String target, Origin origin, Ownership rights, PosixAccounts.User acct,
                               String sender, LocalAddress parent, int depth) {
        String t = target.strip();
        if (t.length() > 1 && t.startsWith("\"") && t.endsWith("\"")) t = t.substring(1, t.length() - 1);
        if (t.startsWith("|")) {
            String command = t.substring(1).strip();
            if (!s.allowCommands().contains(origin.word())) {
                results.add(LocalResult.bounced("5.7.1", "mail to command is restricted"));
            } else if (delivered.add("command:" + command)) {
                MessageCopy c = s.deliveredHeader().contains("command") ? copy : copy.deliveredTo(null);
                results.add(LocalCommand.run(command, s.shell(), environment(parent, acct), c, rights,
                        s.commandTimeLimit(), s.queueDirectory()));
            }
        } else if (t.startsWith(":include:")) {
            deliverInclude(t.substring(":include:".length()).strip(), acct, sender, parent, depth);
        } else if (t.startsWith("/")) {
            if (!s.allowFiles().contains(origin.word())) {
                results.add(LocalResult.bounced("5.7.1", "mail to file is restricted"));
            } else if (delivered.add("file:" + t)) {
                MessageCopy c = s.deliveredHeader().contains("file") ? copy : copy.deliveredTo(null);
                results.add(LocalFile.deliver(t, c, rights, s.myhostname(), s.mailboxSizeLimit()));
            }
        } else if (t.startsWith("\\")) {
            String user = t.substring(1).strip().toLowerCase(Locale.ROOT);
            Optional<PosixAccounts.User> a = PosixAccounts.user(s.passwd(), user);
            if (a.isEmpty()) results.add(LocalResult.bounced("5.1.1", "unknown user: \"" + user + "\""));
            else deliverMailbox(a.get(), parent.withLocal(user, "", false));
        } else {
            Address addr = Address.parse(t);
            if (addr.hasDomain() && !s.localDomains().contains(addr.domainLower())) {
                if (delivered.add("forward:" + addr.toString().toLowerCase(Locale.ROOT))) {
                    forwards.computeIfAbsent(sender, k -> new ArrayList<>()).add(addr.toString());
                }
                return;
            }
            String full = addr.hasDomain() ? addr.toString() : addr.localPart() + (parent.domain().isEmpty() ? "" : "@" + parent.domain());
            deliverName(LocalAddress.parse(full, s.recipientDelimiter(), s.ownerRequestSpecial()), sender, depth);
        }
    }

    /** Delivers to the targets listed in an :include: file, with the file owner's rights. */
    private void deliverInclude(String path, PosixAccounts.User acct, String sender, LocalAddress parent, int depth) {
        if (!path.startsWith("/")) {
            results.add(LocalResult.bounced("5.3.5", ":include: file must be an absolute path name: " + path));
            return;
        }
        if (!delivered.add("include:" + path)) return;
        Path file = Path.of(path);
        List<String> targets;
        try {
            targets = LocalForward.targets(file);
        } catch (java.nio.file.NoSuchFileException e) {
            results.add(LocalResult.bounced("5.3.5", "cannot open include file " + path + ": No such file or directory"));
            return;
        } catch (IOException e) {
            results.add(LocalResult.deferred("4.3.0", "cannot open include file " + path + ": " + LocalFile.reason(e)));
            return;
        }
        Ownership rights = acct != null ? Ownership.user(acct, defaultPrivs()) : Ownership.fileOwner(file, defaultPrivs());
        for (String t : targets) deliverTarget(t, Origin.INCLUDE, rights, acct, sender, parent, depth + 1);
    }

    /** Step 4: mailbox_command, home_mailbox or the spool. */
    private void deliverMailbox(PosixAccounts.User acct, LocalAddress a) {
        if (!delivered.add("mailbox:" + acct.name())) return;
        if (!s.mailboxCommand().isEmpty()) {
            MessageCopy c = s.deliveredHeader().contains("command") ? copy : copy.deliveredTo(null);
            results.add(LocalCommand.run(s.mailboxCommand(), s.shell(), environment(a, acct), c,
                    Ownership.user(acct, defaultPrivs()), s.commandTimeLimit(), s.queueDirectory()));
            return;
        }
        MessageCopy c = s.deliveredHeader().contains("file") ? copy : copy.deliveredTo(null);
        Ownership owner = Ownership.mailbox(acct);
        boolean maildir;
        Path box;
        if (!s.homeMailbox().isEmpty()) {
            box = acct.home().resolve(s.homeMailbox()).normalize();
            maildir = s.homeMailbox().endsWith("/");
        } else {
            box = s.spool().resolve(acct.name());
            maildir = s.spoolIsMaildir();
        }
        try {
            if (maildir) {
                MailboxWriter.maildir(box, c, s.myhostname(), owner.fileOwner(), s.mailboxSizeLimit());
                results.add(LocalResult.sent("delivered to maildir"));
            } else {
                MailboxWriter.mbox(box, c, owner.fileOwner(), s.mailboxSizeLimit());
                results.add(LocalResult.sent("delivered to mailbox"));
            }
        } catch (MailboxWriter.TooLarge e) {
            results.add(LocalResult.bounced("5.2.2", "cannot update mailbox " + box + " for user " + acct.name()
                    + ". error writing message: " + e.getMessage()));
        } catch (IOException e) {
            results.add(LocalResult.deferred("4.2.0", "cannot update mailbox " + box + " for user " + acct.name()
                    + ". " + LocalFile.reason(e)));
        }
    }

    /** The sender for mail expanded from {@code alias}: owner-alias when that alias exists. */
    private String ownerSender(String alias, String sender) {
        if (!s.ownerRequestSpecial() || alias.startsWith("owner-") || sender.isEmpty()) return sender;
        LocalAliases.Hit owner = s.aliases().find("owner-" + alias);
        if (owner == null) return sender;
        if (s.expandOwnerAlias()) {
            List<String> targets = Aliases.targets(owner.value());
            if (targets.size() == 1 && targets.get(0).indexOf('@') > 0) return targets.get(0);
        }
        return "owner-" + alias + "@" + s.myorigin();
    }

    /** Submits the collected remote targets through cleanup, one new message per sender. */
    private void forwardAll() {
        for (Map.Entry<String, List<String>> f : forwards.entrySet()) {
            try (CleanupService.Transaction t = s.cleanup().open(CleanupService.Source.LOCAL)) {
                t.sender(f.getKey().isEmpty() ? Address.NULL_SENDER : Address.parse(f.getKey()), "");
                for (String a : f.getValue()) t.recipient(Address.parse(a), a);
                // what the original needs from the next hop, the forwarded copy needs too
                for (String name : List.of("encoding", Smtputf8.ATTRIBUTE)) {
                    String v = req.attributes().get(name);
                    if (v != null && !v.isEmpty()) t.attribute(name, v);
                }
                if (s.deliveredHeader().contains("forward")) {
                    byte[] h = ("Delivered-To: " + deliveredTo).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    t.line(h, h.length);
                }
                req.forEachLine(t::line);
                results.add(LocalResult.sent("forwarded as " + t.commit()));
            } catch (CleanupException e) {
                results.add(LocalResult.deferred("4.3.0", "cannot forward: " + e.reply()));
            } catch (IOException e) {
                results.add(LocalResult.deferred("4.3.0", "cannot forward: " + LocalFile.reason(e)));
            }
        }
    }

    private Optional<PosixAccounts.User> defaultPrivs() {
        return PosixAccounts.user(s.passwd(), s.defaultPrivs());
    }

    /** The variables of forward_path and luser_relay. */
    private Map<String, String> variables(LocalAddress a, PosixAccounts.User acct) {
        Map<String, String> v = new HashMap<>();
        v.put("user", acct != null ? acct.name() : a.user());
        v.put("home", acct != null ? acct.home().toString() : "");
        v.put("shell", acct != null ? acct.shell() : "");
        v.put("recipient", a.address().toLowerCase(Locale.ROOT));
        v.put("extension", a.extension());
        v.put("domain", a.domain());
        v.put("local", a.local());
        v.put("recipient_delimiter", a.delimiter());
        return v;
    }

    /** The environment of a command, filtered through command_expansion_filter. */
    private Map<String, String> environment(LocalAddress a, PosixAccounts.User acct) {
        Map<String, String> env = new LinkedHashMap<>();
        String user = acct != null ? acct.name() : a.user();
        env.put("USER", user);
        env.put("LOGNAME", user);
        if (acct != null) {
            env.put("HOME", acct.home().toString());
            env.put("SHELL", acct.shell());
        }
        env.put("LOCAL", a.local());
        env.put("DOMAIN", a.domain());
        if (!a.extension().isEmpty()) env.put("EXTENSION", a.extension());
        env.put("RECIPIENT", a.address().toLowerCase(Locale.ROOT));
        env.put("SENDER", req.sender());
        env.put("ORIGINAL_RECIPIENT", rcpt.original() != null ? rcpt.original() : rcpt.address());
        Map<String, String> attrs = req.attributes() == null ? Map.of() : req.attributes();
        putAttr(env, "CLIENT_ADDRESS", attrs, "log_client_address", "client_address");
        putAttr(env, "CLIENT_HOSTNAME", attrs, "log_client_name", "client_name");
        putAttr(env, "CLIENT_HELO", attrs, "log_helo_name", "helo_name");
        putAttr(env, "CLIENT_PROTOCOL", attrs, "log_protocol_name", "protocol_name");
        putAttr(env, "SASL_METHOD", attrs, "sasl_method", "sasl_method");
        putAttr(env, "SASL_USERNAME", attrs, "sasl_username", "sasl_username");
        putAttr(env, "SASL_SENDER", attrs, "sasl_sender", "sasl_sender");
        env.replaceAll((k, v) -> filter(v, s.commandFilter()));
        return env;
    }

    private static void putAttr(Map<String, String> env, String var, Map<String, String> attrs, String... names) {
        for (String n : names) {
            String v = attrs.get(n);
            if (v != null && !v.isEmpty()) {
                env.put(var, v);
                return;
            }
        }
    }

    private static String filter(String v, String allowed) {
        StringBuilder out = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) out.append(allowed.indexOf(v.charAt(i)) >= 0 ? v.charAt(i) : '_');
        return out.toString();
    }
}
