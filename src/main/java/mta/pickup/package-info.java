/**
 * NAME
 *   pickup - local mail pickup
 *
 * SUMMARY
 *   Moves mail that sendmail left in maildrop/ into the queue through cleanup.
 *
 * DESCRIPTION
 *   {@link mta.pickup.Pickup} scans maildrop/ when woken through public/pickup and every wakeup
 *   seconds (master.cf), feeds each file to cleanup, and removes it after the commit.
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
