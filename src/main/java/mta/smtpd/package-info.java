/**
 * NAME
 *   smtpd - SMTP server
 *
 * SUMMARY
 *   Receives mail over SMTP (RFC 5321) with PIPELINING, SIZE, STARTTLS, 8BITMIME,
 *   ENHANCEDSTATUSCODES, DSN, SMTPUTF8 and CHUNKING, and hands each message to cleanup.
 *
 * DESCRIPTION
 *   {@link mta.smtpd.SmtpdListener} binds one master.cf {@code inet} address; a platform thread
 *   accepts connections (a semaphore of maxproc permits bounds them) and runs each
 *   {@link mta.smtpd.SmtpdSession} on its own virtual thread. With smtpd_upstream_proxy_protocol =
 *   haproxy the session first reads the load balancer's PROXY header ({@link mta.smtpd.SmtpdHaproxy}),
 *   whose client address replaces the peer's for the whole session. {@link mta.smtpd.Anvil} counts
 *   each client's concurrent connections and its connection rate; a client over a limit gets
 *   {@code 421 4.7.0} instead of the greeting. It also counts MAIL and RCPT commands per client
 *   ({@link mta.smtpd.SmtpdEventLimits}: {@code 450 4.7.1} over the limit). A session runs with the
 *   {@link mta.smtpd.SmtpdServices} current when it starts (settings read by name into
 *   {@link mta.smtpd.SmtpdSettings}, restrictions, TLS, cleanup) and keeps them to its end. It
 *   reads command lines through {@link mta.smtpd.SmtpdChat} (every line within
 *   {@code smtpd_timeout}; replies batched for pipelining clients), looks the verb up in the
 *   command table {@link mta.smtpd.SmtpdCommand}, whose row names the handler, and runs it with
 *   the session's {@link mta.smtpd.SmtpdContext} (state, chat, server parts, and the replier
 *   {@code ok}/{@code fail}/{@code refused}): {@link mta.smtpd.SmtpdHelo} ({@code heloCmd},
 *   {@code ehloCmd}), {@link mta.smtpd.SmtpdStarttls}, {@link mta.smtpd.SmtpdSasl} ({@code authCmd}),
 *   {@link mta.smtpd.SmtpdTransaction} ({@code mailCmd}, {@code rcptCmd}, {@code dataCmd},
 *   {@code bdatCmd}, {@code rsetCmd}), {@link mta.smtpd.SmtpdVrfy}, {@link mta.smtpd.SmtpdEtrn},
 *   and NOOP, HELP and QUIT in the table's own file. Handlers never see the session; each checks
 *   first (sequence, syntax, limits, then the stage's call of {@link mta.smtpd.SmtpdCheck}) and
 *   proceeds after, so a further stage is one more check line (docs/architecture.md). Every reply
 *   text is in {@link mta.mail.Reply}. Per-connection and per-transaction state
 *   live in {@link mta.smtpd.SmtpdState}. The mail transaction is {@link mta.smtpd.SmtpdTransaction}:
 *   {@link mta.smtpd.SmtpdParams} checks the ESMTP parameters of MAIL and RCPT (SIZE, BODY,
 *   SMTPUTF8, RET, ENVID, NOTIFY, ORCPT), {@link mta.smtpd.SmtpdCheck} evaluates the access
 *   restriction lists ({@link mta.smtpd.SmtpdRestrictions}, parsed once per listener
 *   configuration) at connect, HELO, MAIL, RCPT, DATA and end of data (with smtpd_delay_reject
 *   the client, HELO and sender lists run at RCPT), reading access tables through
 *   {@link mta.smtpd.SmtpdAccess}, DNS through {@link mta.smtpd.SmtpdDns}, DNS block and allow lists
 *   through {@link mta.smtpd.SmtpdDnsxl} (refusals worded by {@link mta.smtpd.SmtpdRblReply}), local users through
 *   {@link mta.smtpd.SmtpdLocalRecipients} and policy servers (check_policy_service) through
 *   {@link mta.smtpd.SmtpdPolicy} and {@link mta.policy} (see docs/smtpd-access.md); actions that
 *   concern the message (HOLD, DISCARD, REDIRECT, BCC, PREPEND) are kept in
 *   {@link mta.smtpd.SmtpdSavedActions} and deferrals (defer_if_permit, defer_if_reject) in
 *   {@link mta.smtpd.SmtpdDeferIf}; reject_unverified_recipient and reject_unverified_sender ask the
 *   address verification service through {@link mta.smtpd.SmtpdVerify} (docs/verify.md); and at the
 *   first accepted recipient a cleanup transaction is opened (its
 *   queue ID is logged as {@code QID: client=...}). {@link mta.smtpd.SmtpdData} copies the DATA
 *   stream (only CRLF.CRLF ends it, per {@code smtpd_forbid_bare_newline}), {@link mta.smtpd.SmtpdBdat}
 *   the BDAT chunks; the commit forces the queue file to disk before
 *   {@code 250 2.0.0 Ok: queued as QID}. Errors count towards the soft limit (replies slowed by
 *   {@code smtpd_error_sleep_time}) and the hard limit (disconnect). {@link mta.smtpd.SmtpdTls}
 *   holds a listener's TLS settings and its SSLContext (built once per configuration from the PEM
 *   files, through {@link mta.tls}, read through the privileged process's hand-over when the
 *   key is root-only; keys that cannot be loaded where TLS is required stop the start);
 *   {@link mta.smtpd.SmtpdStarttls} runs the handshake over the session's
 *   socket (in wrapper mode it runs before the greeting) and the chat goes on over TLS,
 *   dropping any clear-text input sent after STARTTLS; STARTTLS forgets HELO and the transaction;
 *   at level encrypt the commands not marked {@code preTls} in the command table get 530 before
 *   TLS. ETRN asks the fast flush service ({@link mta.flush.Flush}) to deliver a site's deferred
 *   mail. At MAIL FROM {@link mta.smtpd.SmtpdQueueSpace} checks the free space of the queue file
 *   system (queue_minfree). A handler that fails unexpectedly still answers (451, or 421 inside
 *   message content).
 *   AUTH (RFC 4954) is {@link mta.smtpd.SmtpdSasl} (its parameters {@link mta.smtpd.SmtpdSaslSettings}): EHLO offers the mechanisms Dovecot announces
 *   (filtered by smtpd_sasl_security_options), and the 334 exchange is relayed to Dovecot's
 *   authentication service through {@link mta.smtpd.XsaslDovecot} (protocol 1.x over a
 *   UNIX-domain or TCP socket, one connection per session, kept in the state); a login sets {@code state.client.sasl}, which
 *   permit_sasl_authenticated and the sender login mismatch restrictions
 *   ({@link mta.smtpd.SmtpdSenderLogin}, smtpd_sender_login_maps) read.
 *   A session runs over a {@link mta.smtpd.SmtpdConnection} (two streams, the client address, a
 *   read timeout) for a {@link mta.smtpd.SmtpdServer}: the listener, or
 *   {@link mta.smtpd.SmtpdStdio}, Postfix's {@code smtpd -S}, which {@code sendmail -bs} runs as a
 *   child process: one session on standard input and output for the client
 *   {@code localhost[127.0.0.1]}, access restrictions off unless run as mail_owner, mail into
 *   maildrop/ through {@link mta.cleanup.MaildropCleanup}. Each queue file gets
 *   {@code rewrite_context=local} when the client is in local_header_rewrite_clients
 *   ({@link mta.smtpd.SmtpdRewriteClients}), else {@code remote}: cleanup rewrites header
 *   addresses of local mail only.
 *
 * READS
 *   The client connection (or standard input, smtpd -S), after a PROXY header when configured;
 *   DNS (PTR, A/AAAA, MX, A and TXT of block and allow lists); access tables; rbl_reply_maps;
 *   local_recipient_maps (/etc/passwd, aliases); the verify service's answers; Dovecot's auth socket or saslauthd's (smtpd_sasl_path);
 *   smtpd_sender_login_maps; the TLS certificate and key PEM files.
 *
 * WRITES
 *   Replies to the client; queue files through cleanup (with the DSN records {@code n} and {@code o}
 *   and the attributes {@code dsn_ret}, {@code dsn_envid}); the mail log: connect, client=,
 *   reject, improper command pipelining, illegal address syntax, BDAT and ETRN warnings, not enough
 *   free space, lost connection after, timeout after, too many errors after, connection, message and recipient rate limit warnings, haproxy read warnings, RBL
 *   lookup errors, SASL authentication failed/aborted and AUTH rate limit warnings (never a
 *   password or AUTH data), TLS warnings and the TLS summary line, and disconnect with the
 *   command counters.
 *
 * CONFIGURATION PARAMETERS
 *   smtpd_banner ($myhostname ESMTP $mail_name), smtpd_timeout (300s), smtpd_recipient_limit (1000),
 *   smtpd_hard_error_limit (20), smtpd_soft_error_limit (10), smtpd_error_sleep_time (1s),
 *   message_size_limit (10240000), line_length_limit (2048), header_size_limit (102400),
 *   disable_vrfy_command (no), smtputf8_enable (yes), smtpd_client_connection_count_limit (50),
 *   smtpd_client_connection_rate_limit (0), smtpd_client_message_rate_limit (0),
 *   smtpd_client_recipient_rate_limit (0), anvil_rate_time_unit (60s),
 *   smtpd_upstream_proxy_protocol (empty), smtpd_upstream_proxy_timeout (5s),
 *   maps_rbl_reject_code (554), default_rbl_reply, rbl_reply_maps (empty),
 *   smtpd_client_event_limit_exceptions ($mynetworks), smtpd_forbid_bare_newline (normalize),
 *   smtpd_forbid_bare_newline_exclusions ($mynetworks), smtpd_forbid_bare_newline_reject_code (550),
 *   mynetworks, mydestination, relay_domains, smtpd_peername_lookup (yes), default_process_limit (100),
 *   smtpd_client/helo/sender/relay/recipient/etrn/data/end_of_data_restrictions, smtpd_delay_reject (yes),
 *   smtpd_helo_required (no), local_recipient_maps, smtpd_reject_unlisted_recipient (yes),
 *   the *_reject_code parameters, local_header_rewrite_clients (permit_inet_interfaces),
 *   inet_interfaces (all), mail_owner (postfix; smtpd -S), smtpd_sasl_auth_enable (no),
 *   smtpd_sasl_type (cyrus: saslauthd; or dovecot), smtpd_sasl_path (smtpd), cyrus_sasl_config_path, smtpd_sasl_service (smtp),
 *   smtpd_sasl_security_options (noanonymous), smtpd_sasl_tls_security_options,
 *   smtpd_sasl_exceptions_networks, smtpd_sasl_authenticated_header (no), broken_sasl_auth_clients (no),
 *   smtpd_sasl_response_limit (12288), smtpd_client_auth_rate_limit (0), smtpd_tls_auth_only (no),
 *   smtpd_sender_login_maps, smtpd_tls_security_level, smtpd_tls_cert_file,
 *   smtpd_tls_key_file, smtpd_tls_eccert_file, smtpd_tls_eckey_file, smtpd_tls_chain_files,
 *   smtpd_tls_protocols and smtpd_tls_mandatory_protocols (>=TLSv1), smtpd_tls_ciphers and
 *   smtpd_tls_mandatory_ciphers (medium), smtpd_tls_loglevel (0), smtpd_tls_received_header (no),
 *   smtpd_tls_wrappermode (no), smtpd_starttls_timeout (300s), queue_minfree (0), queue_directory,
 *   proxy_interfaces (empty), address_verify_poll_count (3), address_verify_poll_delay (3s),
 *   unverified_recipient/sender_reject_code (450), _defer_code (450), _tempfail_action
 *   (defer_if_permit), _reject_reason (empty).
 *
 * SEE ALSO
 *   Postfix smtpd(8), anvil(8), SMTPD_ACCESS_README, access(5); RFC 5321, RFC 2920 (PIPELINING),
 *   RFC 4954 (AUTH), RFC 1870 (SIZE), RFC 3207 (STARTTLS), RFC 8314 (implicit TLS),
 *   RFC 3030 (CHUNKING), RFC 3461 (DSN), RFC 6531 (SMTPUTF8), RFC 3463 (status
 *   codes); docs/smtpd.md, docs/smtpd-access.md, docs/verify.md.
 */
package mta.smtpd;
