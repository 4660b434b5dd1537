/**
 * NAME
 *   master - the resident process
 *
 * SUMMARY
 *   Reads main.cf and master.cf, starts every service inside one JVM, and stops them.
 *
 * DESCRIPTION
 *   {@link mta.master.Master} is the only class that sees all packages: it builds cleanup, bounce,
 *   the delivery agents (one per master.cf {@code unix} transport whose command is local or smtp),
 *   qmgr, pickup, one smtpd listener per {@code inet} address, the address verification service
 *   while master.cf has a verify entry ({@link mta.master.VerifySwitch}, {@link mta.verify.Verify}),
 *   and the public/pickup and
 *   public/qmgr trigger sockets ({@link mta.master.TriggerServer}), the public/showq service
 *   ({@link mta.master.ShowqServer}: the queue listing for ordinary users' mailq), and the
 *   public/postdrop service ({@link mta.master.PostdropServer}: posting for bin/sendmail's thin
 *   client, through the posting core of {@link mta.postdrop.Postdrop}, with main.cf read once per
 *   version of the file by {@link mta.master.PostingConfig}); each of these four sockets is a
 *   {@link mta.master.PublicService} (socket set-up, 0666 mode, accept loop). The long-lived loops
 *   (pickup, the qmgr scan, these accept loops) run under {@link mta.master.Supervisor}, which logs
 *   a loop that dies ("process pickup ... terminated abnormally") and restarts it. It locks and writes
 *   $queue_directory/pid/master.pid; {@code bin/postfix start} runs it in the background.
 *   Started as root, {@code bin/postfix start} runs {@link mta.master.PrivilegedMaster} instead:
 *   it stays root, serves local and virtual delivery on $queue_directory/private/local and the
 *   root-only files the configuration names (TLS keys) on $queue_directory/private/secrets
 *   ({@link mta.master.SecretService}, {@link mta.master.SecretFileNames}), and runs the master
 *   as mail_owner (through setpriv) as its child; the master's local and virtual transports are
 *   then {@link mta.deliver.DeliveryClient}s and its TLS keys come through a
 *   {@link mta.util.SecretClient} (docs/privilege-separation.md). Before it starts anything, the
 *   master refuses keys that cannot be loaded where TLS is required ({@link mta.tls.TlsConfigCheck}).
 *
 * READS
 *   main.cf, master.cf.
 *
 * WRITES
 *   The queue directories (created), pid/master.pid, public/ sockets, the mail log; maildrop/
 *   files posted through public/postdrop;
 *   PrivilegedMaster: private/local, private/secrets, forwarded copies in incoming/; mailboxes
 *   only with the user's rights (mta.deliver.UserFiles).
 *
 * CONFIGURATION PARAMETERS
 *   queue_directory, data_directory, maillog_file, inet_interfaces (all), inet_protocols (all),
 *   default_process_limit (100), mail_owner (postfix), ipc_timeout (3600s: public/postdrop reads),
 *   address_verify_service_name (verify).
 *
 * SEE ALSO
 *   Postfix master(8), master(5), postfix(1).
 */
package mta.master;
