package mta.cli;

/**
 * Mailq - the mailq(1) command: lists the mail queue, as {@code postqueue -p}.
 *
 * <pre>
 * SYNOPSIS
 *     mailq [-C config_dir]
 * </pre>
 */
public final class Mailq {
    private Mailq() {}

    public static void main(String[] args) {
        String[] sendmailArgs = new String[args.length + 1];
        sendmailArgs[0] = "-bp";
        System.arraycopy(args, 0, sendmailArgs, 1, args.length);
        System.exit(Sendmail.run(sendmailArgs, System.in, System.out, System.err));
    }
}
