/**
 * NAME
 *   install - postfix install and postfix uninstall
 *
 * SUMMARY
 *   Makes this mail system the machine's mailer, and takes it away again.
 *
 * DESCRIPTION
 *   {@link mta.install.PostfixInstall} runs both commands (docs/install.md): the accounts
 *   ({@link mta.install.InstallAccounts}), the program under /usr/lib/mta, the configuration and
 *   queue, the mailer links, the service files and the set-gid postdrop launcher
 *   ({@link mta.install.InstallPostdrop}); everything it creates or moves is written down in
 *   {@link mta.install.InstallManifest}, which uninstall follows backwards. Layer 7 beside cli, which
 *   keeps one class per command: the postfix command calls in here, and passes in what the
 *   installer needs of the commands (newaliases, set-permissions) as {@code PostfixInstall.Commands}.
 *
 * READS
 *   The checkout it runs from (bin/, target/, conf/), the running Java runtime, /etc/passwd and
 *   /etc/group.
 *
 * WRITES
 *   Under the root directory (default /): accounts, /usr/lib/mta, /etc/postfix, /etc/aliases, the
 *   queue, the command links, the systemd unit and init.d script, /usr/lib/mta/install.manifest.
 *
 * SEE ALSO
 *   docs/install.md; Postfix postfix(1), post-install.
 */
package mta.install;
