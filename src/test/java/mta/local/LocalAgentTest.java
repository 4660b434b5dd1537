package mta.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import mta.cleanup.Cleanup;
import mta.config.Config;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;
import mta.deliver.DeliveryStatus.Outcome;
import mta.lookup.AliasSource;
import mta.lookup.Source;
import mta.lookup.TableBuilder;
import mta.lookup.Tables;
import mta.queue.QueueFile;
import mta.queue.QueueFileWriter;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.queue.RecordType;
import mta.util.MailLog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LocalAgentTest - the local delivery agent driven directly, with real queue files, a real alias
 * database, a temporary password file and homes, real commands and the real procmail.
 *
 * <p>When the tests run as root, the test users get uid 65534 so that command delivery really
 * changes rights (setpriv); the directories they write to are opened up for that.
 */
class LocalAgentTest {
    private static final String SENDER = LocalFixture.SENDER;

    @TempDir
    Path tmp;
    Path spool;
    Path out;
    Path queue;
    int uid;
    LocalFixture f;
    Map<String, String> params;

    @BeforeEach
    void setUp() throws IOException {
        f = new LocalFixture(tmp);
        params = f.params;
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        spool = Files.createDirectories(tmp.resolve("mail"));
        queue = Files.createDirectories(tmp.resolve("queue"));
        out = Files.createDirectories(tmp.resolve("out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        uid = Ownership.ROOT ? 65534 : (Integer) Files.getAttribute(tmp, "unix:uid");
        StringBuilder pw = new StringBuilder("root:x:0:0:root:/root:/bin/sh\n");
        pw.append("nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
        for (String user : new String[] {"joe", "ann"}) {
            Path home = Files.createDirectories(tmp.resolve("home").resolve(user));
            if (Ownership.ROOT) {
                Files.setAttribute(home, "unix:uid", uid);
                Files.setAttribute(home, "unix:gid", uid);
            }
            pw.append(user).append(":x:").append(uid).append(':').append(uid).append("::").append(home).append(":/bin/sh\n");
        }
        Files.setPosixFilePermissions(tmp.resolve("home"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(tmp.resolve("passwd"), pw);
        params.put("mail_spool_directory", spool.toString());
        aliases("postmaster: root\n");
    }

    // --- helpers

    private void aliases(String text) throws IOException {
        f.aliases(text);
    }

    private Queues queues() throws IOException {
        return f.queues();
    }

    private DeliveryStatus deliver(String rcpt, String... content) throws Exception {
        return f.deliver(rcpt, content);
    }

    private static void assertStatus(DeliveryStatus s, Outcome outcome, String dsn, String reason) {
        assertEquals(outcome, s.outcome(), s.toString());
        assertEquals(dsn, s.dsn().toString(), s.toString());
        assertEquals(reason, s.reason(), s.toString());
        assertEquals("local", s.relay());
    }

    private Path home(String user) {
        return tmp.resolve("home").resolve(user);
    }

    /** Writes a file that a user owns (as Postfix expects of .forward and .procmailrc). */
    private void userFile(Path file, String text) throws IOException {
        Files.writeString(file, text);
        if (Ownership.ROOT) {
            Files.setAttribute(file, "unix:uid", uid);
            Files.setAttribute(file, "unix:gid", uid);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }

    private List<QueueFile.Envelope> forwarded() throws IOException {
        List<QueueFile.Envelope> envs = new ArrayList<>();
        Queues q = queues();
        for (String id : q.list(QueueName.INCOMING)) envs.add(QueueFile.readEnvelope(q.file(QueueName.INCOMING, id)));
        return envs;
    }

    // --- mailbox delivery

    @Test
    void aUserGetsAnMboxWithEnvelopeHeadersAndFromQuoting() throws Exception {
        assertStatus(deliver("Joe@example.test"), Outcome.SENT, "2.0.0", "delivered to mailbox");
        String mbox = Files.readString(spool.resolve("joe"));
        assertTrue(mbox.startsWith("From alice@remote.test  "), mbox);
        assertTrue(mbox.contains("\nReturn-Path: <alice@remote.test>\nX-Original-To: Joe@example.test\n"
                + "Delivered-To: joe@example.test\nSubject: test\n\n>From the body\nbye\n\n"), mbox);
        if (Ownership.ROOT) assertEquals(uid, Files.getAttribute(spool.resolve("joe"), "unix:uid"));
    }

    @Test
    void anUnknownUserBouncesAndLuserRelayCatchesIt() throws Exception {
        assertStatus(deliver("nosuch+x@example.test"), Outcome.BOUNCED, "5.1.1", "unknown user: \"nosuch\"");
        params.put("luser_relay", "ann+$user");
        assertStatus(deliver("nosuch@example.test"), Outcome.SENT, "2.0.0", "delivered to mailbox");
        assertTrue(Files.readString(spool.resolve("ann")).contains("X-Original-To: nosuch@example.test\n"));
    }

    /** What a recording hand-over was asked: "transport address original offset". */
    private final List<String> passed = new ArrayList<>();

    private DeliveryStatus deliverPassing(String rcpt) throws Exception {
        mta.deliver.DeliveryPass pass = (transport, req, r) -> {
            passed.add(transport + " " + r.address() + " " + r.original());
            return DeliveryStatus.sent(r, "mx.example.test[private/dovecot-lmtp]", "250 2.0.0 <" + r.address() + "> Saved",
                    0, 0).asLogged();
        };
        List<DeliveryStatus> st = f.agent().deliver(f.request(rcpt), pass);
        assertEquals(1, st.size());
        return st.get(0);
    }

    /**
     * Postfix's order: aliases, .forward, mailbox_transport_maps, mailbox_transport (account or not),
     * ..., fallback_transport_maps, fallback_transport, luser_relay.
     */
    @Test
    void mailboxAndFallbackTransportsTakeTheMailboxAfterAliasesAndForward() throws Exception {
        aliases("postmaster: root\nteam: joe, ann\nfiled: /dev/null\n");
        userFile(home("ann").resolve(".forward"), "ann@remote.test\n");
        params.put("mailbox_transport", "lmtp:unix:private/dovecot-lmtp");
        params.put("allow_mail_to_files", "alias");

        DeliveryStatus joe = deliverPassing("Joe+x@example.test");
        assertEquals(List.of("lmtp:unix:private/dovecot-lmtp Joe+x@example.test Joe+x@example.test"), passed);
        assertEquals("Joe+x@example.test", joe.recipient().address(), "the queue file's recipient");
        assertEquals("mx.example.test[private/dovecot-lmtp]", joe.relay());
        assertTrue(joe.logged(), "the other transport logged it");
        assertFalse(Files.exists(spool.resolve("joe")));

        passed.clear();
        DeliveryStatus team = deliverPassing("team@example.test");
        // joe's mailbox is handed over; ann's .forward comes first and forwards
        assertEquals(List.of("lmtp:unix:private/dovecot-lmtp joe@example.test team@example.test"), passed);
        assertFalse(team.logged(), "a forward was made here too: local logs the whole");
        assertEquals("local", team.relay());
        assertEquals(1, forwarded().size());

        passed.clear();
        deliverPassing("nosuch@example.test"); // no account: mailbox_transport takes it all the same
        assertEquals(List.of("lmtp:unix:private/dovecot-lmtp nosuch@example.test nosuch@example.test"), passed);

        params.remove("mailbox_transport");
        params.put("mailbox_transport_maps", "inline:{ joe=lmtp:inet:127.0.0.1:24 }");
        params.put("fallback_transport", "lmtp:unix:private/other");
        params.put("luser_relay", "ann");
        passed.clear();
        deliverPassing("joe@example.test");
        DeliveryStatus unknown = deliverPassing("nosuch@example.test");
        assertEquals(List.of("lmtp:inet:127.0.0.1:24 joe@example.test joe@example.test",
                "lmtp:unix:private/other nosuch@example.test nosuch@example.test"), passed);
        assertTrue(unknown.logged());
        // ann is not in mailbox_transport_maps: her own mailbox (through her .forward's absence)
        Files.delete(home("ann").resolve(".forward"));
        assertStatus(deliverPassing("ann@example.test"), Outcome.SENT, "2.0.0", "delivered to mailbox");

        // without a queue manager behind it, a hand-over waits
        DeliveryStatus alone = f.deliver("joe@example.test");
        assertEquals(Outcome.DEFERRED, alone.outcome());
        assertEquals("mail transport unavailable", alone.reason());
    }

    @Test
    void theRecipientDelimiterSeparatesTheExtension() throws Exception {
        assertStatus(deliver("ann+lists@example.test"), Outcome.SENT, "2.0.0", "delivered to mailbox");
        assertTrue(Files.readString(spool.resolve("ann")).contains("Delivered-To: ann+lists@example.test\n"));
    }

    @Test
    void homeMailboxWithASlashIsAMaildir() throws Exception {
        params.put("home_mailbox", "Maildir/");
        assertStatus(deliver("joe@example.test"), Outcome.SENT, "2.0.0", "delivered to maildir");
        try (Stream<Path> s = Files.list(home("joe").resolve("Maildir/new"))) {
            String text = Files.readString(s.findFirst().orElseThrow());
            assertTrue(text.startsWith("Return-Path: <alice@remote.test>\nX-Original-To: joe@example.test\n"), text);
            assertTrue(text.contains("\nFrom the body\n"), text);
        }
    }

    @Test
    void aMailboxOverTheSizeLimitBounces() throws Exception {
        params.put("mailbox_size_limit", "300");
        assertStatus(deliver("joe@example.test"), Outcome.SENT, "2.0.0", "delivered to mailbox");
        DeliveryStatus s = deliver("joe@example.test", "Subject: big", "", "x".repeat(200));
        assertEquals(Outcome.BOUNCED, s.outcome(), s.toString());
        assertEquals("5.2.2", s.dsn().toString());
        assertEquals("cannot update mailbox " + spool.resolve("joe") + " for user joe. error writing message: File too large",
                s.reason());
        assertFalse(Files.readString(spool.resolve("joe")).contains("Subject: big"));
    }

    // --- aliases

    @Test
    void anAliasToItselfIsTheUsersMailbox() throws Exception {
        // As /etc/aliases often says "root: root" or "joe: joe, ann": no loop, the user's own mailbox.
        aliases("joe: joe, ann\n");
        DeliveryStatus s = deliver("joe@example.test");
        assertEquals(Outcome.SENT, s.outcome(), s.toString());
        assertTrue(Files.readString(spool.resolve("joe")).contains("Delivered-To: joe@example.test\n"));
        assertTrue(Files.exists(spool.resolve("ann")));
        assertTrue(forwarded().isEmpty(), "nothing forwarded");
    }

    @Test
    void anAliasWithContinuationLinesReachesEveryTarget() throws Exception {
        aliases("team: joe,\n\tann, bob@remote.test\n");
        DeliveryStatus s = deliver("team@example.test");
        assertEquals(Outcome.SENT, s.outcome(), s.toString());
        assertTrue(s.reason().startsWith("delivered to mailbox; forwarded as "), s.reason());
        assertTrue(Files.readString(spool.resolve("joe")).contains("Delivered-To: team@example.test\n"));
        assertTrue(Files.exists(spool.resolve("ann")));
        List<QueueFile.Envelope> f = forwarded();
        assertEquals(1, f.size());
        assertEquals(SENDER, f.get(0).sender());
        assertEquals("bob@remote.test", f.get(0).pending().get(0).address());
    }

    @Test
    void aNameInItsOwnExpansionIsTheUser() throws Exception {
        aliases("joe: joe, ann\n");
        assertStatus(deliver("joe@example.test"), Outcome.SENT, "2.0.0", "delivered to mailbox");
        assertTrue(Files.exists(spool.resolve("joe")));
        assertTrue(Files.exists(spool.resolve("ann")));
    }

    @Test
    void anAliasToACommandGetsTheMessageAndTheEnvironment() throws Exception {
        aliases("cmd: \"|env > " + out + "/env; cat > " + out + "/msg\"\n");
        DeliveryStatus s = deliver("cmd+ext@example.test");
        assertStatus(s, Outcome.SENT, "2.0.0", "delivered to command: env > " + out + "/env; cat > " + out + "/msg");
        String msg = Files.readString(out.resolve("msg"));
        assertTrue(msg.startsWith("From alice@remote.test  "), msg);
        assertTrue(msg.contains("\nDelivered-To: cmd+ext@example.test\nSubject: test\n\nFrom the body\nbye\n"), msg);
        assertTrue(msg.endsWith("bye\n"), msg);
        String env = Files.readString(out.resolve("env"));
        for (String v : new String[] {"EXTENSION=ext", "LOCAL=cmd+ext", "DOMAIN=example.test", "USER=cmd",
                "RECIPIENT=cmd+ext@example.test", "SENDER=alice@remote.test", "ORIGINAL_RECIPIENT=cmd+ext@example.test",
                "CLIENT_ADDRESS=192.0.2.7"}) {
            assertTrue(env.contains(v + "\n"), v + " in " + env);
        }
        if (Ownership.ROOT) assertEquals(65534, Files.getAttribute(out.resolve("msg"), "unix:uid"), "default_privs");
    }

    @Test
    void exitStatusesFollowSysexits() throws Exception {
        aliases("later: \"|cat >/dev/null; exit 75\"\nnouser: \"|echo no such mailbox; exit 67\"\n"
                + "crash: \"|exit 3\"\nown: \"|echo 5.2.2 over quota; exit 1\"\n");
        assertStatus(deliver("later@example.test"), Outcome.DEFERRED, "4.3.0", "temporary failure");
        assertStatus(deliver("nouser@example.test"), Outcome.BOUNCED, "5.1.1",
                "user unknown. Command output: no such mailbox");
        assertStatus(deliver("crash@example.test"), Outcome.BOUNCED, "5.3.0", "Command died with status 3: \"exit 3\"");
        assertStatus(deliver("own@example.test"), Outcome.BOUNCED, "5.2.2",
                "Command died with status 1: \"echo 5.2.2 over quota; exit 1\". Command output: 5.2.2 over quota");
    }

    @Test
    void aCommandOverTheTimeLimitIsKilled() throws Exception {
        params.put("command_time_limit", "1s");
        aliases("slow: \"|sleep 30\"\n");
        long t0 = System.nanoTime();
        assertStatus(deliver("slow@example.test"), Outcome.BOUNCED, "5.3.0", "command time limit exceeded: \"sleep 30\"");
        assertTrue(System.nanoTime() - t0 < 20_000_000_000L);
    }

    @Test
    void anAliasToAFileAppendsInMboxForm() throws Exception {
        Path file = out.resolve("archive");
        aliases("archive: " + file + "\n");
        assertStatus(deliver("archive@example.test"), Outcome.SENT, "2.0.0", "delivered to file: " + file);
        assertStatus(deliver("archive@example.test"), Outcome.SENT, "2.0.0", "delivered to file: " + file);
        String text = Files.readString(file);
        assertEquals(2, text.split("\nFrom alice@remote.test  ", -1).length, text);
        assertTrue(text.contains("\n>From the body\n"), text);
    }

    @Test
    void includeFilesAreReadRecursivelyWithoutCommandsOrFiles() throws Exception {
        Path inner = out.resolve("inner.txt");
        Files.writeString(inner, "# members\nann\n");
        Path list = out.resolve("list.txt");
        Files.writeString(list, "joe, carol@remote.test\n:include:" + inner + "\n");
        aliases("list: :include:" + list + "\nowner-list: joe\ncmds: :include:" + out.resolve("cmds.txt") + "\n");
        DeliveryStatus s = deliver("list@example.test");
        assertEquals(Outcome.SENT, s.outcome(), s.toString());
        assertTrue(Files.exists(spool.resolve("joe")));
        assertTrue(Files.exists(spool.resolve("ann")));
        List<QueueFile.Envelope> f = forwarded();
        assertEquals(1, f.size());
        assertEquals("owner-list@mx.example.test", f.get(0).sender(), "owner- alias becomes the sender");

        Files.writeString(out.resolve("cmds.txt"), "\"|touch " + out.resolve("never") + "\"\n" + out.resolve("nofile") + "\n");
        DeliveryStatus c = deliver("cmds@example.test");
        assertStatus(c, Outcome.BOUNCED, "5.7.1", "mail to command is restricted; mail to file is restricted");
        assertFalse(Files.exists(out.resolve("never")));
        params.put("allow_mail_to_commands", "alias, forward, include");
        params.put("allow_mail_to_files", "alias, forward, include");
        assertStatus(deliver("cmds@example.test"), Outcome.SENT, "2.0.0",
                "delivered to command: touch " + out.resolve("never") + "; delivered to file: " + out.resolve("nofile"));
        assertTrue(Files.exists(out.resolve("never")));
    }

    // --- .forward

    @Test
    void aForwardFileWithTheExtensionWinsThenThePlainOne() throws Exception {
        userFile(home("joe").resolve(".forward"), "# keep a copy\n\\joe, " + out.resolve("joe-file") + "\n");
        userFile(home("joe").resolve(".forward+lists"), "ann\n");
        assertStatus(deliver("joe+lists@example.test"), Outcome.SENT, "2.0.0", "delivered to mailbox");
        assertTrue(Files.exists(spool.resolve("ann")));
        assertFalse(Files.exists(spool.resolve("joe")));
        assertStatus(deliver("joe@example.test"), Outcome.SENT, "2.0.0",
                "delivered to mailbox; delivered to file: " + out.resolve("joe-file"));
        assertTrue(Files.exists(spool.resolve("joe")));
        if (Ownership.ROOT) assertEquals(uid, Files.getAttribute(out.resolve("joe-file"), "unix:uid"));
    }

    @Test
    void aUserInHisOwnForwardGetsTheMailboxAndAnEmptyForwardIsIgnored() throws Exception {
        userFile(home("joe").resolve(".forward"), "joe, ann\n");
        userFile(home("ann").resolve(".forward"), "");
        assertStatus(deliver("joe@example.test"), Outcome.SENT, "2.0.0", "delivered to mailbox");
        assertTrue(Files.exists(spool.resolve("joe")));
        assertTrue(Files.exists(spool.resolve("ann")));
    }

    // --- mailbox_command

    @Test
    void procmailAsMailboxCommandDeliversIntoAMaildir() throws Exception {
        boolean present = Files.isExecutable(Path.of("/usr/bin/procmail"));
        if (System.getenv("CI") != null) assertTrue(present, "CI installs procmail (.ci/run)");
        assumeTrue(present, "procmail is not installed");
        // procmail takes HOME from the password database, not from the environment, so the rc file
        // is named on the command line and spells the Maildir out.
        Path maildir = home("joe").resolve("Maildir");
        Path rc = home("joe").resolve(".procmailrc");
        userFile(rc, "DEFAULT=" + maildir + "/\nLOGFILE=" + home("joe") + "/procmail.log\n"
                + ":0\n* ^Subject: test\n" + maildir + "/\n");
        String command = "/usr/bin/procmail -a \"$EXTENSION\" ORGMAIL=" + maildir + "/ " + rc;
        params.put("mailbox_command", command);
        // procmail (setgid mail) creates an empty system mailbox for its user; leave none behind.
        Path spoolFile = Path.of("/var/mail", Ownership.ROOT ? "nobody" : System.getProperty("user.name"));
        boolean existed = Files.exists(spoolFile);
        try {
            deliverWithProcmail(command, maildir);
        } finally {
            if (!existed && Files.exists(spoolFile) && Files.size(spoolFile) == 0) Files.deleteIfExists(spoolFile);
        }
    }

    private void deliverWithProcmail(String command, Path maildir) throws Exception {
        assertStatus(deliver("joe@example.test"), Outcome.SENT, "2.0.0", "delivered to command: " + command);
        try (Stream<Path> s = Files.list(maildir.resolve("new"))) {
            List<Path> files = s.toList();
            assertEquals(1, files.size());
            String text = Files.readString(files.get(0));
            assertTrue(text.contains("Delivered-To: joe@example.test\n"), text);
            assertTrue(text.contains("\nFrom the body\n"), text);
        }
    }

    // --- loops

    @Test
    void aDeliveredToHeaderForTheRecipientIsALoop() throws Exception {
        assertStatus(deliver("joe@example.test", "Delivered-To: Joe@Example.test", "Subject: x", "", "body"),
                Outcome.BOUNCED, "5.4.6", "mail forwarding loop for joe@example.test");
        assertStatus(deliver("joe@example.test", "Delivered-To: ann@example.test", "Subject: x", "", "body"),
                Outcome.SENT, "2.0.0", "delivered to mailbox");
    }

    @Test
    void tooManyReceivedHeadersIsALoop() throws Exception {
        params.put("hopcount_limit", "2");
        assertStatus(deliver("joe@example.test", "Received: a", "Received: b", "Received: c", "", "body"),
                Outcome.BOUNCED, "5.4.6", "mail forwarding loop for joe@example.test");
        assertStatus(deliver("joe@example.test", "Received: a", "Received: b", "", "body"),
                Outcome.SENT, "2.0.0", "delivered to mailbox");
    }

    @Test
    void theForwardedCopyCarriesDeliveredTo() throws Exception {
        aliases("fw: bob@remote.test\n");
        DeliveryStatus s = deliver("fw@example.test");
        List<QueueFile.Envelope> f = forwarded();
        assertEquals(1, f.size());
        assertTrue(s.reason().startsWith("forwarded as "), s.reason());
        Queues q = queues();
        String id = q.list(QueueName.INCOMING).get(0);
        StringBuilder text = new StringBuilder();
        QueueFile.forEachLine(q.file(QueueName.INCOMING, id), f.get(0).contentOffset(),
                (b, len) -> text.append(new String(b, 0, len, StandardCharsets.UTF_8)).append('\n'));
        assertTrue(text.toString().contains("Delivered-To: fw@example.test\n"), text.toString());
    }
}
