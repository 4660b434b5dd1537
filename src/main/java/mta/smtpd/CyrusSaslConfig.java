package mta.smtpd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * CyrusSaslConfig - the Cyrus SASL application file of the SMTP server ({@code smtpd.conf}), as libsasl reads it.
 *
 * <p>With {@code smtpd_sasl_type = cyrus}, Postfix names an application ({@code smtpd_sasl_path},
 * default {@code smtpd}) and libsasl reads {@code NAME.conf} from the directories of
 * {@code cyrus_sasl_config_path} (colon-separated), or from its built-in ones when that is empty:
 * Debian's {@code /etc/postfix/sasl}, then {@code /etc/sasl2}, {@code /usr/lib/sasl2} and the
 * multiarch library directory. Each line is {@code key: value}; this reads the three keys that decide
 * how a password is checked: {@code pwcheck_method} (only {@code saslauthd} is supported here: the
 * password is checked by saslauthd over its socket), {@code mech_list} (of which PLAIN and LOGIN are
 * offered; both when it is absent) and {@code saslauthd_path} (default {@code /var/run/saslauthd/mux}).
 * {@link #problem} says why a configuration cannot be used, for the warning and the start-up check.
 */
record CyrusSaslConfig(Path file, String pwcheckMethod, List<String> mechanisms, Path saslauthdPath) {
    /** The directories libsasl searches when cyrus_sasl_config_path is empty. */
    static final List<Path> DEFAULT_DIRS = List.of(Path.of("/etc/postfix/sasl"), Path.of("/etc/sasl2"),
            Path.of("/usr/lib/sasl2"), Path.of("/usr/lib/x86_64-linux-gnu/sasl2"));
    static final Path DEFAULT_SASLAUTHD_PATH = Path.of("/var/run/saslauthd/mux");
    /** The mechanisms this server can run against saslauthd, which checks plain passwords only. */
    static final List<String> SUPPORTED = List.of("PLAIN", "LOGIN");

    /**
     * Finds and reads {@code name.conf}.
     *
     * @param configPath cyrus_sasl_config_path: colon-separated directories, or empty for libsasl's defaults
     * @param name       smtpd_sasl_path, the application name
     * @return the configuration; a missing file gives libsasl's default method (auxprop), which {@link #problem} reports
     */
    static CyrusSaslConfig find(String configPath, String name) {
        List<Path> dirs = new ArrayList<>();
        if (configPath == null || configPath.isBlank()) {
            dirs.addAll(DEFAULT_DIRS);
        } else {
            for (String d : configPath.split(":")) if (!d.isBlank()) dirs.add(Path.of(d.strip()));
        }
        for (Path d : dirs) {
            Path f = d.resolve(name + ".conf");
            if (Files.isRegularFile(f)) return read(f);
        }
        return new CyrusSaslConfig(null, "auxprop", SUPPORTED, DEFAULT_SASLAUTHD_PATH);
    }

    /** Reads one application file; an unreadable file is reported by {@link #problem}. */
    static CyrusSaslConfig read(Path f) {
        String method = "auxprop";
        List<String> mechs = SUPPORTED;
        Path mux = DEFAULT_SASLAUTHD_PATH;
        List<String> lines;
        try {
            lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new CyrusSaslConfig(f, "unreadable", List.of(), mux);
        }
        for (String line : lines) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            int colon = l.indexOf(':');
            if (colon < 0) continue;
            String key = l.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = l.substring(colon + 1).strip();
            switch (key) {
                case "pwcheck_method" -> method = value.split("[\\s,]+")[0].toLowerCase(Locale.ROOT);
                case "mech_list" -> {
                    List<String> m = new ArrayList<>();
                    for (String w : value.split("[\\s,]+")) {
                        String u = w.toUpperCase(Locale.ROOT);
                        if (SUPPORTED.contains(u) && !m.contains(u)) m.add(u);
                    }
                    mechs = List.copyOf(m);
                }
                case "saslauthd_path" -> mux = Path.of(value);
                default -> {
                    // log_level, auxprop_plugin, sql_*, ...: not used with saslauthd
                }
            }
        }
        return new CyrusSaslConfig(f, method, mechs, mux);
    }

    /** Why this configuration cannot authenticate anyone, or null when it can. */
    String problem() {
        String where = file == null ? "no Cyrus SASL application file (smtpd.conf) found" : file.toString();
        if (pwcheckMethod.equals("unreadable")) return "cannot read " + file;
        if (!pwcheckMethod.equals("saslauthd")) {
            return where + ": pwcheck_method " + pwcheckMethod
                    + " is not supported (use pwcheck_method: saslauthd, or smtpd_sasl_type = dovecot)";
        }
        if (mechanisms.isEmpty()) return file + ": mech_list names neither PLAIN nor LOGIN";
        return null;
    }
}
