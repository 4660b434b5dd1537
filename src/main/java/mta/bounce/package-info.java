/**
 * NAME
 *   bounce - delivery status notifications
 *
 * SUMMARY
 *   Returns undeliverable mail to its sender, warns about delayed mail, and reports successful
 *   delivery when asked, as RFC 3464 reports that honour the RFC 3461 requests of the sender.
 *
 * DESCRIPTION
 *   {@link mta.bounce.Bounce} decides who is told; {@link mta.bounce.DsnMessage} writes a
 *   multipart/report message (a readable notice; the message/delivery-status part with
 *   Reporting-MTA, X-Postfix-Queue-ID, X-Postfix-Sender, Arrival-Date and per recipient
 *   Final-Recipient, Action, Status, Remote-MTA, Diagnostic-Code from {@link mta.bounce.DsnRecipient};
 *   the returned message when it fits bounce_size_limit, else its headers) and queues it through
 *   cleanup. Notices to the sender use the null sender. notify_classes adds postmaster copies:
 *   bounce (headers of bounced mail), 2bounce (a bounce that failed), delay; these are sent from
 *   double_bounce_sender, and one of those that fails is discarded: no loops.
 *
 *   DSN requests (RFC 3461). Each recipient's NOTIFY decides which notices mention it: none with
 *   NEVER; failures and delays when NOTIFY is absent; exactly the listed ones otherwise, and a
 *   "Successful Mail Delivery Report" with SUCCESS (Action: delivered after local delivery, relayed
 *   after SMTP; Status 2.0.0). ORCPT becomes Original-Recipient, the message's ENVID
 *   Original-Envelope-Id. RET=HDRS returns the headers, RET=FULL the message (within
 *   bounce_size_limit); without RET a non-delivery notice returns the message, a delay warning or
 *   success report the headers.
 *
 * READS
 *   The original queue file (its dsn_ret and dsn_envid attributes included); the failed, delayed or
 *   delivered recipients, with their NOTIFY and ORCPT, from the queue manager.
 *
 * WRITES
 *   New messages through cleanup; the mail log ({@code QID: sender non-delivery notification: NEWID},
 *   {@code QID: postmaster non-delivery notification: NEWID}, {@code QID: sender delay notification: NEWID},
 *   {@code QID: sender delivery status notification: NEWID}).
 *
 * CONFIGURATION PARAMETERS
 *   bounce_size_limit (50000), notify_classes (resource, software), bounce_notice_recipient,
 *   2bounce_notice_recipient, delay_notice_recipient (postmaster), double_bounce_sender
 *   (double-bounce), maximal_queue_lifetime, myhostname, myorigin, mail_name.
 *
 * SEE ALSO
 *   Postfix bounce(8); RFC 3461, RFC 3464, RFC 3463.
 */
package mta.bounce;
