package mta.smtp;

import java.util.ArrayList;
import java.util.List;
import mta.config.ConfigException;
import mta.lookup.AddressLookup;
import mta.lookup.SecretTable;
import mta.lookup.Table;
import mta.lookup.TableException;
import mta.util.SecretFiles;

/**
 * SmtpSaslPasswords - {@code smtp_sasl_password_maps}: which user name and password to send to a server.
 *
 * <p>Reads the tables, whose files ({@code sasl_passwd.db}, by convention root-only) come through
 * {@link SecretFiles}, the privileged process's hand-over ({@link SecretTable}). Keys are tried in
 * Postfix's order, each in every table before the next: with
 * {@code smtp_sender_dependent_authentication}, the envelope sender ({@code user@domain}, then
 * {@code @domain}); then the next-hop as written in {@code relayhost} or the transport table
 * ({@code [smtp.example.com]:587}); then the server's host name ({@code smtp.example.com}). The
 * value is {@code user:password}. Writes nothing, and logs nothing: the value never leaves this
 * class but as {@link SmtpSaslCredentials}.
 */
final class SmtpSaslPasswords {
    private final List<Table> tables = new ArrayList<>();
    private final boolean senderDependent;
    private final AddressLookup senderLookup = AddressLookup.rewrite("", d -> false);

    SmtpSaslPasswords(String parameter, List<String> specs, boolean senderDependent, SecretFiles secrets) {
        for (String s : specs) {
            try {
                tables.add(SecretTable.open(s, secrets));
            } catch (TableException e) {
                throw new ConfigException("parameter " + parameter + ": " + e.getMessage());
            }
        }
        this.senderDependent = senderDependent;
    }

    boolean isEmpty() {
        return tables.isEmpty();
    }

    /**
     * The credentials for mail from {@code sender} to the server {@code hostName} of next-hop
     * {@code destination}, or null when the tables have none.
     *
     * @throws TableException when a table cannot be read (the caller defers the mail)
     */
    SmtpSaslCredentials find(String sender, String destination, String hostName) {
        if (senderDependent && sender != null && !sender.isEmpty()) {
            AddressLookup.Hit hit = senderLookup.find(tables, sender);
            if (hit != null) return SmtpSaslCredentials.parse(hit.value());
        }
        for (String key : new String[] {destination, hostName}) {
            if (key == null || key.isEmpty()) continue;
            for (Table t : tables) {
                String v = t.get(key);
                if (v != null) return SmtpSaslCredentials.parse(v);
            }
        }
        return null;
    }
}
