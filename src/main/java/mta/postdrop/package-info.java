/**
 * NAME
 *   postdrop - the posting core of sendmail
 *
 * SUMMARY
 *   Reads sendmail's command line and writes a posted message into maildrop/.
 *
 * DESCRIPTION
 *   {@link mta.postdrop.SendmailOptions} reads the command line of sendmail, mailq and newaliases
 *   into a {@link mta.postdrop.SendmailRequest}; {@link mta.postdrop.Postdrop} checks a posting and
 *   streams its message into a new maildrop file, then wakes pickup. Two callers share it: the
 *   {@code sendmail} command (cli, posting as its own process) and the master's
 *   {@code public/postdrop} service (master's PostdropServer, posting for the caller that the
 *   socket's peer credentials name). Layer 3: it uses config, mail and queue only, so that the
 *   master does not depend on the commands.
 *
 * READS
 *   The message on standard input (or the postdrop socket); main.cf.
 *
 * WRITES
 *   maildrop/ID; a trigger on public/pickup.
 *
 * SEE ALSO
 *   Postfix sendmail(1), postdrop(1), pickup(8).
 */
package mta.postdrop;
