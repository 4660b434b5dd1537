/**
 * NAME
 *   deliver - the contract between the queue manager and the delivery agents
 *
 * SUMMARY
 *   What an agent is asked (DeliveryRequest), whom for (Recipient), and what it answers
 *   (DeliveryStatus); the mailbox writing that local and virtual share.
 *
 * DESCRIPTION
 *   The queue manager builds a {@link mta.deliver.DeliveryRequest} (Postfix's DELIVER_REQUEST: one
 *   message, one next hop, its recipients as {@link mta.deliver.Recipient}) and calls a
 *   {@link mta.deliver.DeliveryAgent}; the agent reads the content through the request and answers
 *   one {@link mta.deliver.DeliveryStatus} per recipient: outcome, RFC 3463 code, relay, reason,
 *   and the stage it came from, which tells the queue manager whether the destination or the
 *   recipient is at fault. Agents never move or change the queue file and do not use the queue
 *   package. {@link mta.deliver.DeliveryClient} and {@link mta.deliver.DeliveryProtocol} run an
 *   agent in the privileged process over private/local; {@link mta.deliver.MessageCopy},
 *   {@link mta.deliver.MailboxWriter} and {@link mta.deliver.UserFiles} write mbox and Maildir
 *   with the user's rights; {@link mta.deliver.SysExits} says what a command's exit status means.
 *
 * READS
 *   The queue file's content (read only), through the request.
 *
 * WRITES
 *   Mailboxes (MailboxWriter, for local and virtual); nothing in the queue.
 *
 * SEE ALSO
 *   Postfix deliver_request.h, deliver_completed.c; docs/architecture.md.
 */
package mta.deliver;
