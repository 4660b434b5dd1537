/**
 * NAME
 *   qmgr - queue manager
 *
 * SUMMARY
 *   Moves mail through the active queue to the delivery agents, and decides what happens next.
 *
 * DESCRIPTION
 *   {@link mta.qmgr.Qmgr} takes each message cleanup commits in this JVM from cleanup's hand-off
 *   ({@link mta.queue.IncomingHandoff}, wired by the master): room in the active queue before the
 *   commit, so that cleanup commits the file straight to active/ID, then the queue ID and the
 *   envelope as written; it runs a {@link mta.qmgr.QmgrMessage} with that envelope on a virtual
 *   thread, without listing a directory, renaming the file or reading the envelope back. Woken by
 *   {@code public/qmgr} (and by cleanup when it had no room: not running, active queue full), and
 *   at every deferred scan, it lists incoming/ (and deferred/ for files whose retry time, the
 *   file's mtime, has come), renames what it finds into active/ and runs a
 *   {@link mta.qmgr.QmgrMessage} that reads the envelope from the file: mail from other processes
 *   goes this way. The scan never sees a file committed to active/, so the two never both take a
 *   message. The message job resolves
 *   each pending recipient to (transport, next-hop) with trivial-rewrite, groups them (at most
 *   default_destination_recipient_limit per request), and runs one delivery attempt per group on
 *   its own virtual thread. Each destination (transport:next-hop) has a concurrency window
 *   ({@link mta.qmgr.QmgrDestination}): it starts at initial_destination_concurrency, grows by one
 *   per successful attempt up to default_destination_concurrency_limit, and shrinks by one per
 *   failed attempt; after default_destination_concurrency_failed_cohort_limit failures in a row the
 *   destination is dead for minimal_backoff_time, and its mail is deferred without calling the
 *   agent ("delivery temporarily suspended: <last reason>", logged as postfix/error), until a
 *   flush request (trigger F from postqueue -f, sendmail -q, postfix flush) revives it. The
 *   agent's statuses are logged ({@code QID: to=<..>, relay=.., delay=.., delays=a/b/c/d, dsn=..,
 *   status=..}), delivered and bounced recipients are crossed off in the file at once, failures
 *   go to bounce, and the message is removed (all done) or renamed to deferred/ with its next
 *   retry time (its age, between minimal_backoff_time and maximal_backoff_time) and the reasons in
 *   defer/ID. A message older than maximal_queue_lifetime (bounce_queue_lifetime for notices) is
 *   returned ("status=expired, returned to sender"). Once a message has waited delay_warning_time,
 *   its sender gets one delay notice, remembered in defer/X/ID.warned ({@link mta.qmgr.DelayMarker}).
 *   At start-up, active/ is moved back to incoming/. An address verification probe
 *   (trace_flags=256) is routed with the address_verify_* parameters and no content filter; its
 *   results are logged as {@code status=deliverable} or {@code undeliverable}, given to the verify
 *   service ({@link mta.qmgr.QmgrProbe}), and the probe is removed: never deferred or bounced.
 *
 * READS
 *   incoming/, deferred/, active/ID (its envelope only when not handed over by cleanup).
 *
 * WRITES
 *   Renames between the queues; recipient done marks; defer/ID; defer/X/ID.warned; the mail log.
 *
 * CONFIGURATION PARAMETERS
 *   queue_run_delay (300s), minimal_backoff_time (300s), maximal_backoff_time (4000s),
 *   maximal_queue_lifetime (5d), bounce_queue_lifetime (5d), qmgr_message_active_limit (20000),
 *   initial_destination_concurrency (5), default_destination_concurrency_limit (20),
 *   default_destination_concurrency_failed_cohort_limit (1), default_destination_recipient_limit (50),
 *   delay_warning_time (0h); for probes address_verify_relayhost, address_verify_transport_maps and
 *   the address_verify_*_transport parameters.
 *
 * SEE ALSO
 *   Postfix qmgr(8), trivial-rewrite(8), verify(8); docs/queue-format.md, docs/verify.md.
 */
package mta.qmgr;
