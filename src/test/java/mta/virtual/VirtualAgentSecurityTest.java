package mta.virtual;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import mta.config.Config;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;
import mta.deliver.Recipient;
import mta.queue.QueueFile;
import mta.queue.QueueFileWriter;
import mta.queue.RecordType;
import mta.util.MailLog;
import mta.util.PosixAccounts;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VirtualAgentSecurityTest - virtual(8) mailboxes are written with the rights of virtual_uid_maps
 * and virtual_gid_maps, never root's: a mailbox name that the mailbox owner turned into a link to
 * a root file is not written through, and new files belong to the mapped user with Postfix's
 * modes. Run as root with a throw-away uid (61001); skipped otherwise.
 */
class VirtualAgentSecurityTest {
    @TempDir
    Path tmp;
    Path base;
    Path rootFile;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(PosixAccounts.ROOT, "these tests change file-system identities and need root (CI runs as root)");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        base = Files.createDirectories(tmp.resolve("vmail"));
        Files.setAttribute(base, "unix:gid", 61001);
        Files.setAttribute(base, "unix:uid", 61001);
        rootFile = Files.writeString(tmp.resolve("rootfile"), "root's\n");
    }

    private DeliveryStatus deliver(String rcpt) throws Exception {
        Files.writeString(tmp.resolve("vmailbox"), "ann@box.example ann/\nben@box.example ben\n");
        Config c = Config.of(Map.of("virtual_mailbox_maps", "texthash:" + tmp.resolve("vmailbox"),
                "virtual_mailbox_base", base.toString(), "virtual_uid_maps", "static:61001",
                "virtual_gid_maps", "static:61001", "myhostname", "mx.example.test"));
        Path file;
        try (QueueFileWriter w = QueueFileWriter.create(Files.createDirectories(tmp.resolve("active")), false)) {
            w.record(RecordType.TIME, Long.toString(System.currentTimeMillis()));
            w.record(RecordType.SENDER, "alice@remote.test");
            w.record(RecordType.RECIPIENT, rcpt);
            w.startContent();
            for (String line : List.of("Subject: v", "", "body")) {
                byte[] b = line.getBytes(StandardCharsets.UTF_8);
                w.contentLine(b, 0, b.length, 2048);
            }
            file = w.commit();
        }
        QueueFile.Envelope env = QueueFile.readEnvelope(file);
        DeliveryRequest req = new DeliveryRequest(file.getFileName().toString(), file, "virtual", "box.example",
                env.sender(), Recipient.of(env.pending()), Instant.now(), Instant.now(), env.contentOffset(), env.contentSize(), Map.of());
        return new VirtualAgent(c, MailLog.stderr("postfix").channel("virtual")).deliver(req).get(0);
    }

    @Test
    void aMailboxThatIsALinkToARootFileIsNotWritten() throws Exception {
        Path link = Files.createSymbolicLink(base.resolve("ben"), rootFile);
        Files.setAttribute(link, "unix:uid", 61001, LinkOption.NOFOLLOW_LINKS);
        DeliveryStatus s = deliver("ben@box.example");
        assertEquals(DeliveryStatus.Outcome.BOUNCED, s.outcome(), s.toString());
        assertEquals("cannot update mailbox " + link + " for user ben@box.example. cannot open file: Permission denied",
                s.reason());
        assertEquals("root's\n", Files.readString(rootFile));
        assertEquals(0, Files.getAttribute(rootFile, "unix:uid"));
    }

    @Test
    void newMailboxesBelongToTheMappedUserWithPostfixsModes() throws Exception {
        assertEquals(DeliveryStatus.Outcome.SENT, deliver("ben@box.example").outcome());
        assertEquals(61001, Files.getAttribute(base.resolve("ben"), "unix:uid"));
        assertEquals(0600, (Integer) Files.getAttribute(base.resolve("ben"), "unix:mode") & 07777);
        assertEquals(DeliveryStatus.Outcome.SENT, deliver("ann@box.example").outcome());
        assertEquals(0700, (Integer) Files.getAttribute(base.resolve("ann/new"), "unix:mode") & 07777);
        try (Stream<Path> l = Files.list(base.resolve("ann/new"))) {
            Path msg = l.findFirst().orElseThrow();
            assertEquals(61001, Files.getAttribute(msg, "unix:uid"));
            assertEquals(0600, (Integer) Files.getAttribute(msg, "unix:mode") & 07777);
            assertTrue(Files.readString(msg).contains("Subject: v"));
        }
    }
}
