package mta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import mta.config.Config;
import mta.config.Params;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostconfCommandTest - postconf's options, output and exit status, positive and negative.
 *
 * <p>The expected outputs were checked against Postfix 3.7.11's postconf on the same files;
 * {@code postconf -M} is compared with {@code src/test/resources/cli/postconf-M.ref}.
 */
class PostconfCommandTest {
    private static final String MAIN_CF = """
            # top comment
            myhostname = mx.example.test
            foo_bar = baz
            mydestination = a.example,
              # inside
              b.example
            relayhost = [r.example]
            # trailing
            """;

    @TempDir Path dir;
    Path mainCf;

    @BeforeEach
    void setUp() throws Exception {
        mainCf = dir.resolve("main.cf");
        Files.writeString(mainCf, MAIN_CF);
        Files.writeString(dir.resolve("master.cf"), "");
    }

    private CommandRun postconf(String... args) {
        return CommandRun.of((a, in, out, err) -> Postconf.run(a, out, err), "", args);
    }

    /** postconf -c DIR args... */
    private CommandRun inDir(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "-c";
        all[1] = dir.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return postconf(all);
    }

    private String unused() {
        return "postconf: warning: " + mainCf + ": unused parameter: foo_bar=baz\n";
    }

    private String mainCf() throws Exception {
        return Files.readString(mainCf, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ showing parameters

    @Test
    void withoutArgumentsPrintsEveryKnownParameterSortedAndUnexpanded() {
        CommandRun r = inDir();
        assertEquals(0, r.exit());
        assertEquals(unused(), r.err());
        List<String> lines = r.out().lines().toList();
        java.util.Set<String> all = new java.util.TreeSet<>(Params.all().keySet());
        all.addAll(mta.config.PostfixParameters.all().keySet());
        assertEquals(all.size(), lines.size(), "this system's parameters and every other Postfix parameter");
        assertTrue(lines.contains("postscreen_greet_wait = ${stress?{2}:{6}}s"), "Postfix's default of one not implemented");
        assertEquals(lines.stream().sorted().toList(), lines);
        assertTrue(lines.contains("myorigin = $myhostname"), "not expanded");
        assertTrue(lines.contains("myhostname = mx.example.test"), "main.cf value");
        assertTrue(lines.contains("mydestination = a.example, b.example"), "continuation joined");
        assertTrue(lines.contains("smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination"));
        assertTrue(lines.contains("relay_domains ="), "an empty value has no trailing space");
        assertTrue(lines.contains("config_directory = " + dir), "-c sets config_directory");
    }

    @Test
    void namedParametersAndUnknownNameWarning() {
        assertEquals(new CommandRun(0, "myorigin = $myhostname\nrelayhost = [r.example]\n",
                        "postconf: warning: nosuch_param: unknown parameter\n" + unused()),
                inDir("myorigin", "nosuch_param", "relayhost"));
    }

    @Test
    void dashNPrintsOnlyWhatMainCfSets() {
        assertEquals(new CommandRun(0, "config_directory = " + dir + "\nmydestination = a.example, b.example\n"
                        + "myhostname = mx.example.test\nrelayhost = [r.example]\n", unused()),
                inDir("-n"));
        assertEquals(new CommandRun(0, "", unused()), inDir("-n", "myorigin"));
        assertEquals(new CommandRun(0, "[r.example]\n", unused()), inDir("-nh", "relayhost"));
    }

    @Test
    void dashXExpandsAndDashHLeavesTheNameOut() {
        assertEquals(new CommandRun(0, "myorigin = mx.example.test\n", unused()), inDir("-x", "myorigin"));
        assertEquals(new CommandRun(0, "$myhostname\n", unused()), inDir("-h", "myorigin"));
        assertEquals(new CommandRun(0, "local:mx.example.test\nexample.test\n", unused()),
                inDir("-xh", "local_transport", "mydomain"));
    }

    @Test
    void dashDPrintsDefaultsWithComputedOnesComputed() {
        String host = Config.of(Map.of()).get("myhostname");
        assertTrue(host.contains(".") && !host.contains("$"), host);
        assertEquals(new CommandRun(0, "myhostname = " + host + "\nmyorigin = $myhostname\n", ""),
                inDir("-d", "myhostname", "myorigin"));
        assertEquals(new CommandRun(0, "myorigin = " + host + "\n", ""), inDir("-dx", "myorigin"));
        assertEquals(new CommandRun(0, "compatibility_level = 3.6\nmynetworks_style = host\nsmtputf8_enable = yes\n", ""),
                inDir("-d", "compatibility_level", "mynetworks_style", "smtputf8_enable"));
        assertEquals(0, postconf("-c", dir.resolve("nowhere").toString(), "-d", "mail_name").exit(), "-d reads no main.cf");
    }

    // ------------------------------------------------------------------ editing main.cf

    @Test
    void dashEReplacesInPlaceKeepingCommentsAndAppendsNewNames() throws Exception {
        assertEquals(new CommandRun(0, "", ""), inDir("-e", "mydestination = x.example", "newparam=1", "relayhost="));
        assertEquals("""
                # top comment
                myhostname = mx.example.test
                foo_bar = baz
                mydestination = x.example
                  # inside
                relayhost =\s
                # trailing
                newparam = 1
                """, mainCf());
    }

    @Test
    void nameEqualsValueWithoutDashEEditsToo() throws Exception {
        assertEquals(new CommandRun(0, "", ""), inDir("relayhost=[other.example]:587"));
        assertTrue(mainCf().contains("\nrelayhost = [other.example]:587\n# trailing\n"), mainCf());
        assertEquals(new CommandRun(0, "[other.example]:587\n", unused()), inDir("-h", "relayhost"));
    }

    @Test
    void editingLeavesNoTemporaryFileAndKeepsThePermissions() throws Exception {
        Files.setPosixFilePermissions(mainCf, PosixFilePermissions.fromString("rw-r-----"));
        inDir("-e", "myorigin=$mydomain");
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(java.util.Set.of(mainCf, dir.resolve("master.cf")), java.util.Set.copyOf(s.toList()));
        }
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(mainCf)));
    }

    @Test
    void everyDuplicateEntryIsReplacedWithAWarning() throws Exception {
        Files.writeString(mainCf, "a = 1\n# x\na = 2\n");
        assertEquals(new CommandRun(0, "", "postconf: warning: " + mainCf + ": multiple entries for \"a\"\n"),
                inDir("-e", "a=3"));
        assertEquals("a = 3\n# x\na = 3\n", mainCf());
    }

    @Test
    void dashXRemovesEntriesWithTheirContinuationLines() throws Exception {
        assertEquals(new CommandRun(0, "", ""), inDir("-X", "mydestination", "foo_bar", "never_set"));
        assertEquals("""
                # top comment
                myhostname = mx.example.test
                  # inside
                relayhost = [r.example]
                # trailing
                """, mainCf());
    }

    @Test
    void dashHashCommentsOutEveryLineOfTheEntry() throws Exception {
        assertEquals(new CommandRun(0, "", ""), inDir("-#", "mydestination"));
        assertEquals("""
                # top comment
                myhostname = mx.example.test
                foo_bar = baz
                #mydestination = a.example,
                  # inside
                #  b.example
                relayhost = [r.example]
                # trailing
                """, mainCf());
    }

    @Test
    void editErrors() throws Exception {
        assertEquals(new CommandRun(1, "", "postconf: fatal: missing '=' after attribute name: \"bad\"\n"), inDir("-e", "bad"));
        assertEquals(new CommandRun(1, "", "postconf: fatal: -e requires name=value argument\n"), inDir("-e"));
        assertEquals(new CommandRun(1, "", "postconf: fatal: missing service argument\n"), inDir("-X"));
        assertEquals(new CommandRun(1, "", "postconf: fatal: specify one of -e -X\n"), inDir("-e", "-X", "a"));
        assertEquals(MAIN_CF, mainCf(), "nothing written");
        Path none = dir.resolve("none");
        assertEquals(new CommandRun(1, "", "postconf: fatal: open " + none.resolve("main.cf")
                + " for reading: No such file or directory\n"), postconf("-c", none.toString(), "-e", "a=b"));
        assertEquals(new CommandRun(1, "", "postconf: fatal: open " + none.resolve("main.cf")
                + ": No such file or directory\n"), postconf("-c", none.toString(), "mail_name"));
    }

    @Test
    void badOptionPrintsUsage() {
        CommandRun r = inDir("-Q");
        assertEquals(1, r.exit());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("postconf: invalid option -- 'Q'\npostconf: fatal: usage: postconf "), r.err());
        assertEquals(1, postconf("-c").exit());
    }

    @Test
    void dashMListsTheLookupTableTypes() {
        CommandRun r = postconf("-m");
        assertEquals(0, r.exit());
        assertEquals("", r.err());
        java.util.List<String> types = java.util.List.of(r.out().split("\n"));
        for (String t : java.util.List.of("btree", "cdb", "cidr", "hash", "inline", "ldap", "lmdb", "memcache", "mysql",
                "pcre", "pgsql", "pipemap", "proxy", "regexp", "socketmap", "sqlite", "static", "tcp", "texthash",
                "unionmap", "unix")) {
            assertTrue(types.contains(t), t + " in " + types);
        }
        assertEquals(types.stream().sorted().toList(), types, "sorted");
    }

    // ------------------------------------------------------------------ master.cf

    private void masterCf() throws Exception {
        Files.copy(Path.of(getClass().getResource("/cli/postconf-M.in").toURI()), dir.resolve("master.cf"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void dashMPrintsServicesAsPostfixDoes() throws Exception {
        masterCf();
        String ref = Files.readString(Path.of(getClass().getResource("/cli/postconf-M.ref").toURI()));
        assertEquals(new CommandRun(0, ref, ""), inDir("-M"));
    }

    @Test
    void dashMSelectsByNameOrNameAndType() throws Exception {
        masterCf();
        assertEquals(new CommandRun(0, """
                pickup     unix  n       -       n       60      1       pickup
                smtp       unix  -       -       n       -       -       smtp
                """, "postconf: warning: unmatched request: \"smtp/inet\"\n"), inDir("-M", "pickup/unix", "smtp", "smtp/inet"));
        Path none = dir.resolve("none");
        assertEquals(new CommandRun(1, "", "postconf: fatal: open " + none.resolve("master.cf")
                + ": No such file or directory\n"), postconf("-c", none.toString(), "-M"));
    }

    @Test
    void mapLockAndSaslTypesComeFromWhatThisSystemHas() {
        CommandRun m = postconf("-m");
        assertEquals(0, m.exit());
        assertEquals(String.join("\n", mta.lookup.Tables.TYPES) + "\n", m.out(), "the lookup registry, one per line");
        assertTrue(m.out().contains("hash\n") && m.out().contains("cidr\n") && m.out().contains("pcre\n"), m.out());
        assertEquals(new CommandRun(0, "fcntl\ndotlock\n", ""), postconf("-l"));
        assertEquals(new CommandRun(0, "dovecot\n", ""), postconf("-a"));
        assertEquals(new CommandRun(0, "cyrus\n", ""), postconf("-A"), "the SMTP client's built-in PLAIN and LOGIN, as smtp_sasl_type = cyrus");
    }

    @Test
    void aMissingMasterCfIsAWarningForParametersAsInPostfix() throws Exception {
        Files.delete(dir.resolve("master.cf"));
        assertEquals(new CommandRun(0, "[r.example]\n", "postconf: warning: open " + dir.resolve("master.cf")
                + ": No such file or directory\n" + unused()), inDir("-h", "relayhost"));
    }

    @Test
    void serviceDefinedParametersOfMasterCfServicesAreKnown() throws Exception {
        Files.writeString(dir.resolve("master.cf"), "smtp-amavis unix - - n - 2 smtp\n"
                + "policyd-spf unix - n n - 0 spawn user=nobody argv=/bin/true\n");
        Files.writeString(mainCf, "smtp-amavis_destination_recipient_limit = 1\npolicyd-spf_time_limit = 3600\n"
                + "policyd-spf_destination_recipient_limit = 1\n");
        assertEquals(new CommandRun(0, "1\n$default_destination_concurrency_limit\n3600\n",
                "postconf: warning: " + mainCf + ": unused parameter: policyd-spf_destination_recipient_limit=1\n"),
                inDir("-h", "smtp-amavis_destination_recipient_limit", "smtp-amavis_destination_concurrency_limit",
                        "policyd-spf_time_limit"));
    }
}
