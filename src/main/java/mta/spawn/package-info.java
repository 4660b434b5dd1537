/**
 * NAME
 *   spawn - run a command for each connection (Postfix's inetd)
 *
 * SUMMARY
 *   The spawn(8) service: master.cf entries such as
 *   {@code policyd-spf unix - n n - 0 spawn user=policyd-spf argv=/usr/bin/policyd-spf}.
 *
 * DESCRIPTION
 *   {@link mta.spawn.SpawnListener} accepts connections on the service's socket (a UNIX-domain
 *   socket under $queue_directory/private/ or public/, or a TCP address) and runs the
 *   {@code argv=} command for each, as the {@code user=} account (never root, never mail_owner),
 *   with a clean environment, at most maxproc at once, for at most {@code SERVICE_time_limit}
 *   ({@link mta.spawn.SpawnSession}). The command's standard input, output and error are the
 *   connection: a policy server such as policyd-spf reads the request the SMTP server sends over
 *   {@code check_policy_service unix:private/policyd-spf} and writes its answer. The master wires
 *   the listeners; when it runs as mail_owner, the privileged process (master package,
 *   PrivilegedMaster) owns them, since only root can run a command as another user
 *   (docs/privilege-separation.md). See docs/pipe.md.
 *
 * READS
 *   The connection, the command's output, the password and group files.
 *
 * WRITES
 *   The connection, the command's input.
 *
 * CONFIGURATION PARAMETERS
 *   SERVICE_time_limit ($command_time_limit = 1000s), export_environment (TZ MAIL_CONFIG LANG),
 *   mail_owner (postfix), queue_directory (the commands' working directory).
 *
 * SEE ALSO
 *   Postfix spawn(8), master(5); docs/pipe.md.
 */
package mta.spawn;
