package mta.install;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * InstallPostdrop - the set-gid {@code postdrop} launcher through which ordinary users post mail
 * and list the queue (see docs/install.md).
 *
 * <p>Builds, with the JDK's {@code jlink} and {@code jpackage}, an application image
 * {@code /usr/lib/mta/postdrop/}: a private Java runtime, the jars, and a native launcher
 * {@code bin/postdrop} (its main class is the sendmail command's) owned root:postdrop, mode 2755. A
 * copy of the {@code java} launcher cannot be set-gid (glibc ignores its {@code $ORIGIN} library
 * path in secure mode and it cannot find libjli.so); the jpackage launcher loads its runtime by
 * absolute path, so it can. HotSpot ignores {@code JAVA_TOOL_OPTIONS} and {@code _JAVA_OPTIONS}
 * in a process whose group differs from its real one; the image's own options also turn off the
 * attach mechanism and the shared perf data file. Rebuilt only when the jars changed.
 */
final class InstallPostdrop {
    /** What Sendmail, Mailq and the queue code need, filtered by what this JDK has. */
    static final List<String> MODULES = List.of("java.base", "java.logging", "java.management", "java.naming",
            "java.sql", "jdk.net", "jdk.unsupported");
    static final String JAVA_OPTIONS = "-XX:+DisableAttachMechanism -XX:-UsePerfData -XX:+UseSerialGC"
            + " -XX:TieredStopAtLevel=1 -Xshare:auto";

    private InstallPostdrop() {}

    static void ensure(Path home, Path target, Optional<Integer> postdropGid, InstallManifest manifest,
                       Consumer<String> say, PrintStream err) throws IOException {
        Path image = home.resolve("postdrop");
        Path launcher = image.resolve("bin/postdrop");
        if (postdropGid.isEmpty()) {
            err.println("postfix/install: warning: no postdrop group: ordinary users cannot post mail");
            return;
        }
        Path jdk = Path.of(System.getProperty("java.home"));
        Path jlink = jdk.resolve("bin/jlink");
        Path jpackage = jdk.resolve("bin/jpackage");
        if (!Files.isExecutable(jlink) || !Files.isExecutable(jpackage)) {
            err.println("postfix/install: warning: " + jdk + " has no jlink or jpackage: ordinary users cannot post"
                    + " mail (install a full JDK and run postfix install again)");
            return;
        }
        if (!Files.exists(launcher) || !sameJars(target, image.resolve("lib/app"))) {
            Path work = home.resolve(".postdrop.tmp");
            delete(work);
            Files.createDirectories(work.resolve("in/lib"));
            Files.copy(target.resolve("mta.jar"), work.resolve("in/mta.jar"));
            for (Path j : jars(target.resolve("lib"))) Files.copy(j, work.resolve("in/lib").resolve(j.getFileName()));
            List<String> modules = MODULES.stream().filter(m -> ModuleFinder.ofSystem().find(m).isPresent()).toList();
            run(jlink.toString(), "--add-modules", String.join(",", modules), "--output", work.resolve("rt").toString(),
                    "--strip-debug", "--no-header-files", "--no-man-pages", "--generate-cds-archive");
            run(jpackage.toString(), "--type", "app-image", "--name", "postdrop", "--input", work.resolve("in").toString(),
                    "--main-jar", "mta.jar", "--main-class", "mta.cli.Sendmail",
                    "--runtime-image", work.resolve("rt").toString(), "--dest", work.resolve("out").toString(),
                    "--java-options", JAVA_OPTIONS + " -Dmta.home=" + home);
            boolean existed = Files.exists(image);
            delete(image);
            Files.move(work.resolve("out/postdrop"), image, StandardCopyOption.ATOMIC_MOVE);
            delete(work);
            try (Stream<Path> s = Files.walk(image)) {
                for (Path p : s.toList()) {
                    if (Files.isSymbolicLink(p)) continue;
                    boolean x = Files.isDirectory(p) || Files.isExecutable(p);
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(x ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
            if (!existed) manifest.created(image);
            say.accept("postfix/install: " + (existed ? "rebuilt " : "built ") + launcher
                    + " (set-gid postdrop, its own Java runtime: " + String.join(",", modules) + ")");
        }
        int gid = postdropGid.get();
        boolean fix = !Integer.valueOf(gid).equals(Files.getAttribute(launcher, "unix:gid", LinkOption.NOFOLLOW_LINKS))
                || !Integer.valueOf(0).equals(Files.getAttribute(launcher, "unix:uid", LinkOption.NOFOLLOW_LINKS))
                || ((Integer) Files.getAttribute(launcher, "unix:mode") & 07777) != 02755;
        if (fix) {
            Files.setAttribute(launcher, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(launcher, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
            // chown clears the set-gid bit; the mode comes after it. Java's POSIX view has no set-gid bit.
            run("chmod", "2755", launcher.toString());
            say.accept("postfix/install: " + launcher + ": owner root:postdrop, mode 2755");
        }
    }

    private static boolean sameJars(Path target, Path app) throws IOException {
        if (!same(target.resolve("mta.jar"), app.resolve("mta.jar"))) return false;
        for (Path j : jars(target.resolve("lib"))) if (!same(j, app.resolve("lib").resolve(j.getFileName()))) return false;
        return true;
    }

    private static boolean same(Path a, Path b) throws IOException {
        return Files.exists(b) && Files.mismatch(a, b) == -1;
    }

    private static List<Path> jars(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.jar")) {
            s.forEach(out::add);
        }
        return out;
    }

    private static void delete(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(x);
        }
    }

    private static void run(String... cmd) throws IOException {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) throw new IOException(cmd[0] + " failed: " + text);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }
}
