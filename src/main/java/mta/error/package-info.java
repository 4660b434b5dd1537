/**
 * NAME
 *   error - the error, retry and discard transports
 *
 * SUMMARY
 *   Delivery agents that bounce, defer or discard every recipient.
 *
 * DESCRIPTION
 *   {@link mta.error.ErrorAgent} (error and retry) and {@link mta.error.DiscardAgent} (discard)
 *   answer for the recipients that a transport entry such as {@code error:no such user} or
 *   {@code discard:} sends them; the next-hop text is the reason.
 *
 * READS
 *   Nothing but the request.
 *
 * WRITES
 *   Nothing; the queue manager logs their statuses.
 *
 * SEE ALSO
 *   Postfix error(8), discard(8).
 */
package mta.error;
