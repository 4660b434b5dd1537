package mta.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mta.testing.TestSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BuildScriptsIT - ./mvnw is the Maven Wrapper (it fetches the pinned Maven, checks its SHA-256,
 * runs it with a JDK >= 21, and needs no mvn on the PATH), and bin/'s first-use build prints no
 * terminal escape codes. Both run on copies in a temporary directory, with a fake Maven
 * distribution (a tarball served as a file: URL) and a fake ./mvnw, so nothing is downloaded.
 */
class BuildScriptsIT {
    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {}

    private Result exec(Map<String, String> env, Path dir, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().putAll(env);
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished: " + List.of(cmd));
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static Path script(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /** A copy of the wrapper (mvnw, bin/.java.sh, .mvn/wrapper/) whose properties name {@code dist}. */
    private Path wrapperCopy(Path dist, String sha256) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.copy(Path.of("mvnw"), home.resolve("mvnw"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.createDirectories(home.resolve("bin"));
        Files.copy(Path.of("bin/.java.sh"), home.resolve("bin/.java.sh"));
        Files.createDirectories(home.resolve(".mvn/wrapper"));
        Files.copy(Path.of(".mvn/wrapper/Download.java"), home.resolve(".mvn/wrapper/Download.java"));
        Files.writeString(home.resolve(".mvn/wrapper/maven-wrapper.properties"),
                "distributionUrl=" + dist.toUri() + "\ndistributionSha256Sum=" + sha256 + "\n");
        return home;
    }

    @Test
    void mvnwFetchesThePinnedMavenChecksItAndNeedsNoMvnOnThePath() throws Exception {
        // The "distribution": apache-maven-9.9.9/bin/mvn, which says how it was run.
        Path build = tmp.resolve("build");
        script(build.resolve("apache-maven-9.9.9/bin/mvn"), "#!/bin/sh\necho \"pinned maven: JAVA_HOME=$JAVA_HOME args=$*\"\n");
        Path dist = tmp.resolve("apache-maven-9.9.9-bin.tar.gz");
        assertEquals(0, exec(Map.of(), build, "tar", "czf", dist.toString(), "apache-maven-9.9.9").code());
        String sum = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(dist)));
        // An "mvn" on the PATH that must not be used while the pinned one can be had.
        Path fakeBin = tmp.resolve("fakebin");
        script(fakeBin.resolve("mvn"), "#!/bin/sh\necho \"mvn from the PATH: $*\"\n");
        Map<String, String> env = Map.of("PATH", fakeBin + ":/usr/bin:/bin", "MAVEN_USER_HOME", tmp.resolve("m2").toString());

        Path home = wrapperCopy(dist, sum);
        Result first = exec(env, home, "./mvnw", "-q", "verify");
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().startsWith("pinned maven: JAVA_HOME=/"), first.out());
        assertTrue(first.out().contains("args=-f " + home.toRealPath().resolve("pom.xml") + " -q verify"), first.out());
        assertTrue(first.err().contains("mvnw: downloading " + dist.toUri()), first.err());
        String javaHome = first.out().substring("pinned maven: JAVA_HOME=".length(), first.out().indexOf(" args="));
        String release = Files.readString(Path.of(javaHome, "release"));
        int major = Integer.parseInt(release.replaceAll("(?s).*JAVA_VERSION=\"(\\d+).*", "$1"));
        assertTrue(major >= 21, release);
        // Later runs start the unpacked copy: no download.
        Result second = exec(env, home, "./mvnw", "-v");
        assertEquals(0, second.code(), second.err());
        assertEquals("", second.err());
        assertTrue(second.out().startsWith("pinned maven:"), second.out());

        // A distribution whose SHA-256 does not match is refused; only then is mvn from the PATH used.
        Path m2 = tmp.resolve("m2b");
        Files.writeString(home.resolve(".mvn/wrapper/maven-wrapper.properties"),
                "distributionUrl=" + dist.toUri() + "\ndistributionSha256Sum=" + "0".repeat(64) + "\n");
        Result wrong = exec(Map.of("PATH", fakeBin + ":/usr/bin:/bin", "MAVEN_USER_HOME", m2.toString()), home, "./mvnw", "-v");
        assertEquals(0, wrong.code(), wrong.err());
        assertTrue(wrong.err().contains("wrong SHA-256") && wrong.err().contains("mvnw: warning: "), wrong.err());
        assertTrue(wrong.out().startsWith("mvn from the PATH:"), wrong.out());
        try (Stream<Path> s = Files.walk(m2)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().equals("mvn")), "nothing unpacked");
        }
    }

    @Test
    void theFirstUseBuildPrintsNoEscapeCodes() throws Exception {
        // A copy of bin/ whose ./mvnw speaks in colour, as an older Maven does even with -B, and
        // "builds" by copying the real jar.
        Path home = Files.createDirectories(tmp.resolve("home"));
        try (Stream<Path> s = Files.list(Path.of("bin"))) {
            for (Path p : s.toList()) {
                Files.createDirectories(home.resolve("bin"));
                Files.copy(p, home.resolve("bin").resolve(p.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        Path target = Path.of("target").toAbsolutePath();
        script(home.resolve("mvnw"), "#!/bin/sh\n"
                + "printf '\\033[0m\\033[1mbuilding\\033[m\\n'; printf '\\033[0m\\033[33;1mWARNING\\033[0m\\n' >&2\n"
                + "mkdir -p \"$(dirname \"$0\")/target\" && cp -r " + target.resolve("mta.jar") + " " + target.resolve("lib")
                + " \"$(dirname \"$0\")/target/\"\n");
        TestSite site = new TestSite(tmp.resolve("site")).write();
        Result r = exec(Map.of("MAIL_CONFIG", site.config.toString()), home, home.resolve("bin/postconf").toString(),
                "-h", "mail_name");
        assertEquals(0, r.code(), r.err());
        assertEquals("Postfix\n", r.out());
        assertTrue(r.err().contains("postconf: building ") && r.err().contains("building\nWARNING\n"), r.err());
        assertFalse(r.err().contains("\u001b") || r.out().contains("\u001b"), "escape codes: " + r.err().replace("\u001b", "ESC"));
        assertTrue(new String(Files.readAllBytes(home.resolve("bin/.java.sh")), StandardCharsets.UTF_8).contains("mvnw"));
    }
}
