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
import mta.deliver.DeliveryPass;
import mta.deliver.DeliveryRequest;
import mta.deliver.Recipient;
import mta.deliver.UserFiles;
import mta.deliver.MessageCopy;
import mta.lookup.Aliases;
import mta.lookup.TableException;
import mta.mail.Address;
import mta.mail.Dsn;
import mta.mail.MailAttributes;
import mta.mail.Smtputf8;
import mta.util.MacroExpand;
import mta.util.PosixAccounts;
import mta.util.SafeOpen;

/**
 * LocalDelivery - delivers one queue recipient: aliases, .forward, then the mailbox.
 *
 * <p>Reads alias tables, passwd, .forward and :include: files; writes mailboxes and files, runs
 * commands, and submits forwarded copies through cleanup. For a local name it tries, in order:
 * <ol>
 *   <li>{@code alias_maps}, first with the extension ({@code joe+lists}), then without
 *       ({@code joe}); each target of the alias is delivered by {@link #deliverTarget};
 *   <li>the UNIX account ({@link mta.util.PosixAccounts}); an unknown name has no .forward and goes
 *       on to step 4, whose last resorts are {@code luser_relay} when it is set, else a bounce with
 *       {@code 5.1.1 unknown user: "name"};
 *   <li>the first file of {@code forward_path} that exists (its targets, with the user's rights);
 *   <li>{@code mailbox_transport_maps} or {@code mailbox_transport} (a UNIX account or not: the
 *       mailbox is handed to that transport, such as Dovecot's LMTP, through {@link DeliveryPass});
 *       else, for an account, {@code mailbox_command}, else {@code ~/$home_mailbox}, else
 *       {@code $mail_spool_directory/user} (Maildir when the name ends in {@code /}); for a name
 *       nobody knows, {@code fallback_transport_maps} or {@code fallback_transport}, before
 *       {@code luser_relay}.
 * </ol>
 * A target is {@code |command}, {@code /file}, {@code :include:/file}, {@code &#92;user} (that user's
 * mailbox, nothing else), a remote address (forwarded) or a local name (delivered by the same steps).
 * A name found in the alias it came from ({@code joe: joe, ann}), or a user in his own .forward,
 * goes to the mailbox; a name found again further up the chain of aliases ({@code a: b}, {@code b:
 * a}) bounces with {@code 5.4.6 alias database loop for b}. Each mailbox, file, command and
 * address gets the message once. The results are combined into one status ({@link LocalResult#combine}).
 *
 * <p>Files are read and written with the rights {@link Ownership} gives (never root's on a user's
 * behalf), and the warnings Postfix's local(8) logs go to the mail log: {@code file PATH has bad
 * owner uid N}, {@code cannot open include file PATH: Permission denied}, and so on. Nothing read
 * with a user's rights that the user could not read reaches a log line or a bounce: only names and
 * the C library's error texts do.
 */
final class LocalDelivery {
    private static final int MAX_DEPTH = 100;

    /** Where a target was found; allow_mail_to_commands and allow_mail_to_files name these. */
    private enum Origin { ALIAS, FORWARD, INCLUDE;
        String word() { return name().toLowerCase(Locale.ROOT); }
    }

    /**
     * Where a target was found and whose rights apply: {@code readAs} for the :include: files it
     * names (null: an alias table root owns, see {@link #includeReader}), {@code deliverAs} for its
     * commands and files, {@code acct} the user whose .forward it is (or null).
     */
    private record Context(Origin origin, Ownership readAs, Ownership deliverAs, PosixAccounts.User acct) {}

    private final LocalSettings s;
    private final DeliveryRequest req;
    private final Recipient rcpt;
    private final String deliveredTo;
    private final MessageCopy copy;
    /** Hands a mailbox to mailbox_transport or fallback_transport. */
    private final DeliveryPass pass;
    private final List<LocalResult> results = new ArrayList<>();
    /** Remote targets, per envelope sender (an owner- alias changes the sender). */
    private final Map<String, List<String>> forwards = new LinkedHashMap<>();
    private final Set<String> delivered = new HashSet<>();
    /** The aliases being expanded, outermost first: a name found here again is a loop. */
    private final List<String> aliasChain = new ArrayList<>();
    private final Set<String> forwardsExpanded = new HashSet<>();
    private boolean luserRelayUsed;

    LocalDelivery(LocalSettings settings, DeliveryRequest req, Recipient rcpt, String deliveredTo,
                  DeliveryPass pass) {
        this.pass = pass;
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
            results.add(LocalResult.bounced(Dsn.ROUTING_LOOP, "mail forwarding loop for " + rcpt.address()));
            return;
        }
        LocalAliases.Hit alias;
        try {
            alias = findAlias(a);
        } catch (AliasLoop loop) {
            s.log().warn("alias database loop for " + loop.getMessage());
            results.add(LocalResult.bounced(Dsn.ROUTING_LOOP, "alias database loop for " + loop.getMessage()));
            return;
        }
        if (alias != null) {
            String childSender = ownerSender(alias.name(), sender);
            Ownership rights = alias.file() == null ? Ownership.owner(0, 0, defaultPrivs(), s.defaultPrivs())
                    : Ownership.fileOwner(alias.file(), defaultPrivs(), s.defaultPrivs());
            Ownership readAs = alias.file() == null ? null : tableReader(alias.file());
            Context ctx = new Context(Origin.ALIAS, readAs, rights, null);
            aliasChain.add(alias.name());
            try {
                for (String t : Aliases.targets(alias.value())) deliverTarget(t, ctx, childSender, a, depth + 1);
            } finally {
                aliasChain.remove(aliasChain.size() - 1);
            }
            return;
        }
        Optional<PosixAccounts.User> account = PosixAccounts.user(s.passwd(), a.user());
        if (account.isEmpty()) {
            if (!passMailbox(a)) unknownUser(a, sender, depth);
            return;
        }
        PosixAccounts.User acct = account.get();
        if (forwardsExpanded.add(acct.name())) {
            try {
                Optional<LocalForward.Found> fwd = LocalForward.find(s.forwardPath(), variables(a, acct), s.forwardFilter(),
                        Ownership.account(acct).files(), acct.uid(), s.log()::warn);
                if (fwd.isPresent() && !fwd.get().targets().isEmpty()) {
                    Ownership rights = Ownership.user(acct, defaultPrivs());
                    Context ctx = new Context(Origin.FORWARD, Ownership.account(acct), rights, acct);
                    for (String t : fwd.get().targets()) deliverTarget(t, ctx, sender, a, depth + 1);
                    return;
                }
            } catch (IOException e) {
                results.add(LocalResult.deferred(Dsn.TEMPORARY_SYSTEM_ERROR, "cannot read .forward file of user " + acct.name() + ": "
                        + LocalFile.reason(e)));
                return;
            }
        }
        if (!passMailbox(a)) deliverMailbox(acct, a);
    }

    /**
     * mailbox_transport_maps, then mailbox_transport: when one names a transport, the mailbox of
     * this name goes there (once), account or not, and the result is true.
     */
    private boolean passMailbox(LocalAddress a) {
        String transport;
        try {
            transport = s.transports().mailbox(a.user());
        } catch (TableException e) {
            s.log().warn("mailbox_transport_maps lookup for " + a.user() + ": " + e.getMessage());
            results.add(LocalResult.deferred(Dsn.TEMPORARY_SYSTEM_ERROR, "table lookup failure"));
            return true;
        }
        if (transport == null) return false;
        if (delivered.add("mailbox:" + a.user())) {
            results.add(LocalTransports.pass(pass, transport, req, rcpt, a.address()));
        }
        return true;
    }

    /** A name found again higher up in the chain of aliases; the message names the alias Postfix reports. */
    private static final class AliasLoop extends Exception {
        AliasLoop(String alias) {
            super(alias, null, false, false);
        }
    }

    /**
     * The alias for the name with its extension, else without. The alias the name came from
     * directly is not looked up again (the user's own mailbox: {@code joe: joe, ann}); an alias
     * higher up in the chain is a loop.
     */
    private LocalAliases.Hit findAlias(LocalAddress a) throws AliasLoop {
        for (String key : a.extension().isEmpty() ? List.of(a.local()) : List.of(a.local(), a.user())) {
            int at = aliasChain.indexOf(key);
            if (at >= 0 && at == aliasChain.size() - 1) return null;
            if (at >= 0) throw new AliasLoop(aliasChain.get(at + 1));
            LocalAliases.Hit hit = s.aliases().find(key);
            if (hit != null) return hit;
        }
        return null;
    }

    /** The rights to read the :include: files of an alias table: its owner's; null when root owns it. */
    private Ownership tableReader(java.nio.file.Path table) {
        if (!Ownership.ROOT) return Ownership.OWN;
        try {
            SafeOpen.Attrs t = SafeOpen.attrs(table, true);
            return t.uid() == 0 ? null : Ownership.of(t.uid(), t.gid());
        } catch (IOException e) {
            return Ownership.owner(0, 0, defaultPrivs(), s.defaultPrivs());
        }
    }

    /**
     * Who reads an :include: file that a root-owned alias table names: root, when only root can
     * change what the name leads to (a directory root owns that nobody else may write to, or
     * root's own file in a sticky directory root owns); otherwise the owner of the directory or of
     * the file, so that a user who controls the name gets nothing the user could not read anyway.
     */
    private Ownership includeReader(java.nio.file.Path file) {
        if (!Ownership.ROOT) return Ownership.OWN;
        try {
            java.nio.file.Path parent = file.toAbsolutePath().getParent();
            SafeOpen.Attrs dir = SafeOpen.attrs(parent == null ? java.nio.file.Path.of("/") : parent, true);
            if (dir.uid() != 0) return Ownership.of(dir.uid(), dir.gid());
            if ((dir.perms() & 022) == 0) return Ownership.OWN;
            SafeOpen.Attrs entry = SafeOpen.attrs(file, false);
            if (entry.uid() != 0) return Ownership.of(entry.uid(), entry.gid());
            if ((dir.perms() & 01000) != 0) return Ownership.OWN;
        } catch (IOException e) {
            // a name that cannot be looked at: the least privileged choice
        }
        return Ownership.owner(0, 0, defaultPrivs(), s.defaultPrivs());
    }

    /** fallback_transport_maps, fallback_transport, luser_relay, else 5.1.1. */
    private void unknownUser(LocalAddress a, String sender, int depth) {
        String fallback;
        try {
            fallback = s.transports().fallback(a.user());
        } catch (TableException e) {
            s.log().warn("fallback_transport_maps lookup for " + a.user() + ": " + e.getMessage());
            results.add(LocalResult.deferred(Dsn.TEMPORARY_SYSTEM_ERROR, "table lookup failure"));
            return;
        }
        if (fallback != null) {
            if (delivered.add("fallback:" + a.user())) {
                results.add(LocalTransports.pass(pass, fallback, req, rcpt, a.address()));
            }
            return;
        }
        if (!s.luserRelay().isEmpty() && !luserRelayUsed) {
            luserRelayUsed = true;
            String target = MacroExpand.expand(s.luserRelay(), variables(a, null), s.forwardFilter()).strip();
            Ownership rights = Ownership.owner(0, 0, defaultPrivs(), s.defaultPrivs());
            deliverTarget(target, new Context(Origin.ALIAS, rights, rights, null), sender, a, depth + 1);
            return;
        }
        results.add(LocalResult.bounced(Dsn.BAD_DESTINATION_MAILBOX, "unknown user: \"" + a.user() + "\""));
    }

    /** Delivers one target of an alias, .forward or :include: file. */
    private void deliverTarget(String target, Context ctx, String sender, LocalAddress parent, int depth) {
        String t = target.strip();
        if (t.length() > 1 && t.startsWith("\"") && t.endsWith("\"")) t = t.substring(1, t.length() - 1);
        if (t.startsWith("|")) {
            String command = t.substring(1).strip();
            if (!s.allowCommands().contains(ctx.origin().word())) {
                results.add(LocalResult.bounced(Dsn.NOT_AUTHORIZED, "mail to command is restricted"));
            } else if (delivered.add("command:" + command)) {
                MessageCopy c = s.deliveredHeader().contains("command") ? copy : copy.deliveredTo(null);
                results.add(LocalCommand.run(command, s.shell(), environment(parent, ctx.acct()), c, ctx.deliverAs(),
                        s.commandTimeLimit(), s.queueDirectory()));
            }
        } else if (t.startsWith(":include:")) {
            deliverInclude(t.substring(":include:".length()).strip(), ctx, sender, parent, depth);
        } else if (t.startsWith("/")) {
            if (!s.allowFiles().contains(ctx.origin().word())) {
                results.add(LocalResult.bounced(Dsn.NOT_AUTHORIZED, "mail to file is restricted"));
            } else if (delivered.add("file:" + t)) {
                MessageCopy c = s.deliveredHeader().contains("file") ? copy : copy.deliveredTo(null);
                results.add(LocalFile.deliver(t, c, ctx.deliverAs(), s.myhostname(), s.mailboxSizeLimit(), s.log()::warn));
            }
        } else if (t.startsWith("\\")) {
            String user = t.substring(1).strip().toLowerCase(Locale.ROOT);
            Optional<PosixAccounts.User> a = PosixAccounts.user(s.passwd(), user);
            LocalAddress mailbox = parent.withLocal(user, "", false);
            if (passMailbox(mailbox)) return;
            if (a.isEmpty()) results.add(LocalResult.bounced(Dsn.BAD_DESTINATION_MAILBOX, "unknown user: \"" + user + "\""));
            else deliverMailbox(a.get(), mailbox);
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

    /**
     * Delivers to the targets listed in an :include: file. The file is read with the rights of the
     * context (the user of a .forward; see {@link #includeReader} for a root-owned alias table);
     * its targets are delivered with the include file owner's rights, default_privs when root owns
     * it. A file that cannot be read bounces with 5.3.5 "mail system configuration error" and
     * Postfix's warning in the log; its content never reaches either.
     */
    private void deliverInclude(String path, Context ctx, String sender, LocalAddress parent, int depth) {
        if (!path.startsWith("/")) {
            s.log().warn(":include: file " + path + " is not an absolute path name");
            results.add(LocalResult.bounced(Dsn.SYSTEM_MISCONFIGURED, "mail system configuration error"));
            return;
        }
        if (!delivered.add("include:" + path)) return;
        java.nio.file.Path file = java.nio.file.Path.of(path);
        Ownership reader = ctx.readAs() != null ? ctx.readAs() : includeReader(file);
        UserFiles.Read read;
        try {
            read = reader.files().read(file, true);
        } catch (java.nio.file.NoSuchFileException e) {
            s.log().warn("unable to lookup :include: file " + path + ": No such file or directory");
            results.add(LocalResult.bounced(Dsn.SYSTEM_MISCONFIGURED, "mail system configuration error"));
            return;
        } catch (SafeOpen.Refused e) {
            s.log().warn(":include: file " + path + " is not a regular file");
            results.add(LocalResult.bounced(Dsn.SYSTEM_MISCONFIGURED, "mail system configuration error"));
            return;
        } catch (java.nio.file.FileSystemException e) {
            s.log().warn("cannot open include file " + path + ": " + LocalFile.reason(e));
            results.add(LocalResult.bounced(Dsn.SYSTEM_MISCONFIGURED, "mail system configuration error"));
            return;
        } catch (IOException e) {
            s.log().warn("cannot open include file " + path + ": " + LocalFile.reason(e));
            results.add(LocalResult.deferred(Dsn.TEMPORARY_SYSTEM_ERROR, "mail system configuration error"));
            return;
        }
        Ownership rights;
        Ownership readAs;
        if (read.owner() != 0) {
            int gid = PosixAccounts.user(s.passwd(), read.owner()).map(PosixAccounts.User::gid).orElse(-1);
            if (gid < 0) gid = ownerGroup(file);
            rights = Ownership.of(read.owner(), gid);
            readAs = rights;
        } else {
            rights = Ownership.owner(0, 0, defaultPrivs(), s.defaultPrivs());
            readAs = ctx.readAs() != null ? ctx.readAs() : reader;
        }
        Context inner = new Context(Origin.INCLUDE, readAs, rights, ctx.acct());
        for (String t : LocalForward.targets(read.data())) deliverTarget(t, inner, sender, parent, depth + 1);
    }

    private static int ownerGroup(java.nio.file.Path file) {
        try {
            return SafeOpen.attrs(file, true).gid();
        } catch (IOException e) {
            return 65534;
        }
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
        LocalMailbox box = !s.homeMailbox().isEmpty()
                ? LocalMailbox.home(acct, s.homeMailbox())
                : LocalMailbox.spool(acct, s.spool(), s.spoolIsMaildir());
        results.add(box.deliver(c, s.myhostname(), s.mailboxSizeLimit(), s.log()::warn));
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
                for (String name : List.of(MailAttributes.ENCODING, Smtputf8.ATTRIBUTE)) {
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
                results.add(LocalResult.deferred(Dsn.TEMPORARY_SYSTEM_ERROR, "cannot forward: " + e.reply()));
            } catch (IOException e) {
                results.add(LocalResult.deferred(Dsn.TEMPORARY_SYSTEM_ERROR, "cannot forward: " + LocalFile.reason(e)));
            }
        }
    }

    private Optional<PosixAccounts.User> defaultPrivs() {
        if (s.defaultPrivs().isEmpty()) return Optional.empty();
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
        putAttr(env, "CLIENT_ADDRESS", attrs, MailAttributes.LOG_CLIENT_ADDRESS, MailAttributes.CLIENT_ADDRESS);
        putAttr(env, "CLIENT_HOSTNAME", attrs, MailAttributes.LOG_CLIENT_NAME, MailAttributes.CLIENT_NAME);
        putAttr(env, "CLIENT_HELO", attrs, MailAttributes.LOG_HELO_NAME, MailAttributes.HELO_NAME);
        putAttr(env, "CLIENT_PROTOCOL", attrs, MailAttributes.LOG_PROTOCOL_NAME, MailAttributes.PROTOCOL_NAME);
        putAttr(env, "SASL_METHOD", attrs, MailAttributes.SASL_METHOD, MailAttributes.SASL_METHOD);
        putAttr(env, "SASL_USERNAME", attrs, MailAttributes.SASL_USERNAME, MailAttributes.SASL_USERNAME);
        putAttr(env, "SASL_SENDER", attrs, MailAttributes.SASL_SENDER, MailAttributes.SASL_SENDER);
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
