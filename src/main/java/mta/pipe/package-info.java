/**
 * NAME
 *   pipe - delivery to external commands
 *
 * SUMMARY
 *   The pipe(8) delivery agent: master.cf services such as
 *   {@code dovecot unix - n n - - pipe flags=DRhu user=vmail argv=/usr/lib/dovecot/dovecot-lda -f ${sender} -d ${user}@${nexthop}}.
 *
 * DESCRIPTION
 *   {@link mta.pipe.PipeAgent} is the master.cf command {@code pipe}; a transport of that name
 *   (from transport_maps, virtual_transport, relay_transport, a content_filter ...) gives it its
 *   recipients. For each group of at most {@code TRANSPORT_destination_recipient_limit} recipients
 *   it runs the {@code argv=} command once, directly (no shell), as the {@code user=} account
 *   ({@link mta.config.CommandUser}: never root, never mail_owner), with the macros expanded
 *   ({@link mta.pipe.PipeArgv}), the message on its standard input ({@link mta.pipe.PipeCopy}:
 *   the headers and quoting that {@code flags=} asks for, lines ended with {@code eol=}), a clean
 *   environment and {@code TRANSPORT_time_limit}. Its exit status and output become the
 *   recipients' status in Postfix's words ({@link mta.pipe.PipeStatus}): 0 sent, 75 deferred,
 *   67 bounced 5.1.1, any other status bounced with {@code Command died with status N}.
 *   Started as root, the agent runs in the master package's PrivilegedMaster, which the
 *   unprivileged master reaches over private/local, like local and virtual
 *   (docs/privilege-separation.md). See docs/pipe.md.
 *
 * READS
 *   The queue file (content, named attributes for the client_* and sasl_* macros), the password
 *   and group files, main.cf.
 *
 * WRITES
 *   The message to the command's standard input; nothing in the queue.
 *
 * CONFIGURATION PARAMETERS
 *   TRANSPORT_time_limit ($command_time_limit = 1000s), TRANSPORT_destination_recipient_limit
 *   ($default_destination_recipient_limit = 50), recipient_delimiter (empty),
 *   owner_request_special (yes), export_environment (TZ MAIL_CONFIG LANG), mail_owner (postfix),
 *   queue_directory.
 *
 * SEE ALSO
 *   Postfix pipe(8), master(5); docs/pipe.md.
 */
package mta.pipe;
