package mta.mail;

import java.nio.charset.StandardCharsets;

/**
 * Xtext - the RFC 3461 encoding of DSN values on the SMTP command line (ENVID, ORCPT).
 *
 * <p>Printable US-ASCII stands for itself except {@code +} and {@code =}; those, spaces, control
 * characters and every byte of a non-ASCII character become {@code +XX} (upper-case hex).
 */
public final class Xtext {
    private Xtext() {}

    public static String encode(String value) {
        StringBuilder sb = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > 32 && c < 127 && c != '+' && c != '=') sb.append((char) c);
            else sb.append('+').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
        }
        return sb.toString();
    }
}
