package mta.pipe;

/**
 * PipeFlag - one letter of a pipe service's {@code flags=} attribute.
 *
 * <p>Reads and writes nothing. The letters are pipe(8)'s: {@code B D F O R X} change what the
 * command receives or what a success notice says, {@code . >} quote lines of the message, and
 * {@code h q u} fold and quote the addresses in the command's arguments.
 */
enum PipeFlag {
    /** B: a blank line after the message. */
    BLANK('B'),
    /** D: a "Delivered-To: recipient" header first; a message that has one already bounces (loop). */
    DELIVERED_TO('D'),
    /** F: a "From sender date" line first. */
    FROM_LINE('F'),
    /** O: an "X-Original-To: recipient" header with the address as first given. */
    ORIGINAL_TO('O'),
    /** R: a "Return-Path: <sender>" header. */
    RETURN_PATH('R'),
    /** X: the command makes the final delivery ("delivered", not "relayed", in success notices). */
    FINAL_DELIVERY('X'),
    /** .: a "." before each line that starts with "." (BSMTP). */
    DOT_STUFF('.'),
    /** &gt;: a "&gt;" before each line that starts with "From " (UUCP). */
    QUOTE_FROM('>'),
    /** h: lower-case the domain of $recipient and $original_recipient, and all of $domain and $nexthop. */
    FOLD_HOST('h'),
    /** q: quote the local part of $sender, $recipient and $original_recipient as RFC 822 wants. */
    QUOTE_LOCAL('q'),
    /** u: lower-case the local part of $recipient and $original_recipient ($user, $extension, $mailbox too). */
    FOLD_USER('u');

    final char letter;

    PipeFlag(char letter) {
        this.letter = letter;
    }

    /** The flag of a letter, or null for a letter pipe(8) does not know. */
    static PipeFlag of(char c) {
        for (PipeFlag f : values()) if (f.letter == c) return f;
        return null;
    }
}
