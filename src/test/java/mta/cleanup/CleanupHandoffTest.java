package mta.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mta.config.Config;
import mta.mail.Address;
import mta.queue.IncomingHandoff;
import mta.queue.QueueFile;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.queue.Trigger;
import mta.testing.ImmutableDirs;
import mta.util.DirectoryForce;
import mta.util.MailLog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CleanupHandoffTest - where cleanup commits a message: straight into active/ and handed over
 * when the queue manager made room for it; into incoming/ with a wake-up of the scan when it had
 * none, or when it could not take the message after all (the file is moved back to incoming/).
 */
class CleanupHandoffTest {
    @TempDir
    Path tmp;
    private Queues queues;
    private final List<Character> triggers = new ArrayList<>();
    private final List<String> reserved = new ArrayList<>();
    private final List<String> released = new ArrayList<>();
    /** What the hand-off saw: the queue ID, and whether the file was in active/ then. */
    private final List<String> handedOff = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        queues = new Queues(tmp.resolve("spool"));
        queues.create();
    }

    /** A queue manager that has room ({@code room}) and takes the hand-off ({@code takes}) or not. */
    private IncomingHandoff qmgr(boolean room, boolean takes) {
        return new IncomingHandoff() {
            @Override
            public boolean reserve(String id) {
                if (room) reserved.add(id);
                return room;
            }

            @Override
            public void release(String id) {
                released.add(id);
            }

            @Override
            public boolean handOff(String id, QueueFile.Envelope envelope) {
                assertNotNull(envelope, "the envelope as written");
                assertEquals(List.of("bob@remote.test"), envelope.recipients().stream().map(QueueFile.Recipient::address).toList());
                handedOff.add(id + (java.nio.file.Files.exists(queues.file(QueueName.ACTIVE, id)) ? " in active" : " elsewhere"));
                return takes;
            }
        };
    }

    private String submit(IncomingHandoff handoff) throws Exception {
        return submit(handoff, () -> { });
    }

    /** {@code beforeCommit} runs once the message is written, before it is committed. */
    private String submit(IncomingHandoff handoff, Runnable beforeCommit) throws Exception {
        Config config = Config.of(Map.of("queue_directory", tmp.resolve("spool").toString(),
                "myhostname", "mx.example.test", "mydestination", "example.test"));
        Cleanup cleanup = new Cleanup(config, queues, MailLog.stderr("postfix"), triggers::add, handoff);
        try (CleanupService.Transaction t = cleanup.open(CleanupService.Source.PICKUP)) {
            t.sender(Address.parse("alice@example.test"), "");
            t.recipient(Address.parse("bob@remote.test"), null);
            for (String l : List.of("Subject: s", "", "body")) {
                byte[] b = l.getBytes(StandardCharsets.UTF_8);
                t.line(b, b.length);
            }
            beforeCommit.run();
            return t.commit();
        }
    }

    @Test
    void withRoomTheMessageGoesStraightToActiveAndIsHandedOver() throws Exception {
        String id = submit(qmgr(true, true));
        assertEquals(List.of(id), reserved);
        assertEquals(List.of(id + " in active"), handedOff);
        assertEquals(List.of(id), queues.list(QueueName.ACTIVE));
        assertEquals(List.of(), queues.list(QueueName.INCOMING), "never in incoming/");
        assertEquals(List.of(), triggers, "no scan needed");
        assertEquals(List.of(), released);
    }

    @Test
    void withoutRoomTheMessageWaitsInIncomingForTheScan() throws Exception {
        String id = submit(qmgr(false, true));
        assertEquals(List.of(), handedOff);
        assertEquals(List.of(id), queues.list(QueueName.INCOMING));
        assertEquals(List.of(), queues.list(QueueName.ACTIVE));
        assertEquals(List.of(Trigger.WAKEUP), triggers);
    }

    @Test
    void aHandOffRefusedAfterTheCommitMovesTheFileBackToIncoming() throws Exception {
        String id = submit(qmgr(true, false));
        assertEquals(List.of(id + " in active"), handedOff);
        assertEquals(List.of(id), queues.list(QueueName.INCOMING), "moved back, for the scan");
        assertEquals(List.of(), queues.list(QueueName.ACTIVE));
        assertEquals(List.of(Trigger.WAKEUP), triggers);
    }

    @Test
    void noneSendsEveryMessageToIncoming() throws Exception {
        DirectoryForce active = DirectoryForce.of(queues.dir(QueueName.ACTIVE));
        long before = active.forces();
        String id = submit(IncomingHandoff.NONE);
        assertEquals(List.of(id), queues.list(QueueName.INCOMING));
        assertEquals(List.of(Trigger.WAKEUP), triggers);
        assertEquals(before, active.forces(), "written in incoming/ itself: active/ has nothing to force");
    }

    /**
     * A message written in active/ but committed to incoming/ (no room) has active/ forced too, so
     * that no power loss leaves its temporary name there, which start-up would remove.
     */
    @Test
    void aFileRenamedFromActiveHasActiveForcedToo() throws Exception {
        DirectoryForce active = DirectoryForce.of(queues.dir(QueueName.ACTIVE));
        long before = active.forces();
        String id = submit(qmgr(false, true));
        assertEquals(List.of(id), queues.list(QueueName.INCOMING));
        assertTrue(active.forces() > before, "active/, where it was written, forced");
    }

    /** A commit that fails gives back the room the queue manager made; nothing is handed over. */
    @Test
    void aFailedCommitGivesTheRoomBack() throws Exception {
        Path active = queues.dir(QueueName.ACTIVE);
        ImmutableDirs.assumeSupported(active);
        try {
            // active/ immutable: the file is written, but its rename into place fails
            CleanupException e = org.junit.jupiter.api.Assertions.assertThrows(CleanupException.class,
                    () -> submit(qmgr(true, true), () -> ImmutableDirs.set(active, true)));
            assertTrue(e.getMessage() != null, "a queue file error");
        } finally {
            ImmutableDirs.set(active, false);
        }
        assertEquals(reserved, released, "the room given back");
        assertEquals(List.of(), handedOff);
        assertEquals(List.of(), queues.list(QueueName.ACTIVE));
    }
}
