/**
 * NAME
 *   local - local delivery agent
 *
 * SUMMARY
 *   Delivers mail for mydestination: aliases, then the user's mbox or Maildir.
 *
 * DESCRIPTION
 *   {@link mta.local.LocalAgent} looks each recipient's local part up in alias_maps (recursively,
 *   each name once); remote targets are forwarded through cleanup with the original sender; local
 *   users are looked up in /etc/passwd ({@link mta.local.Passwd}) and their mail is written by
 *   {@link mta.deliver.MailboxWriter}: to ~/$home_mailbox when it is set, else to
 *   $mail_spool_directory/user; a trailing "/" selects Maildir (tmp/ then new/), otherwise mbox
 *   (dot-lock and fcntl lock, From_ line, >From quoting). Files it creates belong to the user
 *   ({@link mta.local.Ownership}) when the system runs as root.
 *
 * READS
 *   The queue file (through the request), alias tables, /etc/passwd.
 *
 * WRITES
 *   Mailboxes; forwarded copies through cleanup.
 *
 * CONFIGURATION PARAMETERS
 *   alias_maps (hash:/etc/aliases), home_mailbox (empty), mail_spool_directory (/var/mail),
 *   mydestination, myhostname.
 *
 * SEE ALSO
 *   Postfix local(8), aliases(5).
 */
package mta.local;
