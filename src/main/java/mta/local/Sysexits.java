package mta.local;

import mta.deliver.SysExits;
import mta.mail.Dsn;

/**
 * Sysexits - what a command's exit status means for the local agent's mail (the {@code <sysexits.h>}
 * codes of deliver.SysExits, which the pipe agent reads too).
 *
 * <p>Reads and writes nothing. 0 is success; 64..78 are the sendmail-compatible codes, each with
 * an RFC 3463 status and a short text; 71 (OS error) and 75 (temporary failure) are soft, so the
 * mail is deferred; the others bounce. Any other status bounces as {@code Command died with
 * status N}. When the command's output starts with an enhanced status code ({@code 5.2.2 ...}),
 * that code wins over the exit status, as in Postfix.
 */
final class Sysexits {
    static final int EX_TEMPFAIL = 75;

    private Sysexits() {}

    /**
     * The result of a command that exited with {@code status} after printing {@code output}
     * (already one line); {@code what} names it in texts ({@code delivered to command: what}).
     */
    static LocalResult result(int status, String command, String output) {
        if (status == 0) return LocalResult.sent("delivered to command: " + command);
        String tail = output.isEmpty() ? "" : ". Command output: " + output;
        Dsn dsn;
        String text;
        if (SysExits.isSysExit(status)) {
            dsn = SysExits.detail(status).dsn();
            text = SysExits.detail(status).text() + tail;
        } else {
            dsn = Dsn.PERMANENT_SYSTEM_ERROR;
            text = "Command died with status " + status + ": \"" + command + "\"" + tail;
        }
        String own = enhancedCode(output);
        if (own != null) dsn = Dsn.parse(own);
        return LocalResult.failed(dsn, text);
    }

    /** The enhanced status code ({@code 4.x.y} or {@code 5.x.y}) that starts {@code output}, or null. */
    static String enhancedCode(String output) {
        return SysExits.leadingCode(output);
    }
}
