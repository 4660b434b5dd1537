/**
 * NAME
 *   bounce - delivery status notifications
 *
 * SUMMARY
 *   Returns undeliverable mail to its sender as an RFC 3464 report.
 *
 * DESCRIPTION
 *   {@link mta.bounce.Bounce} builds a multipart/report message (a readable notice, the
 *   message/delivery-status part, the returned message up to bounce_size_limit) and queues it
 *   through cleanup with the null sender. Mail from the null sender is never returned.
 *
 * READS
 *   The original queue file; the failed recipients from the queue manager.
 *
 * WRITES
 *   A new message through cleanup; the mail log ({@code QID: sender non-delivery notification: NEWID}).
 *
 * CONFIGURATION PARAMETERS
 *   bounce_size_limit (50000), myhostname, mail_name.
 *
 * SEE ALSO
 *   Postfix bounce(8); RFC 3464, RFC 3463.
 */
package mta.bounce;
