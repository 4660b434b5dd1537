package mta.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** DsnCodeTest - mail.Dsn, the RFC 3463 status code type: reading, checking, classes and the wire form. */
class DsnCodeTest {
    @Test
    void readsAndWritesTheTextForm() {
        assertEquals(new Dsn(5, 1, 1), Dsn.parse("5.1.1"));
        assertEquals("4.7.25", Dsn.parse("4.7.25").toString());
        assertEquals(Dsn.BAD_DESTINATION_MAILBOX, Dsn.parse(Dsn.BAD_DESTINATION_MAILBOX.toString()));
        assertEquals("2.0.0", Dsn.OK.toString());
    }

    @Test
    void refusesWhatIsNotACode() {
        for (String bad : new String[] {"", "5.1", "3.1.1", "5.1.1.1", "5.1000.1", "x.1.1", " 5.1.1", "5.1.1 "}) {
            assertFalse(Dsn.isValid(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> Dsn.parse(bad), bad);
        }
        assertFalse(Dsn.isValid(null));
        assertThrows(IllegalArgumentException.class, () -> new Dsn(3, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Dsn(5, 1000, 0));
    }

    @Test
    void takesTheCodeOfAReplyOnlyWhenItsClassAgrees() {
        assertEquals(Optional.of(Dsn.parse("5.1.1")), Dsn.ofReply(550, "5.1.1 <x@example.test>: unknown"));
        assertEquals(Optional.of(Dsn.parse("4.2.0")), Dsn.ofReply(451, "  4.2.0 try later"));
        assertEquals(Optional.empty(), Dsn.ofReply(550, "4.1.1 the class disagrees"));
        assertEquals(Optional.empty(), Dsn.ofReply(550, "no code here"));
        assertEquals(Optional.empty(), Dsn.ofReply(550, null));
    }

    @Test
    void changesClassKeepingSubjectAndDetail() {
        assertEquals("4.7.1", Dsn.NOT_AUTHORIZED.temporary().toString());
        assertEquals("4.7.1", Dsn.NOT_AUTHORIZED.asClassOf(450).toString());
        assertEquals("5.7.1", Dsn.NOT_AUTHORIZED.temporary().asClassOf(554).toString());
        assertTrue(Dsn.NOT_AUTHORIZED.temporary().isTemporary());
        assertTrue(Dsn.NOT_AUTHORIZED.isPermanent());
        assertFalse(Dsn.OK.isTemporary() || Dsn.OK.isPermanent());
    }
}
