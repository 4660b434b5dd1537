/**
 * NAME
 *   flush - fast flush service
 *
 * SUMMARY
 *   Keeps a list of deferred mail per destination, so that ETRN (RFC 1985), postqueue -s and
 *   sendmail -qR deliver one site's mail without scanning the whole queue.
 *
 * DESCRIPTION
 *   {@link mta.flush.Flush} is Postfix's flush(8): the queue manager adds a message's ID to the
 *   log of each destination it deferred mail for ({@code add}), the SMTP server's ETRN and the
 *   master's {@code public/flush} service (for postqueue -s) ask for a site's mail to be
 *   delivered ({@code send_site}), and a periodic refresh flushes forgotten logs and removes old
 *   empty ones. Only destinations in fast_flush_domains are listed.
 *
 * READS
 *   fast_flush_domains ($relay_domains), fast_flush_refresh_time (12h), fast_flush_purge_time (7d),
 *   parent_domain_matches_subdomains; the per-destination logs.
 *
 * WRITES
 *   $queue_directory/flush/SITE (one queue ID per line, mode 0600); the modification time of
 *   deferred queue files (due now); the queue manager's trigger.
 *
 * SEE ALSO
 *   Postfix flush(8), ETRN_README; RFC 1985; docs/smtpd.md.
 */
package mta.flush;
