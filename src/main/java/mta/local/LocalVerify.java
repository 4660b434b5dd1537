package mta.local;

import java.util.List;
import java.util.Optional;
import mta.deliver.DeliveryPass;
import mta.deliver.DeliveryRequest;
import mta.deliver.Recipient;
import mta.mail.Dsn;
import mta.util.PosixAccounts;

/**
 * LocalVerify - local(8) for an address verification probe: where mail for the address would
 * go, with nothing delivered, no command run and no file written.
 *
 * <p>Reads the alias tables (with the address extension, then without), the password file and
 * the settings that choose the mailbox. An alias or an account is deliverable ({@code aliased to
 * ...}, {@code delivers to mailbox}, {@code delivers to maildir}, {@code delivers to command:
 * ...}); an unknown name is too when {@code luser_relay} catches it, else it bounces with
 * {@code 5.1.1 unknown user: "name"}, as delivery would. A .forward file is not read: it belongs to
 * the user, and the account alone says the address exists. Where mailbox_transport or
 * fallback_transport would take the name, the probe goes on to that transport ({@link DeliveryPass}:
 * an LMTP server answers RCPT TO, and nothing is delivered). A failing table throws, as in
 * delivery ({@link LocalAgent} defers).
 */
final class LocalVerify {
    private LocalVerify() {}

    static LocalResult check(LocalSettings s, DeliveryRequest req, Recipient rcpt, DeliveryPass pass) {
        LocalAddress a = LocalAddress.parse(rcpt.address(), s.recipientDelimiter(), s.ownerRequestSpecial());
        for (String key : a.extension().isEmpty() ? List.of(a.local()) : List.of(a.local(), a.user())) {
            LocalAliases.Hit hit = s.aliases().find(key);
            if (hit != null) return LocalResult.sent("aliased to " + hit.value().strip());
        }
        String mailbox = s.transports().mailbox(a.user());
        if (mailbox != null) return LocalTransports.pass(pass, mailbox, req, rcpt, rcpt.address());
        Optional<PosixAccounts.User> account = PosixAccounts.user(s.passwd(), a.user());
        if (account.isPresent()) {
            if (!s.mailboxCommand().isEmpty()) return LocalResult.sent("delivers to command: " + s.mailboxCommand());
            boolean maildir = s.homeMailbox().isEmpty() ? s.spoolIsMaildir() : s.homeMailbox().endsWith("/");
            return LocalResult.sent(maildir ? "delivers to maildir" : "delivers to mailbox");
        }
        String fallback = s.transports().fallback(a.user());
        if (fallback != null) return LocalTransports.pass(pass, fallback, req, rcpt, rcpt.address());
        if (!s.luserRelay().isEmpty()) return LocalResult.sent("forwards to " + s.luserRelay());
        return LocalResult.bounced(Dsn.BAD_DESTINATION_MAILBOX, "unknown user: \"" + a.user() + "\"");
    }
}
