/**
 * NAME
 *   cleanup - canonicalise and enqueue messages
 *
 * SUMMARY
 *   The one way into the incoming queue, for smtpd, pickup, bounce and local forwarding.
 *
 * DESCRIPTION
 *   {@link mta.cleanup.CleanupService#open} creates a queue file under a temporary name and knows
 *   its queue ID at once. The caller gives the sender, the recipients and the content lines;
 *   {@link mta.cleanup.CleanupMaps} applies canonical maps, masquerading and virtual aliases to the
 *   envelope; {@link mta.cleanup.CleanupChecks} runs header_checks and body_checks (REJECT, DISCARD,
 *   HOLD into hold/, WARN, IGNORE, PREPEND, REPLACE, REDIRECT);
 *   {@link mta.cleanup.CleanupMessage} completes bare addresses with {@code @$myorigin}, takes
 *   recipients from the headers for {@code sendmail -t} (and removes Bcc:), adds a missing
 *   Message-Id:, Date:, From: and To:, and writes envelope, headers and body as records.
 *   {@code commit} forces the file to disk, renames it to {@code incoming/<ID>}, forces the
 *   directory and wakes the queue manager.
 *
 * READS
 *   The message from its submitter.
 *
 * WRITES
 *   incoming/ID; the mail log ({@code QID: message-id=<...>}).
 *
 * CONFIGURATION PARAMETERS
 *   myhostname, myorigin ($myhostname), message_size_limit (10240000), header_size_limit (102400),
 *   line_length_limit (2048), enable_long_queue_ids (no), canonical_maps, sender_canonical_maps,
 *   recipient_canonical_maps, masquerade_domains, virtual_alias_maps, header_checks, body_checks
 *   (all empty by default).
 *
 * SEE ALSO
 *   Postfix cleanup(8); RFC 5322 (message format).
 */
package mta.cleanup;
