/**
 * NAME
 *   smtp - SMTP client delivery agent (and lmtp, the LMTP client)
 *
 * SUMMARY
 *   Delivers a queued message to the mail servers of one next-hop over SMTP (RFC 5321), or to a
 *   mailbox server over LMTP (RFC 2033).
 *
 * DESCRIPTION
 *   {@link mta.smtp.SmtpAgent} receives a {@link mta.deliver.DeliveryRequest} from the queue
 *   manager. {@link mta.smtp.SmtpRoute} turns the next-hop ({@code [host]:port}, {@code [host]},
 *   {@code domain:port}, {@code domain}) into server addresses, through MX and A/AAAA lookups.
 *   The agent tries them in order until one holds a conversation: {@link mta.smtp.SmtpSession}
 *   reads the greeting and says EHLO (HELO when EHLO is refused), {@link mta.smtp.SmtpTransaction}
 *   sends MAIL, RCPT and DATA (pipelined when the server offers PIPELINING; with RET, ENVID,
 *   NOTIFY and ORCPT when it offers DSN; BODY=8BITMIME and SMTPUTF8 when the message needs them,
 *   or 5.6.7 for a server without SMTPUTF8 when it holds UTF-8) and the content through
 *   {@link mta.smtp.SmtpContent}: the smtp_*_checks tables ({@link mta.smtp.SmtpContentChecks},
 *   with {@link mta.smtp.SmtpMime} telling header classes apart), then
 *   {@link mta.smtp.SmtpLineWriter} (lines broken at smtp_line_length_limit, dot-stuffing, CRLF
 *   only: a stray CR or LF never leaves); {@link mta.smtp.SmtpConnection} carries the bytes with
 *   time and length limits.
 *   {@link mta.smtp.SmtpTls} holds the TLS engine (client keys, CAs, trust anchors) and
 *   {@link mta.smtp.SmtpTlsPolicy} the policy of each destination and server (main.cf or
 *   {@link mta.smtp.SmtpTlsPolicyMaps}; DANE from DNSSEC-validated TLSA records): the session says
 *   STARTTLS as the level asks, judges the server's certificate, then EHLO again; then
 *   {@link mta.smtp.SmtpSasl} says AUTH (PLAIN or LOGIN) when smtp_sasl_auth_enable is on and
 *   {@link mta.smtp.SmtpSaslPasswords} has a password for the sender, next-hop or server.
 *   {@link mta.smtp.SmtpDelivery} runs one request: a cached
 *   session first ({@link mta.smtp.SmtpConnectionCache}, checked with RSET), then the servers of
 *   the next-hop within the MX address and session limits, then the fallback relays when the
 *   destination was not found or every server deferred. After a transaction the session is kept
 *   idle for the next delivery to the same next-hop, and closed with QUIT when its idle time is up.
 *   The result is one {@link mta.deliver.DeliveryStatus} per recipient, with reasons worded as
 *   Postfix words them (see {@link mta.smtp.Reasons}) and the connection's use count (conn_use).
 *   See docs/smtp-client.md.
 *
 *   LMTP ({@link mta.smtp.SmtpAgent#lmtp}, master.cf command {@code lmtp}) is the same agent in LMTP
 *   mode: next-hops {@code unix:PATH} (relative to the queue directory) and {@code inet:host:port}
 *   without MX lookups ({@link mta.smtp.Nexthop#parseLmtp}), LHLO instead of EHLO, one reply per
 *   accepted recipient after the content, and the {@code lmtp_*} twin of each {@code smtp_*}
 *   parameter read in its place. See docs/lmtp.md.
 *
 * READS
 *   The queue file in active/ (through the request), DNS (through mta.dns.Resolver), SMTP replies,
 *   smtp_sasl_password_maps (through the privileged process's hand-over, mta.util.SecretFiles).
 *
 * WRITES
 *   SMTP commands and message content to remote servers. Never the queue file.
 *
 * CONFIGURATION PARAMETERS
 *   smtp_helo_name ($myhostname), smtp_connect_timeout (30s), smtp_helo_timeout (300s),
 *   smtp_mail_timeout (300s), smtp_rcpt_timeout (300s), smtp_data_init_timeout (120s),
 *   smtp_data_xfer_timeout (180s), smtp_data_done_timeout (600s), smtp_quit_timeout (300s),
 *   smtp_rset_timeout (20s), smtp_connection_cache_on_demand (yes),
 *   smtp_connection_cache_time_limit (2s), smtp_connection_reuse_time_limit (300s),
 *   smtp_connection_reuse_count_limit (0), smtp_tls_security_level (empty = none),
 *   smtp_tls_policy_maps, smtp_tls_CAfile, smtp_tls_CApath, smtp_tls_trust_anchor_file,
 *   smtp_tls_cert_file/key_file/chain_files, smtp_tls_[mandatory_]protocols/ciphers/exclude_ciphers,
 *   smtp_tls_verify_cert_match (hostname), smtp_tls_secure_cert_match (nexthop, dot-nexthop),
 *   smtp_tls_fingerprint_cert_match, smtp_dns_support_level, smtp_tls_wrappermode (no),
 *   smtp_tls_loglevel (0), smtp_fallback_relay ($fallback_relay), smtp_mx_address_limit (5),
 *   smtp_mx_session_limit (2), smtp_line_length_limit (998), smtp_header_checks,
 *   smtp_mime_header_checks, smtp_nested_header_checks, smtp_body_checks (empty),
 *   smtputf8_enable (yes), smtp_sasl_auth_enable (no), smtp_sasl_password_maps,
 *   smtp_sasl_security_options (noplaintext, noanonymous), smtp_sasl_tls_security_options,
 *   smtp_sasl_tls_verified_security_options, smtp_sasl_mechanism_filter,
 *   smtp_sasl_auth_soft_bounce (yes), smtp_sasl_type (cyrus), smtp_sender_dependent_authentication (no).
 *   For lmtp: the lmtp_* twins (lmtp_lhlo_name, lmtp_lhlo_timeout, lmtp_connect_timeout (0s), ...)
 *   and lmtp_tcp_port (24).
 *
 * SEE ALSO
 *   Postfix smtp(8) and lmtp(8); RFC 5321 (SMTP), RFC 2033 (LMTP), RFC 2920 (PIPELINING), RFC 1870 (SIZE), RFC 3461 (DSN),
 *   RFC 7505 (null MX), RFC 3207 (STARTTLS), RFC 7672 (DANE for SMTP), RFC 6152 (8BITMIME),
 *   RFC 6531 (SMTPUTF8), RFC 4954 (AUTH), RFC 4616 (PLAIN), header_checks(5).
 */
package mta.smtp;
