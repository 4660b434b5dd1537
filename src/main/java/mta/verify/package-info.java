/**
 * NAME
 *   verify - address verification service
 *
 * SUMMARY
 *   Keeps what is known of sender and recipient addresses (deliverable or not), and finds out
 *   what is not known by sending probe messages through the normal delivery path.
 *
 * DESCRIPTION
 *   {@link mta.verify.Verify} is Postfix's verify(8), inside the master's JVM when master.cf has a
 *   {@code verify} service ({@code verify unix - - n - 1 verify}). smtpd's
 *   reject_unverified_recipient and reject_unverified_sender query it through
 *   {@link mta.queue.VerifyClient}; an address with no usable result gets a probe: a message
 *   submitted to cleanup with the named attribute {@code trace_flags=256}
 *   ({@link mta.queue.TraceFlags}). The queue manager routes a probe with the
 *   {@code address_verify_*} transports and relayhost, the delivery agents only find out (the
 *   SMTP client stops after RCPT TO, local and virtual look the address up), and the queue
 *   manager logs {@code status=deliverable} or {@code status=undeliverable}, reports the result
 *   here ({@code update}) and removes the probe: it is never delivered, deferred or bounced.
 *
 * READS
 *   address_verify_map, address_verify_positive_expire_time (31d),
 *   address_verify_positive_refresh_time (7d), address_verify_negative_cache (yes),
 *   address_verify_negative_expire_time (3d), address_verify_negative_refresh_time (3h),
 *   address_verify_cache_cleanup_interval (12h), address_verify_sender ($double_bounce_sender),
 *   address_verify_sender_ttl (0s), myorigin.
 *
 * WRITES
 *   address_verify_map (default btree:$data_directory/verify_cache, the MVStore file
 *   verify_cache.db, mode 0600); probe messages into incoming/ through cleanup; the mail log
 *   (postfix/verify: problems and cache cleanup runs).
 *
 * SEE ALSO
 *   Postfix verify(8), ADDRESS_VERIFICATION_README; docs/verify.md.
 */
package mta.verify;
