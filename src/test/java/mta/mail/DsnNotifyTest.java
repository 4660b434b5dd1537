package mta.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** DsnNotifyTest - RFC 3461 NOTIFY values: what they ask for, and which are refused. */
class DsnNotifyTest {
    @Test
    void absentMeansFailuresAndDelays() {
        assertEquals(new DsnNotify(false, true, true), DsnNotify.of(null));
    }

    @Test
    void givenMeansExactlyWhatIsListed() {
        assertEquals(DsnNotify.NEVER, DsnNotify.of("NEVER"));
        assertEquals(new DsnNotify(false, true, false), DsnNotify.of("FAILURE"));
        assertEquals(new DsnNotify(true, false, true), DsnNotify.of("DELAY,SUCCESS"));
        assertEquals(new DsnNotify(true, true, true), DsnNotify.of("success,failure,delay"));
    }

    @Test
    void normalizeUpperCasesAndRefusesNonsense() {
        assertEquals("SUCCESS,DELAY", DsnNotify.normalize("success,Delay"));
        assertEquals("NEVER", DsnNotify.normalize("never"));
        assertNull(DsnNotify.normalize("never,failure"));
        assertNull(DsnNotify.normalize("failure,failure"));
        assertNull(DsnNotify.normalize("failure,"));
        assertNull(DsnNotify.normalize(""));
        assertNull(DsnNotify.normalize("always"));
    }
}
