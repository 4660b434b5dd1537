package mta.postscreen;

import java.util.Locale;
import mta.config.ConfigException;

/**
 * PostscreenAction - what postscreen does with a client that fails a test ({@code postscreen_*_action}).
 *
 * <p>IGNORE: note it and go on; ENFORCE: let the other tests finish, then refuse every RCPT with a
 * 550 reply and log what the client wanted; DROP: a 521 reply and the end of the connection.
 */
enum PostscreenAction {
    IGNORE, ENFORCE, DROP;

    /** @throws ConfigException for another word */
    static PostscreenAction parse(String parameter, String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "ignore" -> IGNORE;
            case "enforce" -> ENFORCE;
            case "drop" -> DROP;
            default -> throw new ConfigException(parameter + " = " + value + ": unknown action (ignore, enforce or drop)");
        };
    }
}
