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
    public record Detail(int status, Dsn dsn, String text) {
        /** True when the mail should be tried again later. */
        public boolean soft() {
            return dsn.isTemporary();
        }
    }

    private static final Detail[] TABLE = {
        new Detail(64, Dsn.PERMANENT_SYSTEM_ERROR, "command line usage error"),
        new Detail(65, Dsn.OTHER_MEDIA, "data format error"),
        new Detail(66, Dsn.PERMANENT_SYSTEM_ERROR, "cannot open input"),
        new Detail(67, Dsn.BAD_DESTINATION_MAILBOX, "user unknown"),
        new Detail(68, Dsn.BAD_DESTINATION_SYSTEM, "host name unknown"),
        new Detail(69, Dsn.PERMANENT_SYSTEM_ERROR, "service unavailable"),
        new Detail(70, Dsn.PERMANENT_SYSTEM_ERROR, "internal software error"),
        new Detail(71, Dsn.TEMPORARY_SYSTEM_ERROR, "system resource problem"),
        new Detail(72, Dsn.PERMANENT_SYSTEM_ERROR, "critical OS file missing"),
        new Detail(73, Dsn.OTHER_MAILBOX, "can't create user output file"),
        new Detail(74, Dsn.PERMANENT_SYSTEM_ERROR, "input/output error"),
        new Detail(75, Dsn.TEMPORARY_SYSTEM_ERROR, "temporary failure"),
        new Detail(76, Dsn.OTHER_PROTOCOL, "remote error in protocol"),
        new Detail(77, Dsn.OTHER_SECURITY, "permission denied"),
        new Detail(78, Dsn.SYSTEM_MISCONFIGURED, "local configuration error"),
    };

    private SysExits() {}

    /** True for 64..78, the codes of {@code <sysexits.h>}. */
    public static boolean isSysExit(int status) {
        return status >= 64 && status <= 78;
    }

    public static Detail detail(int status) {
        return isSysExit(status) ? TABLE[status - 64] : new Detail(status, Dsn.PERMANENT_SYSTEM_ERROR, "unknown error");
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
