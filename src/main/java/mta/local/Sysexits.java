package mta.local;

/**
 * Sysexits - what a command's exit status means for the mail (the {@code <sysexits.h>} codes).
 *
 * <p>Reads and writes nothing. 0 is success; 64..78 are the sendmail-compatible codes, each with
 * an RFC 3463 status and a short text; 71 (OS error) and 75 (temporary failure) are soft, so the
 * mail is deferred; the others bounce. Any other status bounces as {@code Command died with
 * status N}. When the command's output starts with an enhanced status code ({@code 5.2.2 ...}),
 * that code wins over the exit status, as in Postfix.
 */
final class Sysexits {
    static final int EX_TEMPFAIL = 75;

    private static final String[][] TABLE = {
        {"64", "5.3.0", "command line usage error"},
        {"65", "5.6.0", "data format error"},
        {"66", "5.3.0", "cannot open input"},
        {"67", "5.1.1", "user unknown"},
        {"68", "5.1.2", "host name unknown"},
        {"69", "5.3.0", "service unavailable"},
        {"70", "5.3.0", "internal software error"},
        {"71", "4.3.0", "system resource problem"},
        {"72", "5.3.0", "critical OS file missing"},
        {"73", "5.2.0", "can't create user output file"},
        {"74", "5.3.0", "input/output error"},
        {"75", "4.3.0", "temporary failure"},
        {"76", "5.5.0", "remote error in protocol"},
        {"77", "5.7.0", "permission denied"},
        {"78", "5.3.5", "local configuration error"},
    };

    private Sysexits() {}

    /**
     * The result of a command that exited with {@code status} after printing {@code output}
     * (already one line); {@code what} names it in texts ({@code delivered to command: what}).
     */
    static LocalResult result(int status, String command, String output) {
        if (status == 0) return LocalResult.sent("delivered to command: " + command);
        String tail = output.isEmpty() ? "" : ". Command output: " + output;
        String dsn;
        String text;
        if (status >= 64 && status <= 78) {
            dsn = TABLE[status - 64][1];
            text = TABLE[status - 64][2] + tail;
        } else {
            dsn = "5.3.0";
            text = "Command died with status " + status + ": \"" + command + "\"" + tail;
        }
        String own = enhancedCode(output);
        if (own != null) dsn = own;
        return LocalResult.failed(dsn, text);
    }

    /** The enhanced status code ({@code 4.x.y} or {@code 5.x.y}) that starts {@code output}, or null. */
    static String enhancedCode(String output) {
        int sp = output.indexOf(' ');
        String first = sp < 0 ? output : output.substring(0, sp);
        return first.matches("[45]\\.\\d{1,3}\\.\\d{1,3}") ? first : null;
    }
}
