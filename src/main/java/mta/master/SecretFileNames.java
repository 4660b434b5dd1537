package mta.master;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import mta.config.Config;
import mta.config.MasterCf;
import mta.config.Param;
import mta.config.Params;
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
    static final List<String> FILE_PARAMETERS = names(
            Params.SMTPD_TLS_CERT_FILE, Params.SMTPD_TLS_KEY_FILE, Params.SMTPD_TLS_ECCERT_FILE, Params.SMTPD_TLS_ECKEY_FILE,
            Params.SMTPD_TLS_CHAIN_FILES, Params.SMTPD_TLS_DH1024_PARAM_FILE, Params.SMTPD_TLS_DH512_PARAM_FILE,
            Params.SMTPD_TLS_CAFILE,
            Params.SMTP_TLS_CERT_FILE, Params.SMTP_TLS_KEY_FILE, Params.SMTP_TLS_ECCERT_FILE, Params.SMTP_TLS_ECKEY_FILE,
            Params.SMTP_TLS_CHAIN_FILES, Params.SMTP_TLS_CAFILE, Params.SMTP_TLS_TRUST_ANCHOR_FILE);

    /** Parameters whose values are tables that may hold passwords. */
    static final List<String> TABLE_PARAMETERS = List.of(Params.SMTP_SASL_PASSWORD_MAPS.name(),
            Params.lmtpTwins().get(Params.SMTP_SASL_PASSWORD_MAPS.name()));

    private static List<String> names(Param... params) {
        return java.util.Arrays.stream(params).map(Param::name).toList();
    }

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
