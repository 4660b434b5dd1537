/**
 * NAME
 *   local - local delivery agent
 *
 * SUMMARY
 *   Delivers mail for mydestination: aliases, .forward, commands, files, then the user's mailbox.
 *
 * DESCRIPTION
 *   Started as root, the agent runs in the master package's PrivilegedMaster (root), which the
 *   unprivileged master reaches over private/local (docs/privilege-separation.md).
 *   {@link mta.local.LocalAgent} first checks each recipient for a mail loop (a Delivered-To:
 *   header naming it, or more than hopcount_limit Received: headers: 5.4.6). Then
 *   {@link mta.local.LocalDelivery} delivers it, in Postfix local(8)'s order: alias_maps
 *   ({@link mta.local.LocalAliases}; name+ext, then name), the UNIX account
 *   ({@link mta.util.PosixAccounts}; unknown names go to luser_relay or bounce 5.1.1), the first
 *   forward_path file ({@link mta.local.LocalForward}), then mailbox_command
 *   ({@link mta.local.LocalCommand}), ~/$home_mailbox or $mail_spool_directory/user
 *   ({@link mta.deliver.MailboxWriter}: mbox with dot-lock and fcntl lock, or Maildir for a trailing /).
 *   Alias, .forward and :include: targets are |command ({@link mta.local.LocalCommand}, sysexits
 *   mapping in {@link mta.local.Sysexits}), /file ({@link mta.local.LocalFile}), :include:/file,
 *   &#92;user, local names, and remote addresses, which are forwarded through cleanup as a new
 *   message (sender owner-alias when that alias exists). Every copy gets Return-Path:,
 *   X-Original-To: and Delivered-To: ({@link mta.deliver.MessageCopy}). When the system runs as
 *   root, every file of a user (.forward, :include:, mailbox, Maildir, /file) is read and written
 *   with that user's rights through {@link mta.deliver.UserFiles}, commands run through setpriv
 *   with the same identity (default_privs for root and for root-owned alias and include files;
 *   {@link mta.local.Ownership}), and the mailbox's place decides the rights
 *   ({@link mta.local.LocalMailbox}). Nothing is chowned. docs/local-delivery.md walks through
 *   the steps, docs/privilege-separation.md lists the rights and Postfix's warnings.
 *
 * READS
 *   The queue file (through the request), alias tables, the password file, .forward and
 *   :include: files.
 *
 * WRITES
 *   Mailboxes, Maildirs and files; the standard input of commands; forwarded copies through cleanup.
 *
 * CONFIGURATION PARAMETERS
 *   alias_maps (hash:/etc/aliases), allow_mail_to_commands (alias, forward), allow_mail_to_files
 *   (alias, forward), command_expansion_filter, command_time_limit (1000s), default_privs (nobody),
 *   expand_owner_alias (no), forward_expansion_filter, forward_path ($home/.forward${recipient_delimiter}${extension},
 *   $home/.forward), home_mailbox (empty), hopcount_limit (50), local_command_shell (empty: /bin/sh -c),
 *   luser_relay (empty), mail_spool_directory (/var/mail), mailbox_command (empty),
 *   mailbox_size_limit (51200000), mydestination, myhostname, myorigin, owner_request_special (yes),
 *   prepend_delivered_header (command, file, forward), queue_directory, recipient_delimiter (empty).
 *
 * SEE ALSO
 *   Postfix local(8), aliases(5), docs/local-delivery.md.
 */
package mta.local;

import mta.deliver.MessageCopy;
