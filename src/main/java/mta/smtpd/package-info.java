/**
 * NAME
 *   smtpd - SMTP server
 *
 * SUMMARY
 *   Receives mail over SMTP (RFC 5321) and hands each message to cleanup.
 *
 * DESCRIPTION
 *   {@link mta.smtpd.SmtpdListener} binds one master.cf {@code inet} address; a platform thread
 *   accepts connections (a semaphore of maxproc permits bounds them) and runs each
 *   {@link mta.smtpd.SmtpdSession} on its own virtual thread. The session reads command lines,
 *   looks the verb up in the command table {@link mta.smtpd.SmtpdCommand} and runs its handler
 *   ({@code heloCmd}, {@code mailCmd}, {@code rcptCmd}, {@code dataCmd}, ...). Per-connection and
 *   per-transaction state live in {@link mta.smtpd.SmtpdState}. {@link mta.smtpd.SmtpdCheck}
 *   evaluates the access restriction lists ({@link mta.smtpd.SmtpdRestrictions}, parsed once per
 *   listener configuration) at connect, HELO, MAIL, RCPT, DATA and end of data; with
 *   smtpd_delay_reject the client, HELO and sender lists run at RCPT. Access tables are read by
 *   {@link mta.smtpd.SmtpdAccess}, DNS (client name, sender domain, blocklists) asked by
 *   {@link mta.smtpd.SmtpdDns}, local users by {@link mta.smtpd.SmtpdLocalRecipients}; reply
 *   texts come from {@link mta.smtpd.SmtpdReject}. See docs/smtpd-access.md. At the first accepted recipient
 *   the session opens a cleanup transaction (its queue ID is logged as {@code QID: client=...});
 *   {@link mta.smtpd.SmtpdData} copies the DATA stream to it, recognising only CRLF.CRLF as the
 *   end; the commit forces the queue file to disk before {@code 250 2.0.0 Ok: queued as QID}.
 *
 * READS
 *   The client connection; DNS (PTR, A/AAAA, MX, blocklists); access tables;
 *   local_recipient_maps (/etc/passwd, aliases).
 *
 * WRITES
 *   Replies to the client; queue files through cleanup; the mail log (connect, client=, reject,
 *   disconnect lines).
 *
 * CONFIGURATION PARAMETERS
 *   smtpd_banner ($myhostname ESMTP $mail_name), smtpd_timeout (300s), smtpd_recipient_limit (1000),
 *   smtpd_hard_error_limit (20), message_size_limit (10240000), line_length_limit (2048),
 *   mynetworks, mydestination, relay_domains, smtpd_peername_lookup (yes), default_process_limit (100),
 *   smtpd_client/helo/sender/relay/recipient/data/end_of_data_restrictions, smtpd_delay_reject (yes),
 *   smtpd_helo_required (no), local_recipient_maps, smtpd_reject_unlisted_recipient (yes),
 *   the *_reject_code parameters.
 *
 * SEE ALSO
 *   Postfix smtpd(8), SMTPD_ACCESS_README, access(5); docs/smtpd-access.md; RFC 5321, RFC 2920 (PIPELINING), RFC 1870 (SIZE), RFC 3463 (status codes).
 */
package mta.smtpd;
