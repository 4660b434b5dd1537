package mta.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import mta.testing.Transcript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RealWorldConfigIT - the main.cf and master.cf of eight widely deployed mail servers, rendered
 * as their SOURCE.txt says ({@link RealWorldFixture}), checked and started with bin/postfix as an
 * administrator would.
 *
 * <p>Debian's stock "Internet Site" configuration must pass {@code postfix check} (warnings
 * allowed), start, listen on every master.cf inet port, answer EHLO there with STARTTLS offered
 * and working with its root-only (0600) key, and deliver a message to the postmaster alias; so
 * must the same configuration with postscreen turned on ({@code debian-postscreen}), whose port 25
 * postscreen serves, handing the client to the {@code smtpd pass} entry. The seven others, which
 * nothing stops any more (the last features they needed were postscreen, milters and Cyrus SASL),
 * must pass {@code postfix check}, start and answer on every inet port ({@link
 * #startsAndEveryInetPortAnswers}); their databases, Dovecot, amavis and milters are not started,
 * so they are sent no message. A start-up refusal of any of them fails
 * the test: it is a class of problem this work should have fixed. A table of what each
 * configuration does is written to {@code target/real-world.md} (docs/real-world.md is its edited form).
 *
 * <p>Privilege separation: the key is root-only, as on real servers. Run as root, the master runs
 * as mail_owner ({@code postfix}, asserted) and gets the key from the privileged process; STARTTLS
 * must work all the same. {@code -Drealworld.privsep=false} runs the whole system as root instead
 * (mail_owner set to an account that does not exist), for a machine without the postfix account.
 */
class RealWorldConfigIT {
    /** Run with privilege separation (mail_owner = postfix) when run as root; on unless -Drealworld.privsep=false. */
    static final boolean PRIVSEP = !"false".equals(System.getProperty("realworld.privsep"));

    /** One row of target/real-world.md per configuration, in test order. */
    static final Map<String, String> REPORT = new LinkedHashMap<>();

    @TempDir
    static Path tmp;

    record Result(int code, String out) {}

    /** The instance directory; with privilege separation mail_owner must be able to reach it. */
    static Path instance(String name) throws Exception {
        if (PRIVSEP) Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return tmp.resolve(name);
    }

    static Result bin(Path dir, String... args) throws Exception {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of("bin").resolve(args[0]).toAbsolutePath().toString());
        argv.add("-c");
        argv.add(dir.toString());
        argv.addAll(List.of(args).subList(1, args.length));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "finished: " + argv);
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    /** The text after "fatal: " of each fatal line. */
    static Set<String> fatal(String output) {
        Set<String> out = new LinkedHashSet<>();
        for (String line : output.split("\n")) {
            int at = line.indexOf("fatal: ");
            if (at >= 0 && (line.startsWith("postfix/") || line.startsWith("postfix:"))) out.add(line.substring(at + 7));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"debian", "debian-postscreen"})
    void debiansStockConfigurationChecksStartsListensAndDelivers(String name) throws Exception {
        RealWorldFixture f = RealWorldFixture.render(name, instance(name), PRIVSEP);
        Result check = bin(f.dir, "postfix", "check");
        assertEquals(0, check.code(), check.out());
        assertEquals(Set.of(), fatal(check.out()));
        Result start = bin(f.dir, "postfix", "start");
        assertEquals(0, start.code(), start.out());
        try {
            if (PRIVSEP && mta.util.PosixAccounts.ROOT) {
                long pid = Long.parseLong(Files.readString(f.dir.resolve("queue/pid/master.pid")).strip());
                assertEquals("postfix", ProcessHandle.of(pid).flatMap(h -> h.info().user()).orElse("?"),
                        "the master runs as mail_owner, without access to the root-only key");
            }
            assertFalse(f.ports.isEmpty());
            for (Map.Entry<String, Integer> e : f.ports.entrySet()) {
                try (Transcript t = Transcript.connect(e.getValue())) {
                    t.expect("220 mail.example.com ESMTP Postfix (Debian/GNU)");
                    String ehlo = t.send("EHLO client.example.org").reply();
                    assertTrue(ehlo.startsWith("250-mail.example.com"), e.getKey() + ": " + ehlo);
                    assertTrue(ehlo.contains("250-STARTTLS"), e.getKey() + " offers STARTTLS with a root-only key: " + ehlo);
                    t.send("STARTTLS").expect("220 2.0.0 Ready to start TLS");
                    t.startTls();
                    assertFalse(t.send("EHLO client.example.org").reply().contains("STARTTLS"), "not offered twice");
                    t.send("MAIL FROM:<sender@example.org>").expect("250 2.1.0 Ok");
                    t.send("RCPT TO:<postmaster@mail.example.com>").expect("250 2.1.5 Ok");
                    t.send("DATA").expect("354 ");
                    t.send("Subject: real-world " + name + " via " + e.getKey());
                    t.send("");
                    t.send("hello");
                    t.send(".").expect("250 2.0.0 Ok: queued as ");
                    t.send("QUIT").expect("221 ");
                }
            }
            Path inbox = f.dir.resolve("mail/root/new");
            WalkingSkeletonTest.waitFor(() -> WalkingSkeletonTest.count(inbox) == f.ports.size(),
                    "delivery through the postmaster alias to root's mailbox");
            REPORT.put(name, "| " + name + " | passes | starts, ports " + f.ports.keySet() + " listen, STARTTLS, delivers | |");
        } finally {
            Result stop = bin(f.dir, "postfix", "stop");
            assertEquals(0, stop.code(), stop.out());
        }
    }

    /**
     * Configurations that start but whose mail goes through services the test does not run
     * (iRedMail: MySQL tables, amavis as content_filter; the others: their milters, databases and
     * Dovecot): each must pass check, start, and answer on every master.cf inet port: postscreen on
     * port 25 (handing the allow-listed client to the pass entry's smtpd, behind the PROXY protocol
     * on mailcow's 10025), submission with STARTTLS, port 465 in TLS wrapper mode, the re-injection
     * ports. Where a milter that is not running has Postfix's default action, tempfail, EHLO gets
     * its {@code 451 4.7.1} (docs/milter.md), the answer Postfix gives too.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"iredmail", "ispmail", "miab", "dms", "mailcow", "mailu", "modoboa"})
    void startsAndEveryInetPortAnswers(String name) throws Exception {
        RealWorldFixture f = RealWorldFixture.render(name, instance(name), PRIVSEP);
        Result check = bin(f.dir, "postfix", "check");
        assertEquals(0, check.code(), check.out());
        Result start = bin(f.dir, "postfix", "start");
        assertEquals(0, start.code(), start.out());
        try {
            assertFalse(f.ports.isEmpty());
            Map<String, String> options = serviceOptions(name);
            List<String> smtpPorts = new ArrayList<>();
            for (Map.Entry<String, Integer> e : f.ports.entrySet()) {
                String o = options.getOrDefault(e.getKey(), "");
                if (!o.startsWith("command=smtpd") && !o.startsWith("command=postscreen")) continue; // spawn: not SMTP
                smtpPorts.add(e.getKey());
                boolean proxied = o.contains("upstream_proxy_protocol=haproxy");
                boolean wrapper = List.of("465", "smtps", "submissions").contains(e.getKey())
                        || o.contains("smtpd_tls_wrappermode=yes");
                if (proxied && wrapper) { // a PROXY header, then TLS at once: the port must at least take connections
                    new java.net.Socket("127.0.0.1", e.getValue()).close();
                    continue;
                }
                try (Transcript t = wrapper ? Transcript.connectTls(e.getValue()) : Transcript.connect(e.getValue())) {
                    if (proxied) t.sendRaw("PROXY TCP4 192.0.2.7 127.0.0.1 40000 " + e.getValue() + "\r\n");
                    try {
                        t.expect("220 ");
                    } catch (AssertionError | java.io.IOException x) {
                        throw new AssertionError(name + " " + e.getKey() + (proxied ? " (PROXY)" : "") + ": " + x.getMessage(), x);
                    }
                    String ehlo = t.send("EHLO client.example.org").reply();
                    if (ehlo.equals("451 4.7.1 Service unavailable - try again later")) { // its milter is not running
                        t.send("QUIT").expect("221 ");
                        continue;
                    }
                    assertTrue(ehlo.startsWith("250-"), e.getKey() + ": " + ehlo);
                    if (e.getKey().equals("submission")) assertTrue(ehlo.contains("250-STARTTLS"), ehlo);
                    t.send("QUIT").expect("221 ");
                }
            }
            REPORT.put(name, "| " + name + " | passes | starts, ports " + smtpPorts + " answer EHLO | |");
        } finally {
            Result stop = bin(f.dir, "postfix", "stop");
            assertEquals(0, stop.code(), stop.out());
        }
    }

    /** Each master.cf service of a fixture, by its name: {@code command=PROGRAM} and its {@code -o} lines, joined. */
    static Map<String, String> serviceOptions(String name) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        String current = null;
        for (String line : Files.readAllLines(Path.of("src/test/resources/realworld", name, "master.cf"))) {
            if (line.isBlank() || line.startsWith("#")) continue;
            if (!Character.isWhitespace(line.charAt(0))) {
                String[] w = line.split("\\s+");
                current = w[0];
                out.put(current, w.length > 7 ? "command=" + w[7] : "");
            } else if (current != null) {
                out.put(current, out.get(current) + " " + line.strip());
            }
        }
        return out;
    }

    @AfterAll
    static void report() throws Exception {
        StringBuilder md = new StringBuilder("| configuration | postfix check | postfix start | still missing |\n"
                + "|---|---|---|---|\n");
        REPORT.values().forEach(row -> md.append(row).append('\n'));
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/real-world.md"), md, StandardCharsets.UTF_8);
        System.out.println(md);
    }
}
