package mta.deliver;

import mta.mail.Dsn;

/**
 * SysExits - what a delivery command's exit status means for the mail: the {@code <sysexits.h>}
 * codes with their RFC 3463 status and text, as the pipe(8) and local(8) agents report them.
 *
 * <p>Reads and writes nothing. 64..78 are the sendmail-compatible codes; those whose status starts
 * with 4 (71 EX_OSERR, 75 EX_TEMPFAIL) mean "try again later", the others are permanent. Any
 * other non-zero status is not one of them ({@link #isSysExit} is false) and has the detail
 * {@code 5.3.0 unknown error}.
 */
public final class SysExits {
    public static final int EX_TEMPFAIL = 75;

    /** One exit status: its RFC 3463 status and the text a bounce gives it. */
    public record Detail(int status, String dsn, String text) {
        /** True when the mail should be tried again later. */
        public boolean soft() {
            return Dsn.isTemporary(dsn);
        }
    }

    private static final Detail[] TABLE = {
        new Detail(64, "5.3.0", "command line usage error"),
        new Detail(65, "5.6.0", "data format error"),
        new Detail(66, "5.3.0", "cannot open input"),
        new Detail(67, "5.1.1", "user unknown"),
        new Detail(68, "5.1.2", "host name unknown"),
        new Detail(69, "5.3.0", "service unavailable"),
        new Detail(70, "5.3.0", "internal software error"),
        new Detail(71, "4.3.0", "system resource problem"),
        new Detail(72, "5.3.0", "critical OS file missing"),
        new Detail(73, "5.2.0", "can't create user output file"),
        new Detail(74, "5.3.0", "input/output error"),
        new Detail(75, "4.3.0", "temporary failure"),
        new Detail(76, "5.5.0", "remote error in protocol"),
        new Detail(77, "5.7.0", "permission denied"),
        new Detail(78, "5.3.5", "local configuration error"),
    };

    private SysExits() {}

    /** True for 64..78, the codes of {@code <sysexits.h>}. */
    public static boolean isSysExit(int status) {
        return status >= 64 && status <= 78;
    }

    public static Detail detail(int status) {
        return isSysExit(status) ? TABLE[status - 64] : new Detail(status, "5.3.0", "unknown error");
    }

    /**
     * The enhanced status code ({@code 4.x.y} or {@code 5.x.y}) that starts a command's output,
     * followed by white space or the end, or null.
     */
    public static String leadingCode(String output) {
        int end = 0;
        while (end < output.length() && !Character.isWhitespace(output.charAt(end))) end++;
        String first = output.substring(0, end);
        return first.matches("[45]\\.\\d{1,3}\\.\\d{1,3}") ? first : null;
    }
}
