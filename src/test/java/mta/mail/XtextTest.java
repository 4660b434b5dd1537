package mta.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** XtextTest - RFC 3461 xtext: plus, equals, space and non-ASCII bytes become +XX. */
class XtextTest {
    @Test
    void encodesOnlyWhatMustBeEncoded() {
        assertEquals("user@example.com", Xtext.encode("user@example.com"));
        assertEquals("a+2Bb+3Dc+20d", Xtext.encode("a+b=c d"));
        assertEquals("+C3+A9", Xtext.encode("\u00e9"));
    }
}
