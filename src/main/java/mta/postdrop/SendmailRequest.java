package mta.postdrop;

import java.util.ArrayList;
import java.util.List;

/**
 * SendmailRequest - a parsed sendmail (mailq, newaliases) command line, as {@link SendmailOptions}
 * reads it. {@code exit} is the exit code when parsing already failed (the message is printed),
 * else -1. {@code mode} is "m" (post), "p", "i", "s", "d", "q", "qR", "qI", "q-" (an interval:
 * nothing to do) or "help" (--help).
 */
public record SendmailRequest(int exit, String mode, String dashC, boolean extract, boolean dotEnds, String sender,
                              String fullName, List<String> rcpts, String queueTarget, String aliasFile,
                              DsnRequest dsn) {
    static SendmailRequest failed(int exit) {
        return new SendmailRequest(exit, null, null, false, true, null, null, List.of(), null, null, null);
    }

    /** A plain posting (-bm, the default) whose options parsed. */
    public boolean posting() {
        return exit < 0 && mode.equals("m");
    }

    /** The DSN request of -N, -R and -V (RFC 3461 NOTIFY, RET, ENVID); null fields were not given. */
    public record DsnRequest(String notifyEach, String ret, String envid) {}

    /** The fields while the options are read. */
    static final class Builder {
        String mode;
        String dashC;
        boolean extract;
        boolean dotEnds = true;
        String sender;
        String fullName;
        final List<String> rcpts = new ArrayList<>();
        String queueTarget;
        String aliasFile;
        String dsnNotify;
        String dsnRet;
        String dsnEnvid;

        Builder(String mode) {
            this.mode = mode;
        }

        SendmailRequest build() {
            return new SendmailRequest(-1, mode, dashC, extract, dotEnds, sender, fullName, List.copyOf(rcpts),
                    queueTarget, aliasFile, new DsnRequest(dsnNotify, dsnRet, dsnEnvid));
        }
    }
}
