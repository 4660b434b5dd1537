package mta.pipe;

import mta.deliver.DeliveryStatus.Outcome;
import mta.deliver.SysExits;
import mta.mail.Dsn;

/**
 * PipeStatus - what a pipe command's ending means for its recipients, in Postfix's words.
 *
 * <p>Reads and writes nothing. In order:
 * <ul>
 *   <li>not started (no such program, no such directory): deferred {@code 4.3.0 temporary failure.
 *       Command output: pipe: fatal: pipe_command: execvp PROGRAM: REASON}, as Postfix's child
 *       process reports it before it exits with EX_TEMPFAIL;
 *   <li>killed after {@code TRANSPORT_time_limit}: bounced {@code 5.3.0 Command time limit
 *       exceeded: "PROGRAM"};
 *   <li>exit status 0: sent, {@code delivered via SERVICE service} and up to 100 characters of the
 *       output in parentheses;
 *   <li>killed by a signal: bounced {@code 5.3.0 Command died with signal N: "PROGRAM"};
 *   <li>output that starts with an enhanced status code ({@code 5.2.2 mailbox full}): that code
 *       and the rest of the output, deferred for 4.x.x and bounced for 5.x.x;
 *   <li>a {@code <sysexits.h>} status: its code and text ({@code 67}: bounced {@code 5.1.1 user
 *       unknown}; {@code 75}: deferred {@code 4.3.0 temporary failure});
 *   <li>any other status: bounced {@code 5.3.0 Command died with status N: "PROGRAM"}.
 * </ul>
 * Failures end with {@code . Command output: OUTPUT} when the command printed something.
 */
record PipeStatus(Outcome outcome, Dsn dsn, String reason) {

    static PipeStatus of(PipeCommand.Run run, String service) {
        String cmd = "\"" + run.command() + "\"";
        if (run.execError() != null) {
            SysExits.Detail d = SysExits.detail(SysExits.EX_TEMPFAIL);
            return failed(d.dsn(), d.text() + ". Command output: pipe: fatal: pipe_command: execvp " + run.command()
                    + ": " + run.execError());
        }
        String tail = run.output().isEmpty() ? "" : ". Command output: " + run.output();
        if (run.timedOut()) return failed(Dsn.PERMANENT_SYSTEM_ERROR, "Command time limit exceeded: " + cmd + tail);
        int status = run.status();
        if (status == 0) {
            String out = run.output().strip();
            if (out.length() > 100) out = out.substring(0, 100);
            return new PipeStatus(Outcome.SENT, Dsn.OK,
                    "delivered via " + service + " service" + (out.isEmpty() ? "" : " (" + out + ")"));
        }
        if (status > 128 && status < 128 + 65) {
            return failed(Dsn.PERMANENT_SYSTEM_ERROR, "Command died with signal " + (status - 128) + ": " + cmd + tail);
        }
        String code = SysExits.leadingCode(run.output());
        if (code != null) return failed(Dsn.parse(code), run.output().substring(code.length()).strip());
        SysExits.Detail d = SysExits.detail(status);
        if (SysExits.isSysExit(status)) return failed(d.dsn(), d.text() + tail);
        return failed(d.dsn(), "Command died with status " + status + ": " + cmd + tail);
    }

    /** Deferred for a 4.x.x status, bounced otherwise. */
    static PipeStatus failed(Dsn dsn, String reason) {
        return new PipeStatus(dsn.isTemporary() ? Outcome.DEFERRED : Outcome.BOUNCED, dsn, reason);
    }
}
