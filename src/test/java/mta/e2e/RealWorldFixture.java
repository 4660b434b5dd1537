package mta.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import mta.config.Config;
import mta.config.ConfigLoader;
import mta.config.MasterCf;
import mta.testing.TestSite;

/**
 * RealWorldFixture - renders one of the real-world configurations of
 * {@code src/test/resources/realworld/NAME} into a directory, as its SOURCE.txt and the README
 * there say.
 *
 * <p>Reads the fixture; writes the instance directory: the files with {@code @DIR@} replaced by
 * the directory's path; every inet service of master.cf moved to a free port on 127.0.0.1 (the
 * only change to the files themselves, so tests never need ports 25, 465 or 587; {@link #ports}
 * says which service got which port); the certificates, 0600 keys and DH parameters that main.cf
 * names under the directory, made with openssl; the indexed tables it names (hash:, btree:) built
 * with this system's own postmap and postalias; an empty queue. Two lines are appended to main.cf
 * to keep the test hermetic: {@code mail_spool_directory} inside the directory (else local
 * delivery would write to /var/mail), and, when {@code privsep} is off and the test runs as root,
 * a {@code mail_owner} that does not exist, so that the whole system runs as root (see
 * RealWorldConfigIT).
 */
final class RealWorldFixture {
    /** The parameters whose files are made with openssl when they are missing. */
    private static final List<String> TLS_FILES = List.of("smtpd_tls_cert_file", "smtpd_tls_key_file",
            "smtpd_tls_eccert_file", "smtpd_tls_eckey_file", "smtpd_tls_chain_files", "smtp_tls_cert_file",
            "smtp_tls_key_file", "lmtp_tls_cert_file", "lmtp_tls_key_file", "smtpd_tls_dh1024_param_file",
            "smtpd_tls_dh512_param_file");
    private static final Pattern INDEXED = Pattern.compile("(?<![\\w-])(hash|btree):([^\\s,]+)");

    final String name;
    final Path dir;
    /** master.cf inet service name as shipped -> the 127.0.0.1 port it was moved to. */
    final Map<String, Integer> ports = new LinkedHashMap<>();

    private RealWorldFixture(String name, Path dir) {
        this.name = name;
        this.dir = dir;
    }

    /** Renders fixture {@code name} into {@code dir} (which must not exist yet). */
    static RealWorldFixture render(String name, Path dir, boolean privsep) throws Exception {
        RealWorldFixture f = new RealWorldFixture(name, dir);
        boolean postscreen = name.endsWith("-postscreen");
        Path source = Path.of("src/test/resources/realworld").resolve(postscreen ? name.replace("-postscreen", "") : name);
        copy(source, dir);
        if (postscreen) f.enablePostscreen();
        f.moveInetServices();
        StringBuilder extra = new StringBuilder("\n# added by RealWorldFixture (see src/test/resources/realworld/README.md)\n");
        extra.append("mail_spool_directory = ").append(dir.resolve("mail")).append("/\n");
        if (!privsep && mta.util.PosixAccounts.ROOT) extra.append("mail_owner = realworld-nosuchuser\n");
        Files.writeString(dir.resolve("main.cf"), extra, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        Files.createDirectories(dir.resolve("queue"));
        Files.createDirectories(dir.resolve("data"));
        Config config = ConfigLoader.read(dir).config();
        f.makeTlsFiles(config);
        f.buildTables(config);
        return f;
    }

    /** Copies the fixture, replacing {@code @DIR@} in every file. */
    private static void copy(Path source, Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : files.toList()) {
                Path to = dir.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    String text = Files.readString(p, StandardCharsets.UTF_8);
                    Files.writeString(to, text.replace("@DIR@", dir.toString()), StandardCharsets.UTF_8);
                }
            }
        }
    }

    /**
     * Turns postscreen on as POSTSCREEN_README says: the "smtp inet ... smtpd" line commented out,
     * the shipped "smtp inet ... postscreen", "smtpd pass", "dnsblog" and "tlsproxy" lines uncommented.
     */
    private void enablePostscreen() throws IOException {
        Path masterCf = dir.resolve("master.cf");
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(masterCf, StandardCharsets.UTF_8)) {
            List<String> w = MasterCf.tokens(line.startsWith("#") ? line.substring(1) : line);
            boolean entry = w.size() >= 8;
            if (entry && !line.startsWith("#") && w.get(0).equals("smtp") && w.get(1).equals("inet")) {
                out.add("#" + line);
            } else if (entry && line.startsWith("#") && (w.get(7).equals("postscreen") && w.get(1).equals("inet")
                    || w.get(1).equals("pass") || w.get(7).equals("dnsblog") || w.get(7).equals("tlsproxy"))) {
                out.add(line.substring(1));
            } else {
                out.add(line);
            }
        }
        Files.write(masterCf, out, StandardCharsets.UTF_8);
    }

    /** Gives every inet service of master.cf a free port on 127.0.0.1; records the mapping. */
    private void moveInetServices() throws IOException {
        Path masterCf = dir.resolve("master.cf");
        List<String> lines = new ArrayList<>(Files.readAllLines(masterCf, StandardCharsets.UTF_8));
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#") || Character.isWhitespace(line.charAt(0))) continue;
            List<String> words = MasterCf.tokens(line);
            if (words.size() < 2 || !words.get(1).equals("inet")) continue;
            int port = TestSite.freePort();
            ports.put(words.get(0), port);
            lines.set(i, "127.0.0.1:" + port + line.substring(words.get(0).length()));
        }
        Files.write(masterCf, lines, StandardCharsets.UTF_8);
    }

    /** The certificate, key (0600) and DH files that main.cf names inside the directory, made with openssl. */
    private void makeTlsFiles(Config config) throws Exception {
        Path key = dir.resolve("ext/generated-key.pem");
        Path cert = dir.resolve("ext/generated-cert.pem");
        String host = config.get("myhostname");
        for (String param : TLS_FILES) {
            List<String> files = Config.splitList(config.get(param));
            for (String name : files) {
                Path p = Path.of(name);
                if (!p.startsWith(dir) || Files.exists(p)) continue;
                Files.createDirectories(p.getParent());
                if (param.contains("_dh")) {
                    run("openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048", "-out", p.toString());
                    continue;
                }
                if (!Files.exists(key)) {
                    Files.createDirectories(key.getParent());
                    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out",
                            cert.toString(), "-days", "30", "-subj", "/CN=" + host, "-addext", "subjectAltName=DNS:" + host);
                }
                boolean isKey = param.endsWith("key_file") || (param.endsWith("chain_files") && name.contains("key"));
                if (param.endsWith("chain_files") && files.size() == 1) {
                    Files.writeString(p, Files.readString(key) + Files.readString(cert));
                } else {
                    Files.copy(isKey ? key : cert, p, StandardCopyOption.REPLACE_EXISTING);
                }
                if (isKey || param.endsWith("chain_files")) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------")); // root-only, as real servers keep it
                }
            }
        }
        Files.deleteIfExists(key);
        Files.deleteIfExists(cert);
    }

    /** hash: and btree: tables named anywhere in main.cf or master.cf, built with bin/postmap; aliases with bin/postalias. */
    private void buildTables(Config config) throws Exception {
        Set<String> aliases = new LinkedHashSet<>(Config.splitList(config.get("alias_database")));
        Set<String> tables = new LinkedHashSet<>();
        for (String file : List.of("main.cf", "master.cf")) {
            Matcher m = INDEXED.matcher(config.expandText(Files.readString(dir.resolve(file))));
            while (m.find()) tables.add(m.group(1) + ":" + m.group(2));
        }
        for (String t : aliases) {
            if (Files.isRegularFile(Path.of(t.substring(t.indexOf(':') + 1)))) run("bin/postalias", "-c", dir.toString(), t);
        }
        for (String t : tables) {
            if (aliases.contains(t)) continue;
            Path source = Path.of(t.substring(t.indexOf(':') + 1));
            if (source.startsWith(dir) && Files.isRegularFile(source)) run("bin/postmap", "-c", dir.toString(), t);
        }
    }

    /** Runs a command to completion; its output goes to a file, shown when it fails. */
    static void run(String... command) throws Exception {
        Path out = Files.createTempFile("realworld", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + ": timed out");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": "
                        + Files.readString(out));
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
