/**
 * NAME
 *   virtual - the virtual mailbox delivery agent
 *
 * SUMMARY
 *   Delivers mail for virtual_mailbox_domains into mbox files and Maildirs under one base directory.
 *
 * DESCRIPTION
 *   Started as root, the agent runs in the master package's PrivilegedMaster (root), which the
 *   unprivileged master reaches over private/local (docs/privilege-separation.md).
 *   {@link mta.virtual.VirtualAgent} is the master.cf command {@code virtual}. The queue manager
 *   hands it the recipients that trivial-rewrite resolved to {@code $virtual_transport}. Each
 *   address is looked up in virtual_mailbox_maps (the full address, then {@code @domain} as a
 *   catch-all); the result is a path relative to virtual_mailbox_base, a Maildir when it ends in
 *   {@code /}. The files are written with the rights of the uid and gid of virtual_uid_maps and
 *   virtual_gid_maps (a thread with that file-system identity, or a setpriv child process on
 *   Java 21: {@link mta.deliver.UserFiles}), so they belong to them and nothing else is written. No
 *   aliases, .forward files or commands: aliases of virtual domains are virtual_alias_maps, which
 *   cleanup has applied before.
 *
 * READS
 *   virtual_mailbox_maps, virtual_uid_maps, virtual_gid_maps (tables).
 *
 * WRITES
 *   $virtual_mailbox_base/..., through mta.deliver.MailboxWriter.
 *
 * CONFIGURATION PARAMETERS
 *   virtual_mailbox_maps (empty), virtual_mailbox_base (empty), virtual_uid_maps (empty),
 *   virtual_gid_maps (empty), virtual_minimum_uid (100), recipient_delimiter (empty).
 *
 * SEE ALSO
 *   Postfix virtual(8), virtual(5); docs/routing.md.
 */
package mta.virtual;
