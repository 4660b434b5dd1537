package mta.install;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.ConfigLoader;
import mta.config.Params;
import mta.queue.MasterPid;
import mta.queue.Queues;
import mta.util.PosixAccounts;

/**
 * PostfixInstall - {@code postfix install} and {@code postfix uninstall}: makes this mail system
 * the machine's mailer, and takes it away again (see docs/install.md).
 *
 * <pre>
 * SYNOPSIS
 *     postfix install [--root DIR]
 *     postfix uninstall [--root DIR]
 * </pre>
 *
 * <p>Reads the checkout it runs from ({@code mta.home}: {@code bin/}, {@code target/mta.jar},
 * {@code target/lib/}, {@code conf/}) and the running Java runtime. Writes, under DIR (default
 * {@code /}): the accounts {@code postfix} and group {@code postdrop}; the program in {@code
 * /usr/lib/mta}; {@code /etc/postfix/main.cf} and {@code master.cf} and {@code /etc/aliases} where
 * absent; the queue with Postfix's owners and modes; {@code sendmail}, {@code mailq} and
 * {@code newaliases} links (moving what was there to {@code .orig}); the other commands into
 * {@code /usr/sbin} where no file is; the systemd unit and the init.d script; the set-gid
 * {@code postdrop} launcher. Everything created or moved is listed in {@link InstallManifest},
 * which uninstall follows backwards. Prints one line per action; a second install prints
 * "nothing to change".
 */
public final class PostfixInstall {
    static final String HOME = "/usr/lib/mta";
    /** Where Postfix keeps its configuration and queue: the parameters' defaults. */
    static final String CONFIG = Params.CONFIG_DIRECTORY.defaultValue();
    static final String QUEUE = Params.QUEUE_DIRECTORY.defaultValue();
    /** The commands that take the place of the system's (moved to .orig), all links to bin/sendmail. */
    static final List<String> MAILER_LINKS = List.of("/usr/sbin/sendmail", "/usr/bin/mailq", "/usr/bin/newaliases");
    /** The other commands: linked into /usr/sbin only where no file of that name exists. */
    static final List<String> OTHER_COMMANDS =
            List.of("postfix", "postqueue", "postsuper", "postcat", "postmap", "postalias", "postconf");
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> EXEC_MODE = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final String TAG = "postfix/install: ";

    private final Path root;
    private final String prefix;
    private final Path source;
    private final PrintStream out;
    private final PrintStream err;
    private final Commands commands;
    private InstallManifest manifest;
    private int changes;

    private PostfixInstall(Path root, Path source, PrintStream out, PrintStream err, Commands commands) {
        this.root = root;
        this.commands = commands;
        this.prefix = root.toString().equals("/") ? "" : root.toString();
        this.source = source;
        this.out = out;
        this.err = err;
    }

    /**
     * What the installer asks of the commands, which pass it in (the postfix command), so that this
     * package does not use cli.
     */
    public interface Commands {
        /** newaliases for a configuration directory; 0 on success. */
        int rebuildAliases(Path configDir, PrintStream out, PrintStream err);

        /**
         * postfix set-permissions: gives mail_owner the queue tree, data_directory and the rest;
         * false when there is no mail_owner account.
         */
        boolean setPermissions(Config config, Path configDir, Queues queues) throws IOException;
    }

    /** {@code args} are what follows "install" or "uninstall". */
    public static int run(String command, List<String> args, PrintStream out, PrintStream err, Commands commands) {
        Path root = Path.of("/");
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--root") && i + 1 < args.size()) root = Path.of(args.get(++i));
            else if (a.startsWith("--root=")) root = Path.of(a.substring(7));
            else {
                err.println("postfix: fatal: usage: postfix " + command + " [--root DIR]");
                return 1;
            }
        }
        if (!PosixAccounts.ROOT) {
            err.println("postfix: fatal: " + command + ": must be run by the super-user");
            return 1;
        }
        root = root.toAbsolutePath().normalize();
        String home = System.getProperty("mta.home");
        Path source = home == null ? null : Path.of(home).toAbsolutePath().normalize();
        PostfixInstall in = new PostfixInstall(root, source, out, err, commands);
        try {
            return command.equals("install") ? in.install() : in.uninstall();
        } catch (IOException | RuntimeException e) {
            err.println("postfix: fatal: " + command + ": " + (e instanceof java.nio.file.FileSystemException ? e.toString() : e.getMessage()));
            return 1;
        }
    }

    /** A system path under the root. */
    Path p(String systemPath) {
        return Path.of(prefix + systemPath);
    }

    private void say(String line) {
        out.println(line);
        changes++;
    }

    // ---------------------------------------------------------------- install

    private int install() throws IOException {
        if (source == null || !Files.isRegularFile(source.resolve("target/mta.jar"))
                || !Files.isDirectory(source.resolve("conf/system"))) {
            err.println("postfix: fatal: install: run bin/postfix install from a built checkout"
                    + " (target/mta.jar and conf/system/ are needed)");
            return 1;
        }
        Path home = p(HOME);
        Files.createDirectories(root);
        manifest = InstallManifest.read(home.resolve(InstallManifest.NAME));
        InstallAccounts accounts = new InstallAccounts(root, manifest, this::say);
        accounts.ensure();

        installProgram(home);
        installConfig();
        installAliases();
        installQueue(accounts);
        for (String link : MAILER_LINKS) mailerLink(p(link), home.resolve("bin/sendmail"));
        for (String cmd : OTHER_COMMANDS) commandLink(p("/usr/sbin/" + cmd), home.resolve("bin/" + cmd));
        installServiceFiles(home);
        InstallPostdrop.ensure(home, source.resolve("target"), accounts.postdropGid(), manifest, this::say, err);
        if (changes > 0) {
            manifest.write();
            buildAot(home);
        }
        if (changes == 0) out.println(TAG + "nothing to change: " + root + " is installed and up to date");
        else out.println(TAG + "done; manifest " + manifest.file());
        out.println(TAG + "to start the mail system now and at boot: systemctl daemon-reload && systemctl enable --now mta"
                + " (without systemd: update-rc.d mta defaults && /etc/init.d/mta start; or just: postfix start)");
        return 0;
    }

    /** bin/, target/mta.jar, target/lib/*.jar, the Java runtime's path and the configuration directory. */
    private void installProgram(Path home) throws IOException {
        dirs(home);
        dir(home.resolve("bin"));
        dir(home.resolve("target"));
        dir(home.resolve("target/lib"));
        try (DirectoryStream<Path> bins = Files.newDirectoryStream(source.resolve("bin"))) {
            for (Path f : bins) {
                if (Files.isRegularFile(f)) copy(f, home.resolve("bin").resolve(f.getFileName().toString()),
                        Files.isExecutable(f) ? EXEC_MODE : FILE_MODE);
            }
        }
        copy(source.resolve("target/mta.jar"), home.resolve("target/mta.jar"), FILE_MODE);
        Path lib = source.resolve("target/lib");
        if (Files.isDirectory(lib)) {
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(lib, "*.jar")) {
                for (Path j : jars) copy(j, home.resolve("target/lib").resolve(j.getFileName().toString()), FILE_MODE);
            }
        }
        write(home.resolve("target/java-home"), System.getProperty("java.home") + "\n", FILE_MODE, true);
        // Read by bin/.java.sh: the installed commands use this configuration, not a conf/ of their own.
        write(home.resolve("config-directory"), p(CONFIG) + "\n", FILE_MODE, true);
    }

    private void installConfig() throws IOException {
        Path etc = p(CONFIG);
        dirs(etc);
        String main = Files.readString(source.resolve("conf/system/main.cf"), StandardCharsets.UTF_8)
                .replace("@ROOT@", prefix);
        String host = unqualifiedHostName();
        if (host != null) {
            // Postfix will not start with a name without a domain; an admin replaces this one.
            main = main.replace("#myhostname = host.example.com\n", "#myhostname = host.example.com\n"
                    + "# (this host's name \"" + host + "\" has no domain; install chose:)\nmyhostname = " + host + ".localdomain\n");
        }
        write(etc.resolve("main.cf"), main, FILE_MODE, false);
        String master = Files.readString(source.resolve("conf/master.cf"), StandardCharsets.UTF_8)
                .replace("# The SMTP server: here on 127.0.0.1 port 2525, so no system mailer has to be stopped.\n"
                        + "# Use \"smtp\" (port 25) or \"0.0.0.0:25\" for a real mail server.\n",
                        "# The SMTP server on port 25 (main.cf inet_interfaces says on which addresses).\n")
                .replace("127.0.0.1:2525 inet", "smtp      inet");
        write(etc.resolve("master.cf"), master, FILE_MODE, false);
    }

    /** This host's name when neither it nor its canonical name has a dot; else null. */
    private static String unqualifiedHostName() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).strip();
            if (name.isEmpty() || name.contains(".")) return null;
            String canonical = java.net.InetAddress.getLocalHost().getCanonicalHostName();
            return canonical.contains(".") ? null : name;
        } catch (IOException e) {
            return null;
        }
    }

    private void installAliases() throws IOException {
        Path aliases = p("/etc/aliases");
        write(aliases, Files.readString(source.resolve("conf/system/aliases"), StandardCharsets.UTF_8), FILE_MODE, false);
        Path db = Path.of(aliases + ".db");
        if (Files.exists(db) && Files.getLastModifiedTime(db).compareTo(Files.getLastModifiedTime(aliases)) >= 0) return;
        boolean existed = Files.exists(db);
        int rc = commands.rebuildAliases(p(CONFIG), new PrintStream(OutputStream.nullOutputStream()), err);
        if (rc != 0) throw new IOException("newaliases failed for " + aliases);
        if (!existed) manifest.created(db);
        say(TAG + "compiled " + aliases + " into " + db);
    }

    /** The queue, data_directory, mail spool and log directory, owned as Postfix has them. */
    private void installQueue(InstallAccounts accounts) throws IOException {
        for (String d : List.of("/var", "/var/spool", "/var/lib", "/var/log")) dir(p(d));
        dir(p("/var/mail"));
        Path queue = p(QUEUE);
        Config config;
        try {
            config = ConfigLoader.load(p(CONFIG)).config();
        } catch (ConfigException e) {
            throw new IOException(p(CONFIG).resolve("main.cf") + ": " + e.getMessage());
        }
        Set<Path> before = new LinkedHashSet<>();
        boolean queueExisted = Files.isDirectory(queue);
        if (queueExisted) {
            try (var s = Files.walk(queue, 1)) {
                s.forEach(before::add);
            }
        } else {
            manifest.created(queue);
        }
        new Queues(queue).create();
        try (var s = Files.walk(queue, 1)) {
            for (Path q : s.toList()) if (!before.contains(q) && !q.equals(queue)) manifest.created(q);
        }
        Path data = config.path(Params.DATA_DIRECTORY);
        if (!Files.exists(data)) {
            dirs(data);
        }
        String stamp = stamp(queue, data);
        if (!accounts.postdropGid().isPresent() || !commands.setPermissions(config, p(CONFIG), new Queues(queue))) {
            err.println(TAG + "warning: no postfix account or postdrop group on this machine: the queue stays root's");
        }
        if (!queueExisted) say(TAG + "created the queue " + queue + " (owner postfix, maildrop 1730 postfix:postdrop)");
        else if (!stamp.equals(stamp(queue, data))) say(TAG + "set owners and modes in " + queue);
    }

    /** Moves what is at {@code link} to {@code link.orig} and puts a link to {@code target} there. */
    private void mailerLink(Path link, Path target) throws IOException {
        dirs(link.getParent());
        if (isLinkTo(link, target)) return;
        Path orig = Path.of(link + ".orig");
        if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.exists(orig, LinkOption.NOFOLLOW_LINKS)) {
                err.println(TAG + "warning: " + orig + " exists already: leaving " + link + " alone");
                return;
            }
            Files.move(link, orig, StandardCopyOption.ATOMIC_MOVE);
            manifest.moved(link);
            say(TAG + "moved " + link + " to " + orig);
        }
        Files.createSymbolicLink(link, target);
        manifest.created(link);
        say(TAG + "linked " + link + " -> " + target);
    }

    /** A link to {@code target} where no file exists; an existing command (a system Postfix) is kept. */
    private void commandLink(Path link, Path target) throws IOException {
        dirs(link.getParent());
        if (isLinkTo(link, target)) return;
        if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            if (!manifest.kept(link)) {
                manifest.keep(link);
                say(TAG + "kept " + link + " (a file exists there); ours is " + target);
            }
            return;
        }
        Files.createSymbolicLink(link, target);
        manifest.created(link);
        say(TAG + "linked " + link + " -> " + target);
    }

    /** Owners and modes of the queue's directories and data_directory: did prepare change any? */
    private static String stamp(Path queue, Path data) throws IOException {
        StringBuilder b = new StringBuilder();
        List<Path> paths = new ArrayList<>();
        try (var s = Files.walk(queue, 1)) {
            paths.addAll(s.sorted().toList());
        }
        paths.add(data);
        for (Path x : paths) {
            if (!Files.exists(x, LinkOption.NOFOLLOW_LINKS)) continue;
            b.append(x).append(' ').append(Files.getAttribute(x, "unix:mode", LinkOption.NOFOLLOW_LINKS))
                    .append(' ').append(Files.getAttribute(x, "unix:uid", LinkOption.NOFOLLOW_LINKS))
                    .append(' ').append(Files.getAttribute(x, "unix:gid", LinkOption.NOFOLLOW_LINKS)).append('\n');
        }
        return b.toString();
    }

    private static boolean isLinkTo(Path link, Path target) throws IOException {
        return Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(target);
    }

    /** The systemd unit and the init.d script, from conf/postfix.service and conf/postfix.init. */
    private void installServiceFiles(Path home) throws IOException {
        String unit = installedHeader(Files.readString(source.resolve("conf/postfix.service"), StandardCharsets.UTF_8),
                "# postfix.service - systemd unit for this mail system.", "[Unit]",
                "# mta.service - systemd unit for this mail system, written by \"postfix install\" with the paths\n"
                + "# of this installation. To start the mail system now and at every boot:\n"
                + "#   systemctl daemon-reload && systemctl enable --now mta\n")
                .replace("MTA_HOME=/opt/mta", "MTA_HOME=" + home)
                .replace("MAIL_CONFIG=/etc/postfix", "MAIL_CONFIG=" + p(CONFIG))
                .replace("PIDFile=/var/spool/postfix/", "PIDFile=" + p(QUEUE) + "/")
                .replace("systemctl enable --now postfix", "systemctl enable --now mta");
        dirs(p("/lib/systemd/system"));
        write(p("/lib/systemd/system/mta.service"), unit, FILE_MODE, false);
        String init = installedHeader(Files.readString(source.resolve("conf/postfix.init"), StandardCharsets.UTF_8),
                "# postfix.init - /etc/init.d script for this mail system (SysV style, LSB headers).", "### BEGIN INIT INFO",
                "# mta - /etc/init.d script for this mail system (SysV style, LSB headers), written by\n"
                + "# \"postfix install\" with the paths of this installation. To start it now and at every boot:\n"
                + "#   update-rc.d mta defaults && /etc/init.d/mta start\n")
                .replace("MTA_HOME=${MTA_HOME:-/opt/mta}", "MTA_HOME=${MTA_HOME:-" + home + "}")
                .replace("MAIL_CONFIG=${MAIL_CONFIG:-/etc/postfix}", "MAIL_CONFIG=${MAIL_CONFIG:-" + p(CONFIG) + "}")
                .replace("# Provides:          postfix mail-transport-agent", "# Provides:          mta mail-transport-agent");
        dirs(p("/etc/init.d"));
        write(p("/etc/init.d/mta"), init, EXEC_MODE, false);
    }

    /**
     * The checkout's comment at the top of a service file (from {@code first} up to {@code until})
     * replaced by {@code header}: the installed file says what install did, not what to edit.
     */
    static String installedHeader(String text, String first, String until, String header) {
        int start = text.indexOf(first);
        int end = text.indexOf(until);
        if (start < 0 || end < start) return text;
        return text.substring(0, start) + header + text.substring(end);
    }

    /** Runs bin/.build-aot HOME when the installed home has it: the start-up cache of the commands. */
    private void buildAot(Path home) {
        Path script = home.resolve("bin/.build-aot");
        if (!Files.isExecutable(script)) return;
        out.println(TAG + "building the start-up cache: " + script + " " + home);
        try {
            Process p = new ProcessBuilder(script.toString(), home.toString()).redirectErrorStream(true).start();
            p.getInputStream().transferTo(out);
            int rc = p.waitFor();
            if (rc != 0) err.println(TAG + "warning: " + script + " exited with status " + rc);
        } catch (IOException e) {
            err.println(TAG + "warning: cannot run " + script + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Creates {@code d} (mode 0755) when missing, recording it. */
    private void dir(Path d) throws IOException {
        if (Files.isDirectory(d)) return;
        Files.createDirectory(d);
        Files.setPosixFilePermissions(d, DIR_MODE);
        manifest.created(d);
    }

    /** Creates {@code d} and its missing parents, recording each. */
    private void dirs(Path d) throws IOException {
        if (Files.isDirectory(d)) return;
        List<Path> missing = new ArrayList<>();
        for (Path x = d; x != null && !Files.exists(x); x = x.getParent()) missing.add(0, x);
        for (Path x : missing) dir(x);
    }

    /** Copies when the bytes differ. */
    private void copy(Path from, Path to, Set<PosixFilePermission> mode) throws IOException {
        byte[] bytes = Files.readAllBytes(from);
        boolean exists = Files.exists(to);
        if (exists && java.util.Arrays.equals(bytes, Files.readAllBytes(to))) return;
        Path tmp = Path.of(to + ".new");
        Files.write(tmp, bytes);
        Files.setPosixFilePermissions(tmp, mode);
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        if (!exists) manifest.created(to);
        say(TAG + (exists ? "updated " : "installed ") + to);
    }

    /** Writes {@code text} when the file is absent, or (when {@code replace}) when it differs. */
    private void write(Path to, String text, Set<PosixFilePermission> mode, boolean replace) throws IOException {
        boolean exists = Files.exists(to, LinkOption.NOFOLLOW_LINKS);
        if (exists && (!replace || Files.readString(to, StandardCharsets.UTF_8).equals(text))) return;
        Path tmp = Path.of(to + ".new");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(tmp, mode);
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        if (!exists) manifest.created(to);
        say(TAG + (exists ? "updated " : "installed ") + to);
    }

    // ---------------------------------------------------------------- uninstall

    private int uninstall() throws IOException {
        Path home = p(HOME);
        Path file = home.resolve(InstallManifest.NAME);
        if (!Files.exists(file)) {
            err.println("postfix: fatal: uninstall: no " + file + ": nothing was installed under " + root);
            return 1;
        }
        Path pid = MasterPid.file(p(QUEUE));
        if (MasterPid.running(pid).isPresent()) {
            err.println("postfix: fatal: uninstall: the mail system is running; run postfix stop first");
            return 1;
        }
        manifest = InstallManifest.read(file);
        manifest.undo(out, err);
        out.println(TAG + "uninstalled from " + root);
        return 0;
    }
}
