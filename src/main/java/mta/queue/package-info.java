/**
 * NAME
 *   queue - queue directories and queue files
 *
 * SUMMARY
 *   Where messages wait, and the typed-record file each one is.
 *
 * DESCRIPTION
 *   A message's state is the directory its file is in; it changes only by an atomic rename.
 *   <pre>
 *   maildrop/ID   posted by sendmail, waiting for pickup      (pickup -> cleanup -> incoming, then removed)
 *   incoming/ID   complete, forced to disk, not yet scheduled  (qmgr's scan renames it to active/)
 *   active/ID     being delivered                             (qmgr: removed, or renamed to deferred/;
 *                 committed here by the master's cleanup when qmgr has room, IncomingHandoff)
 *   deferred/X/ID waiting for its retry time, the file's mtime (qmgr renames it to active/)
 *   hold/ID       held by the administrator                   (postsuper -H moves it to deferred/)
 *   corrupt/ID    unreadable; kept for the administrator
 *   defer/X/ID    why recipients of ID are delayed (not a queue: a log per message)
 *   </pre>
 *   Invariants: (1) a file named by a queue ID is complete: it was written under a temporary
 *   name ".t&lt;pid&gt;.*", forced to disk and renamed, so readers never see a partial file (a writer
 *   killed half-way leaves such a file; TempFiles removes it once its process is gone, as
 *   postsuper -p and postfix start do); (2) a message is
 *   in exactly one queue directory; (3) a recipient crossed off (type byte R rewritten to D, then
 *   forced) is never delivered again; (4) a file that ends without an END record or holds an
 *   unknown record type is moved to corrupt/, never deleted. See docs/queue-format.md.
 *   Run as root, the tree has Postfix's owners and modes (QueuePermissions: mail_owner's
 *   directories 0700, maildrop 1730, public 2710, pid root), and files a root process creates
 *   go to mail_owner (docs/privilege-separation.md).
 *
 * SEE ALSO
 *   Postfix qmgr(8) and postsuper(1) on the queue names.
 */
package mta.queue;
