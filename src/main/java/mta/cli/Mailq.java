package mta.cli;

import mta.postdrop.Poster;

/**
 * Mailq - the mailq(1) command: sendmail with -bp as its default mode, so it lists the mail queue
 * as {@code postqueue -p} does. It takes sendmail's options (-C dir, and -q, -bi, ... which change
 * the mode); see {@link Sendmail}.
 *
 * <pre>
 * SYNOPSIS
 *     mailq [options]
 * </pre>
 */
public final class Mailq {
    private Mailq() {}

    public static void main(String[] args) {
        System.exit(Sendmail.run("mailq", args, System.in, System.out, System.err, Poster.ofProcess()));
    }
}
