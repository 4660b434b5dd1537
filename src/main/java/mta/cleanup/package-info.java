/**
 * NAME
 *   cleanup - canonicalise and enqueue messages
 *
 * SUMMARY
 *   The one way into the incoming queue, for smtpd, pickup, bounce and local forwarding; and
 *   the way into maildrop/ for the stand-alone SMTP server of sendmail -bs.
 *
 * DESCRIPTION
 *   {@link mta.cleanup.CleanupService#open} creates a queue file under a temporary name and knows
 *   its queue ID at once. The caller gives the sender, the recipients and the content lines;
 *   {@link mta.cleanup.CleanupMaps} applies canonical maps, masquerading and virtual aliases to the
 *   envelope; {@link mta.cleanup.CleanupChecks} runs header_checks and body_checks (REJECT, DISCARD,
 *   HOLD into hold/, WARN, IGNORE, PREPEND, REPLACE, REDIRECT);
 *   {@link mta.cleanup.CleanupRewrite} rewrites header addresses of local mail
 *   ({@code rewrite_context=local}: from pickup, or from an SMTP client in
 *   local_header_rewrite_clients): {@code @$myorigin} for bare names, then canonical maps and
 *   masquerading by header class (From:, Sender:, Resent-From: are senders; To:, Cc:, Bcc:,
 *   Reply-To: are recipients), keeping display names and comments;
 *   {@link mta.cleanup.CleanupMessage} completes bare addresses with {@code @$myorigin}, takes
 *   recipients from the headers for {@code sendmail -t} (and removes Bcc:), adds a missing
 *   Message-Id:, Date:, From: and To:, and writes envelope, headers and body as records.
 *   {@code commit} forces the file to disk, renames it to {@code incoming/<ID>}, forces the
 *   directory and wakes the queue manager. {@link mta.cleanup.MaildropCleanup} is a second
 *   CleanupService: it writes maildrop/ID as postdrop does (through mta.queue.MaildropFile) and
 *   wakes pickup, for a submitter outside the mail system (sendmail -bs).
 *
 * READS
 *   The message from its submitter.
 *
 * WRITES
 *   incoming/ID (MaildropCleanup: maildrop/ID); the mail log ({@code QID: message-id=<...>}).
 *
 * CONFIGURATION PARAMETERS
 *   myhostname, myorigin ($myhostname), message_size_limit (10240000), header_size_limit (102400),
 *   line_length_limit (2048), enable_long_queue_ids (no), canonical_maps, sender_canonical_maps,
 *   recipient_canonical_maps, masquerade_domains, virtual_alias_maps, header_checks, body_checks
 *   (all empty by default), canonical_classes (envelope_sender, envelope_recipient, header_sender,
 *   header_recipient), sender_canonical_classes (envelope_sender, header_sender),
 *   recipient_canonical_classes (envelope_recipient, header_recipient), masquerade_classes
 *   (envelope_sender, header_sender, header_recipient), append_at_myorigin (yes).
 *
 * SEE ALSO
 *   Postfix cleanup(8); RFC 5322 (message format).
 */
package mta.cleanup;
