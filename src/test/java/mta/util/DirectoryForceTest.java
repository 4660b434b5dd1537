package mta.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DirectoryForceTest - the group commit of a directory's forces, and the no-replace rename that
 * comes before it in a queue file's commit.
 */
class DirectoryForceTest {
    @TempDir
    Path tmp;

    /** A ticket is covered only by a force that begins after it was taken, whoever runs that force. */
    @Test
    void aTicketIsDurableAfterTheNextForce() throws Exception {
        DirectoryForce f = DirectoryForce.of(tmp);
        f.force();
        long t = f.ticket();
        assertFalse(f.isDurable(t), "an earlier force does not cover it");
        long forces = f.forces();
        f.force(); // another caller's force
        assertEquals(forces + 1, f.forces(), "the ticket did not save the caller its own force");
        assertTrue(f.isDurable(t));
        long later = f.ticket();
        assertFalse(f.isDurable(later));
        assertTrue(f.isDurable(t), "still durable");
    }

    @Test
    void concurrentCallersShareForcesAndAllReturn() throws Exception {
        DirectoryForce f = DirectoryForce.of(tmp);
        int callers = 64;
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger returned = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    start.await();
                    f.force();
                    returned.incrementAndGet();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) assertTrue(t.join(java.time.Duration.ofSeconds(30)));
        assertEquals(callers, returned.get());
        long forces = f.forces();
        assertTrue(forces >= 1 && forces <= callers, "forces: " + forces);
        // A later caller is not covered by the earlier forces: it gets one of its own.
        f.force();
        assertEquals(forces + 1, f.forces());
    }

    @Test
    void aFailedForceReleasesNobodyAndEveryCallerSeesAnError() throws Exception {
        DirectoryForce f = DirectoryForce.of(tmp.resolve("missing"));
        int callers = 8;
        AtomicInteger failed = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    f.force();
                } catch (IOException e) {
                    failed.incrementAndGet();
                }
            }));
        }
        for (Thread t : threads) assertTrue(t.join(java.time.Duration.ofSeconds(30)));
        assertEquals(callers, failed.get());
        assertEquals(0, f.forces());
    }

    @Test
    void renameNoReplaceMovesAndNeverReplaces() throws Exception {
        Path a = Files.writeString(tmp.resolve(".t1"), "new");
        Path b = Files.writeString(tmp.resolve("ID1"), "old");
        assertThrows(FileAlreadyExistsException.class, () -> SafeFiles.renameNoReplace(a, b));
        assertEquals("old", Files.readString(b));
        assertEquals("new", Files.readString(a));
        Path c = tmp.resolve("ID2");
        SafeFiles.renameNoReplace(a, c);
        assertEquals("new", Files.readString(c));
        assertTrue(Files.notExists(a));
        assertTrue(NativeIo.ifEnabled().isPresent(), "the tests run with native access: renameat2 is used");
    }

    @Test
    void createNewGivesTheModeAtOnce() throws Exception {
        Path p = tmp.resolve(".t2");
        try (var ch = SafeFiles.createNew(p, SafeFiles.READY)) {
            int mode = ((Number) Files.getAttribute(p, "unix:mode")).intValue() & 0777;
            assertEquals(0700, mode);
        }
        assertThrows(FileAlreadyExistsException.class, () -> SafeFiles.createNew(p, SafeFiles.READY));
    }
}
