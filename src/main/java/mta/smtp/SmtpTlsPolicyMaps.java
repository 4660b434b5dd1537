package mta.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import mta.config.Config;
import mta.config.Params;
import mta.lookup.Table;
import mta.lookup.TableException;
import mta.lookup.Tables;
import mta.mail.Dsn;
import mta.tls.TlsPolicy;

/**
 * SmtpTlsPolicyMaps - {@code smtp_tls_policy_maps}: the TLS policy for one next-hop destination.
 *
 * <p>Reads the tables, in order, with the full next-hop destination as key (the recipient domain,
 * or the transport's next-hop as written, with its brackets and a non-default port:
 * {@code [mail.example.org]:587}). When the key is a bare domain and no table has it, the parent
 * domains are tried with a leading dot ({@code .example.org}, then {@code .org}), as Postfix does.
 * The first value found is parsed as a {@link TlsPolicy}; a value that cannot be parsed, or a
 * table that cannot be read, makes the policy invalid, and mail for that destination is deferred
 * ({@code 4.7.5 client TLS configuration problem}) with a warning that names the table and the
 * destination, as Postfix does. Writes nothing.
 */
final class SmtpTlsPolicyMaps {
    private final List<Table> tables;
    private final String title;

    private SmtpTlsPolicyMaps(List<Table> tables, String title) {
        this.tables = tables;
        this.title = title;
    }

    /** The tables of smtp_tls_policy_maps (none: {@link #find} always returns null). */
    static SmtpTlsPolicyMaps from(Config c) {
        List<Table> tables = new ArrayList<>();
        for (String spec : c.list(Params.SMTP_TLS_POLICY_MAPS)) tables.add(Tables.open(spec));
        return new SmtpTlsPolicyMaps(List.copyOf(tables), Params.SMTP_TLS_POLICY_MAPS.name());
    }

    boolean isEmpty() {
        return tables.isEmpty();
    }

    /**
     * The policy for {@code destination}, or null when no table has one.
     *
     * @param warn receives warnings (without the {@code warning: } prefix)
     * @throws SmtpFailure for an invalid policy or a table that cannot be read
     */
    TlsPolicy find(String destination, Consumer<String> warn) throws SmtpFailure {
        String key = destination.toLowerCase(Locale.ROOT);
        boolean domain = !key.startsWith("[") && key.indexOf(':') < 0;
        String site = key;
        while (true) {
            String where = title + ", next-hop destination \"" + site + "\"";
            String value = lookup(site, where, warn);
            if (value != null) {
                try {
                    return TlsPolicy.parse(value, w -> warn.accept(where + ": " + w));
                } catch (TlsPolicy.InvalidPolicy e) {
                    warn.accept(where + ": " + e.getMessage());
                    throw SmtpFailure.deferred(Dsn.CRYPTOGRAPHIC_FAILURE.temporary(), "none", "client TLS configuration problem");
                }
            }
            if (!domain) return null;
            int dot = site.indexOf('.', 1);
            if (dot < 0) return null;
            site = site.substring(dot);
        }
    }

    private String lookup(String key, String where, Consumer<String> warn) throws SmtpFailure {
        for (Table t : tables) {
            try {
                String v = t.get(key);
                if (v != null) return v;
            } catch (TableException e) {
                warn.accept(where + ": policy table lookup error");
                throw SmtpFailure.deferred(Dsn.CRYPTOGRAPHIC_FAILURE.temporary(), "none", "client TLS configuration problem");
            }
        }
        return null;
    }
}
