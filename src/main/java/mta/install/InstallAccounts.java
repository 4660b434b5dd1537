package mta.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import mta.config.Params;
import mta.util.PosixAccounts;

/**
 * InstallAccounts - the {@code postfix} user and the {@code postdrop} group for {@code postfix
 * install}.
 *
 * <p>Into {@code /}: runs {@code groupadd --system postdrop} and {@code useradd --system
 * --no-create-home --home-dir /var/spool/postfix --shell /usr/sbin/nologin postfix} when missing.
 * Under another root: adds lines to ROOT/etc/group and ROOT/etc/passwd (creating them), with the
 * real system's IDs for the same names where they exist (so owners in the tree mean the same
 * thing), else the first free system ID. Records each account or line in the manifest.
 */
final class InstallAccounts {
    /** The account the mail system runs as and the group of postdrop: Postfix's defaults, from Params. */
    static final String OWNER = Params.MAIL_OWNER.defaultValue();
    static final String GROUP = Params.SETGID_GROUP.defaultValue();
    private static final String NOLOGIN = "/usr/sbin/nologin";

    private final Path root;
    private final boolean systemRoot;
    private final InstallManifest manifest;
    private final Consumer<String> say;

    InstallAccounts(Path root, InstallManifest manifest, Consumer<String> say) {
        this.root = root;
        this.systemRoot = root.toString().equals("/");
        this.manifest = manifest;
        this.say = say;
    }

    /** The gid of postdrop on this machine (the one that owns files), if it exists. */
    Optional<Integer> postdropGid() {
        return PosixAccounts.group(GROUP);
    }

    void ensure() throws IOException {
        if (systemRoot) {
            if (PosixAccounts.group(GROUP).isEmpty()) {
                run("groupadd", "--system", GROUP);
                manifest.account("group", GROUP);
                say.accept("postfix/install: created the group " + GROUP);
            }
            if (PosixAccounts.user(OWNER).isEmpty()) {
                run("useradd", "--system", "--no-create-home", "--home-dir", PostfixInstall.QUEUE,
                        "--shell", NOLOGIN, OWNER);
                manifest.account("user", OWNER);
                say.accept("postfix/install: created the user " + OWNER);
            }
            return;
        }
        Path etc = root.resolve("etc");
        if (!Files.isDirectory(etc)) {
            Files.createDirectories(etc);
            Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString("rwxr-xr-x"));
            manifest.created(etc);
        }
        Path group = etc.resolve("group");
        Path passwd = etc.resolve("passwd");
        Optional<PosixAccounts.User> realPostfix = PosixAccounts.user(OWNER);
        int postfixGid = realPostfix.map(PosixAccounts.User::gid)
                .orElseGet(() -> PosixAccounts.group(OWNER).orElse(freeId(group, 2)));
        addLine(group, OWNER, OWNER + ":x:" + postfixGid + ":");
        addLine(group, GROUP, GROUP + ":x:" + PosixAccounts.group(GROUP).orElse(freeId(group, 2)) + ":");
        int uid = realPostfix.map(PosixAccounts.User::uid).orElse(freeId(passwd, 2));
        addLine(passwd, OWNER, OWNER + ":x:" + uid + ":" + postfixGid + "::" + PostfixInstall.QUEUE + ":" + NOLOGIN);
    }

    private void addLine(Path file, String name, String line) throws IOException {
        List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        for (String l : lines) if (l.startsWith(name + ":")) return;
        if (!Files.exists(file)) {
            Files.writeString(file, "", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            manifest.created(file);
        }
        List<String> out = new ArrayList<>(lines);
        out.add(line);
        Files.write(file, out, StandardCharsets.UTF_8);
        manifest.line(file, line);
        say.accept("postfix/install: added to " + file + ": " + line);
    }

    /** The first system ID (100..999) that neither this file nor the real one uses. */
    private static int freeId(Path file, int field) {
        Set<Integer> used = new HashSet<>();
        for (Path f : List.of(file, Path.of("/etc/" + file.getFileName()))) {
            try {
                for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    String[] x = l.split(":");
                    if (x.length > field) {
                        try {
                            used.add(Integer.parseInt(x[field]));
                        } catch (NumberFormatException ignored) {
                            // not an entry
                        }
                    }
                }
            } catch (IOException ignored) {
                // absent
            }
        }
        for (int id = 100; id < 1000; id++) if (!used.contains(id)) return id;
        return 999;
    }

    private static void run(String... cmd) throws IOException {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + ": " + text);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }
}
