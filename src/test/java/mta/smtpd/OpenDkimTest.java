package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import mta.dns.TestDnsServer;
import mta.master.Master;
import mta.testing.ServerProcess;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OpenDkimTest - smtpd_milters with the real OpenDKIM: signing mail from the inside, verifying mail from outside.
 *
 * <p>OpenDKIM (Debian package opendkim; .ci/run installs it) runs privately in mode {@code sv}:
 * its own port on 127.0.0.1, a key made by {@code opendkim-genkey} under a temporary directory,
 * and an Unbound configuration that sends its DNS questions to the project's
 * {@link TestDnsServer}, which serves the public key as the TXT record
 * {@code test._domainkey.example.test}. Mail from 127.0.0.1 (OpenDKIM's internal host) gets a
 * {@code DKIM-Signature}; the signed message sent again from 127.0.0.2, an outside client, is
 * verified by OpenDKIM, which adds {@code Authentication-Results: ... dkim=pass}: the headers and
 * body went to the filter intact, and the header it added reached the queue file intact.
 */
class OpenDkimTest {
    static Path dir;
    static TestDnsServer dns;
    static ServerProcess opendkim;
    static TestSite site;
    static Master m;
    static SmtpdTestSupport sup;

    @BeforeAll
    static void start() throws Exception {
        ServerProcess.require(Path.of("/usr/sbin/opendkim"), "opendkim");
        ServerProcess.require(Path.of("/usr/sbin/opendkim-genkey"), "opendkim-tools");
        dir = ServerProcess.directory("opendkim");
        ServerProcess.run(List.of("/usr/sbin/opendkim-genkey", "-b", "1024", "-D", dir.toString(), "-d", "example.test",
                "-s", "test"), dir);
        Path key = dir.resolve("test.private");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        if (ServerProcess.ROOT) {
            Files.setOwner(key, key.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        }
        String txt = Files.readString(dir.resolve("test.txt")).replaceAll("(?s)^[^(]*\\(|\\).*$", "")
                .replaceAll("\"\\s*\"", "").replaceAll("[\"\\s]", "");
        Matcher p = Pattern.compile("p=([A-Za-z0-9+/=]+)").matcher(txt);
        assertTrue(p.find(), txt);
        dns = TestDnsServer.start();
        dns.txt("test._domainkey.example.test", "v=DKIM1; k=rsa; p=" + p.group(1));
        Files.writeString(dir.resolve("unbound.conf"), String.join("\n",
                "server:",
                "  do-not-query-localhost: no",
                "  local-zone: \"test.\" nodefault", // Unbound answers .test itself otherwise (RFC 6761)
                "  username: \"\"",
                "  chroot: \"\"",
                "forward-zone:",
                "  name: \".\"",
                "  forward-addr: 127.0.0.1@" + dns.port(), ""));
        int port = TestSite.freePort();
        Files.writeString(dir.resolve("opendkim.conf"), String.join("\n",
                "Syslog no",
                "Background no",
                "Mode sv",
                "Domain example.test",
                "Selector test",
                "KeyFile " + key,
                "Socket inet:" + port + "@127.0.0.1",
                "PidFile " + dir.resolve("opendkim.pid"),
                "Canonicalization relaxed/simple",
                "InternalHosts 127.0.0.1",
                "AuthservID mx.example.test",
                "RequireSafeKeys false", // the temporary directory lies under /tmp, which others may write
                "ResolverConfiguration " + dir.resolve("unbound.conf"), ""));
        opendkim = new ServerProcess("opendkim", dir.resolve("opendkim.log"), ServerProcess.asNobody(
                List.of("/usr/sbin/opendkim", "-f", "-x", dir.resolve("opendkim.conf").toString())));
        opendkim.start(port);

        site = new TestSite(Files.createTempDirectory("opendkim-site"));
        site.param("smtpd_milters", "inet:127.0.0.1:" + port).param("mynetworks", "127.0.0.0/8").write();
        m = Master.start(site.config, Master.Options.defaults());
        sup = new SmtpdTestSupport(site, m);
    }

    @AfterAll
    static void stop() {
        if (m != null) m.close();
        if (opendkim != null) opendkim.stop();
        if (dns != null) dns.close();
        ServerProcess.delete(dir);
        if (site != null) ServerProcess.delete(site.root);
    }

    private static String send(String client, List<String> content) throws IOException {
        try (Transcript t = Transcript.connectFrom(client, site.smtpdPort)) {
            t.expect("220 ");
            t.send("EHLO client.example.test").expect("250 ");
            t.send("MAIL FROM:<alice@example.test>").expect("250 ");
            t.send("RCPT TO:<root@example.test>").expect("250 ");
            t.send("DATA").expect("354 ");
            for (String line : content) t.send(line.startsWith(".") ? "." + line : line);
            String reply = t.send(".").reply();
            t.send("QUIT").expect("221 ");
            return reply;
        }
    }

    /** The delivered message whose Subject is {@code subject}, as raw lines. */
    private static List<String> delivered(String subject) throws Exception {
        Path newDir = site.maildir("root").resolve("new");
        Path[] found = new Path[1];
        SmtpdTestSupport.waitFor(() -> {
            try (Stream<Path> s = Files.isDirectory(newDir) ? Files.list(newDir) : Stream.empty()) {
                for (Path f : s.toList()) {
                    if (Files.readString(f, StandardCharsets.ISO_8859_1).contains("\nSubject: " + subject + "\n")) {
                        found[0] = f;
                        return true;
                    }
                }
            } catch (IOException e) {
                return false;
            }
            return false;
        }, "delivery of " + subject);
        return Files.readAllLines(found[0], StandardCharsets.ISO_8859_1);
    }

    private static String header(List<String> lines, String name) {
        StringBuilder h = null;
        for (String l : lines) {
            if (l.isEmpty()) break;
            if (h != null && (l.startsWith(" ") || l.startsWith("\t"))) {
                h.append('\n').append(l);
                continue;
            }
            if (h != null) return h.toString();
            if (l.regionMatches(true, 0, name + ":", 0, name.length() + 1)) h = new StringBuilder(l);
        }
        return h == null ? null : h.toString();
    }

    @Test
    void mailFromInsideIsSignedAndTheSignatureVerifiesFromOutside() throws Exception {
        List<String> content = List.of("From: Alice <alice@example.test>", "To: root@example.test",
                "Subject: signed by opendkim", "Date: Sun, 6 Dec 2026 10:00:00 +0000",
                "Message-ID: <dkim-1@example.test>", "", "Hello,", "", ".a line that starts with a dot",
                "  trailing spaces   ", "the end");
        SmtpdTestSupport.queuedId(send("127.0.0.1", content));
        List<String> signed = delivered("signed by opendkim");
        String sig = header(signed, "DKIM-Signature");
        assertNotNull(sig, String.join("\n", signed));
        assertTrue(sig.contains("d=example.test") && sig.contains("s=test"), sig);

        // the signed message, from an outside client: OpenDKIM verifies it
        int start = 0;
        while (!signed.get(start).startsWith("DKIM-Signature:")) start++; // without our delivery headers above it
        List<String> again = new java.util.ArrayList<>(signed.subList(start, signed.size()));
        again.replaceAll(l -> l.replace("Subject: signed by opendkim", "Subject: signed by opendkim"));
        String subjectLine = "Subject: signed by opendkim";
        assertTrue(again.contains(subjectLine));
        SmtpdTestSupport.queuedId(send("127.0.0.2", again));
        List<String> verified = waitForSecondCopy();
        String all = String.join("\n", verified);
        assertTrue(all.contains("Authentication-Results: mx.example.test;") && all.replaceAll("\\s+", " ")
                .matches("(?s).*Authentication-Results: mx\\.example\\.test; dkim=pass \\(1024-bit key.*"), all + "\nDNS: " + dns.questions());
        assertEquals(1, verified.stream().filter(l -> l.startsWith("DKIM-Signature:")).count(),
                "an outside client's mail is verified, not signed again");
    }

    /** The second delivered copy of the signed message (the one with Authentication-Results). */
    private static List<String> waitForSecondCopy() throws Exception {
        Path newDir = site.maildir("root").resolve("new");
        List<String>[] found = new List[1];
        SmtpdTestSupport.waitFor(() -> {
            try (Stream<Path> s = Files.list(newDir)) {
                for (Path f : s.toList()) {
                    List<String> lines = Files.readAllLines(f, StandardCharsets.ISO_8859_1);
                    if (header(lines, "Authentication-Results") != null) {
                        found[0] = lines;
                        return true;
                    }
                }
            } catch (IOException e) {
                return false;
            }
            return false;
        }, "delivery of the verified copy\n" + sup.log());
        return found[0];
    }

    @Test
    void theMilterSeesEveryStageAndTheLogSaysNothingWentWrong() throws Exception {
        List<String> content = List.of("From: alice@example.test", "To: root@example.test", "Subject: quiet", "",
                "body");
        SmtpdTestSupport.queuedId(send("127.0.0.1", content));
        delivered("quiet");
        assertTrue(!sup.log().contains("warning: milter") && !sup.log().contains("warning: connect to Milter"),
                sup.log());
    }
}
