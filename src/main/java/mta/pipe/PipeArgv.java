package mta.pipe;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import mta.deliver.Recipient;
import mta.mail.MailAttributes;

/**
 * PipeArgv - expands the {@code ${name}} macros of a pipe service's {@code argv=} into the
 * command's arguments (pipe(8) "COMMAND ATTRIBUTE SYNTAX").
 *
 * <p>Reads the delivery's values ({@link Values}); writes nothing. {@code $name}, {@code ${name}}
 * and {@code $(name)} are macros, {@code $$} is a dollar sign; a value is inserted as it is and
 * never expanded again (addresses may contain {@code $}). An argument that names a recipient macro
 * ({@code recipient}, {@code original_recipient}, {@code user}, {@code extension},
 * {@code mailbox}, {@code domain}) becomes one argument per recipient; an argument whose
 * {@code ${user}} is empty for a recipient ({@code +list@example.com}) is left out for that
 * recipient. Flags: {@code q} quotes the local part of {@code $sender}, {@code $recipient} and
 * {@code $original_recipient}; {@code h} lower-cases the domain of those two and all of
 * {@code $domain} and {@code $nexthop}; {@code u} lower-cases their local part (and so
 * {@code $user}, {@code $extension}, {@code $mailbox}). An unknown name is an {@link UnknownMacro}.
 */
final class PipeArgv {
    /** The macros that depend on the recipient. */
    static final Set<String> PER_RECIPIENT = Set.of("recipient", "original_recipient", "user", "extension",
            "mailbox", "domain");
    /** The macros that are the same for every recipient. */
    static final Set<String> PER_MESSAGE = Set.of("sender", "nexthop", "size", "queue_id", "client_address",
            "client_helo", "client_hostname", "client_port", "client_protocol", "sasl_method", "sasl_sender",
            "sasl_username");

    private PipeArgv() {}

    /** A macro name pipe(8) does not know. */
    static final class UnknownMacro extends Exception {
        UnknownMacro(String name) {
            super(name);
        }
    }

    /**
     * What the macros stand for: the per-message values (by macro name, already folded and quoted)
     * and how recipients are folded and split.
     */
    record Values(Map<String, String> message, Set<PipeFlag> flags, String recipientDelimiter,
                  boolean ownerRequestSpecial) {}

    /**
     * The per-message values: {@code sender} (the null_sender replacement already applied; quoted
     * with {@code q} unless empty), {@code nexthop} (lower-cased with {@code h}), the size, the
     * queue ID, and the client and SASL facts from the queue file's named attributes
     * ({@code log_client_address}, ... as smtpd records them).
     */
    static Map<String, String> messageValues(Set<PipeFlag> flags, String sender, String nexthop, long size,
                                             String queueId, Map<String, String> attr) {
        Map<String, String> v = new java.util.HashMap<>();
        v.put("sender", !sender.isEmpty() && flags.contains(PipeFlag.QUOTE_LOCAL) ? quoteLocal(sender) : sender);
        v.put("nexthop", flags.contains(PipeFlag.FOLD_HOST) ? nexthop.toLowerCase(Locale.ROOT) : nexthop);
        v.put("size", Long.toString(size));
        v.put("queue_id", queueId);
        v.put("client_address", attribute(attr, MailAttributes.LOG_CLIENT_ADDRESS, MailAttributes.CLIENT_ADDRESS));
        v.put("client_hostname", attribute(attr, MailAttributes.LOG_CLIENT_NAME, MailAttributes.CLIENT_NAME));
        v.put("client_helo", attribute(attr, MailAttributes.LOG_HELO_NAME, MailAttributes.HELO_NAME));
        v.put("client_port", attribute(attr, MailAttributes.LOG_CLIENT_PORT, MailAttributes.CLIENT_PORT));
        v.put("client_protocol", attribute(attr, MailAttributes.LOG_PROTOCOL_NAME, MailAttributes.PROTOCOL_NAME));
        v.put("sasl_method", attribute(attr, MailAttributes.SASL_METHOD));
        v.put("sasl_username", attribute(attr, MailAttributes.SASL_USERNAME));
        v.put("sasl_sender", attribute(attr, MailAttributes.SASL_SENDER));
        return v;
    }

    private static String attribute(Map<String, String> attr, String... names) {
        for (String n : names) {
            String v = attr.get(n);
            if (v != null && !v.isEmpty()) return v;
        }
        return "";
    }

    /** The arguments for {@code recipients}. */
    static List<String> expand(List<String> argv, Values v, List<Recipient> recipients) throws UnknownMacro {
        List<String> out = new ArrayList<>();
        for (String arg : argv) {
            Set<String> names = names(arg);
            boolean perRecipient = false;
            for (String n : names) {
                if (PER_RECIPIENT.contains(n)) perRecipient = true;
                else if (!PER_MESSAGE.contains(n)) throw new UnknownMacro(n);
            }
            if (!perRecipient) {
                out.add(substitute(arg, v.message()));
                continue;
            }
            for (Recipient r : recipients) {
                Map<String, String> values = new java.util.HashMap<>(v.message());
                String address = r.address();
                String original = r.original() != null && !r.original().isEmpty() ? r.original() : address;
                values.put("recipient", morph(address, v.flags(), true));
                values.put("original_recipient", morph(original, v.flags(), true));
                String folded = morph(address, v.flags(), false);
                int at = folded.lastIndexOf('@');
                String local = at < 0 ? folded : folded.substring(0, at);
                String[] userExt = split(local, v.recipientDelimiter(), v.ownerRequestSpecial());
                if (names.contains("user") && userExt[0].isEmpty()) continue;
                values.put("user", userExt[0]);
                values.put("extension", userExt[1]);
                values.put("mailbox", local);
                values.put("domain", at < 0 ? "" : folded.substring(at + 1));
                out.add(substitute(arg, values));
            }
        }
        return out;
    }

    /** The macro names that {@code arg} uses. */
    static Set<String> names(String arg) {
        Set<String> out = new LinkedHashSet<>();
        scan(arg, null, out);
        return out;
    }

    private static String substitute(String arg, Map<String, String> values) {
        return scan(arg, values, null);
    }

    /** Walks the macros of {@code arg}: collects their names, or replaces them with values. */
    private static String scan(String arg, Map<String, String> values, Set<String> names) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < arg.length()) {
            char c = arg.charAt(i);
            if (c != '$' || i + 1 >= arg.length()) {
                out.append(c);
                i++;
                continue;
            }
            char n = arg.charAt(i + 1);
            String name;
            if (n == '$') {
                out.append('$');
                i += 2;
                continue;
            } else if (n == '{' || n == '(') {
                int end = arg.indexOf(n == '{' ? '}' : ')', i + 2);
                if (end < 0) {
                    out.append(arg, i, arg.length());
                    break;
                }
                name = arg.substring(i + 2, end).strip();
                i = end + 1;
            } else if (Character.isLetterOrDigit(n) || n == '_') {
                int j = i + 1;
                while (j < arg.length() && (Character.isLetterOrDigit(arg.charAt(j)) || arg.charAt(j) == '_')) j++;
                name = arg.substring(i + 1, j);
                i = j;
            } else {
                out.append(c);
                i++;
                continue;
            }
            if (names != null) names.add(name);
            if (values != null) out.append(values.getOrDefault(name, ""));
        }
        return out.toString();
    }

    /**
     * An address as the flags want it: {@code q} quotes the local part (only when {@code quote}),
     * {@code h} lower-cases the domain, {@code u} the local part (all of it when there is no @).
     */
    static String morph(String address, Set<PipeFlag> flags, boolean quote) {
        String a = quote && flags.contains(PipeFlag.QUOTE_LOCAL) ? quoteLocal(address) : address;
        boolean host = flags.contains(PipeFlag.FOLD_HOST);
        boolean user = flags.contains(PipeFlag.FOLD_USER);
        int at = a.lastIndexOf('@');
        if (user && (host || at < 0)) return a.toLowerCase(Locale.ROOT);
        if (user) return a.substring(0, at).toLowerCase(Locale.ROOT) + a.substring(at);
        if (host && at >= 0) return a.substring(0, at + 1) + a.substring(at + 1).toLowerCase(Locale.ROOT);
        return a;
    }

    /**
     * The user name and the extension of a local part: split at the first character that is in
     * {@code delimiters}; no split when there is none, or (with owner_request_special and a
     * {@code -} delimiter) for {@code owner-x} and {@code x-request}.
     */
    static String[] split(String local, String delimiters, boolean ownerRequestSpecial) {
        if (delimiters.isEmpty() || local.isEmpty()) return new String[] {local, ""};
        if (ownerRequestSpecial && delimiters.indexOf('-') >= 0) {
            String l = local.toLowerCase(Locale.ROOT);
            if (l.startsWith("owner-") || (l.length() > 8 && l.endsWith("-request"))) return new String[] {local, ""};
        }
        for (int i = 0; i < local.length(); i++) {
            if (delimiters.indexOf(local.charAt(i)) >= 0) {
                return new String[] {local.substring(0, i), local.substring(i + 1)};
            }
        }
        return new String[] {local, ""};
    }

    /**
     * The address with its local part quoted when RFC 822 requires it ({@code "john doe"@example.com});
     * 8-bit characters need no quotes. An empty address stays empty.
     */
    static String quoteLocal(String address) {
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        if (local.isEmpty() || (local.startsWith("\"") && local.endsWith("\"") && local.length() > 1)
                || !needsQuotes(local)) {
            return address;
        }
        StringBuilder q = new StringBuilder("\"");
        for (char c : local.toCharArray()) {
            if (c == '"' || c == '\\' || c == '\r') q.append('\\');
            q.append(c);
        }
        q.append('"');
        return at < 0 ? q.toString() : q + address.substring(at);
    }

    private static boolean needsQuotes(String local) {
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) return true;
        for (char c : local.toCharArray()) {
            if (c >= 0x80) continue;
            if (c <= ' ' || c == 0x7f || "()<>@,;:\\\".[]".indexOf(c) >= 0 && c != '.') return true;
        }
        return false;
    }
}
