/**
 * NAME
 *   cli - the commands
 *
 * SUMMARY
 *   One class per command a Postfix administrator types: postfix, sendmail, mailq, newaliases,
 *   postqueue, postsuper, postcat, postmap, postalias, postconf.
 *
 * DESCRIPTION
 *   Each class reads its command line (util.Getopt, util.Usage), prints what Postfix's command
 *   prints and exits with its exit status. The commands reach the running system only through the
 *   queue directories and the public/ sockets (pickup, qmgr, showq, flush, postdrop): never by
 *   calling a daemon's code. {@link mta.cli.Postfix} starts the master (class master.Master, by its
 *   class name, in a child JVM) and runs {@code postfix check} ({@link mta.cli.PostfixCheck}) and
 *   the installer (package install); {@link mta.cli.Sendmail} posts through package postdrop, the
 *   same posting core as the master's public/postdrop service; {@link mta.cli.TableCommand} is
 *   postmap and postalias; {@link mta.cli.Postconf} shows and edits main.cf and master.cf.
 *
 * READS
 *   main.cf and master.cf (MAIL_CONFIG, -c, -C), the queue directories, tables and their sources.
 *
 * WRITES
 *   Standard output and error; maildrop/ID (sendmail); compiled tables (postmap, postalias,
 *   newaliases); queue files moved or removed (postsuper); main.cf and master.cf (postconf -e).
 *
 * SEE ALSO
 *   Postfix postfix(1), sendmail(1), postqueue(1), postsuper(1), postcat(1), postmap(1),
 *   postalias(1), postconf(1); docs/commands.md.
 */
package mta.cli;
