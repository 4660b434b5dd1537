package mta.master;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import mta.config.Config;
import mta.config.MasterCf;
import mta.lookup.Tables;

/**
 * SecretFileNames - the files main.cf and master.cf name as secret material: the only files the
 * privileged process reads for the master ({@link SecretService}).
 *
 * <p>Reads the configuration: main.cf, and each master.cf service with its {@code -o} overrides.
 * A parameter of {@link #FILE_PARAMETERS} names files (a list, for the {@code _chain_files} and
 * {@code _trust_anchor_file} ones); a parameter of {@link #TABLE_PARAMETERS} names lookup tables,
 * whose files (the table's source or database file) are secret too. The configuration file of a
 * database table ({@code pgsql:/etc/postfix/pgsql.cf}, {@code ldap:}, {@code mysql:}, ...), named in
 * any parameter, is secret as well: it carries the database password. To let another service
 * read a root-only file, add the parameter that names it to one of the two lists.
 */
final class SecretFileNames {
    private SecretFileNames() {}

    /** Parameters whose values are files with keys, certificates, CA lists or DH parameters. */
    static final List<String> FILE_PARAMETERS = List.of(
            "smtpd_tls_cert_file", "smtpd_tls_key_file", "smtpd_tls_eccert_file", "smtpd_tls_eckey_file",
            "smtpd_tls_chain_files", "smtpd_tls_dh1024_param_file", "smtpd_tls_dh512_param_file",
            "smtpd_tls_CAfile",
            "smtp_tls_cert_file", "smtp_tls_key_file", "smtp_tls_eccert_file", "smtp_tls_eckey_file",
            "smtp_tls_chain_files", "smtp_tls_CAfile", "smtp_tls_trust_anchor_file");

    /** Parameters whose values are tables that may hold passwords. */
    static final List<String> TABLE_PARAMETERS = List.of("smtp_sasl_password_maps", "lmtp_sasl_password_maps");

    /** Every such file of main.cf and of each master.cf service, as absolute normalized paths. */
    static Set<Path> of(Config main, MasterCf masterCf) {
        Set<Path> out = new LinkedHashSet<>();
        add(main, out);
        for (MasterCf.Service s : masterCf.services()) add(Services.serviceConfig(main, s), out);
        return out;
    }

    private static void add(Config c, Set<Path> out) {
        for (String p : FILE_PARAMETERS) {
            for (String f : Config.splitList(c.get(p))) addPath(f, out);
        }
        for (String p : TABLE_PARAMETERS) {
            for (String spec : Config.splitList(c.get(p))) {
                String name = spec;
                while (Tables.type(name) != null) {
                    String type = Tables.type(name);
                    name = Tables.name(name);
                    if (Tables.isFileType(type)) addPath(Tables.databaseFile(type + ":" + name).toString(), out);
                }
                addPath(name, out);
            }
        }
        addTableConfigFiles(c, out);
    }

    /** The configuration files of database tables named anywhere in {@code c} ({@link Tables#configFiles}). */
    private static void addTableConfigFiles(Config c, Set<Path> out) {
        for (String name : c.explicit().keySet()) {
            String value;
            try {
                value = c.get(name);
            } catch (RuntimeException badValue) {
                continue; // the configuration check reports it
            }
            if (value == null || value.indexOf(':') < 0) continue;
            for (String item : Config.splitList(value)) {
                for (Path f : Tables.configFiles(item)) addPath(f.toString(), out);
            }
        }
    }

    private static void addPath(String f, Set<Path> out) {
        if (f.startsWith("/")) out.add(Path.of(f).normalize());
    }
}
