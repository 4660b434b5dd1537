/**
 * NAME
 *   pickup - local mail pickup
 *
 * SUMMARY
 *   Moves mail that sendmail left in maildrop/ into the queue through cleanup.
 *
 * DESCRIPTION
 *   {@link mta.pickup.Pickup} scans maildrop/ when woken through public/pickup and every wakeup
 *   seconds (master.cf), feeds each file to cleanup, and removes it after the commit. Nothing in
 *   maildrop/ is trusted: links, FIFOs and files with several names are refused with Postfix's
 *   warnings, the file is opened without following links or blocking, the poster is the file's
 *   owner, and a file whose record lengths do not fit its size goes to corrupt/
 *   (docs/privilege-separation.md).
 *
 * READS
 *   maildrop/ID.
 *
 * WRITES
 *   incoming/ID through cleanup; the mail log ({@code QID: uid=N from=<sender>}).
 *
 * SEE ALSO
 *   Postfix pickup(8), postdrop(1), sendmail(1).
 */
package mta.pickup;
