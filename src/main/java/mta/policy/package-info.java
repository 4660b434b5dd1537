/**
 * NAME
 *   policy - SMTP access policy delegation client
 *
 * SUMMARY
 *   Asks an external policy server (postgrey, policyd-spf, ...) what to do with an SMTP request,
 *   over Postfix's policy delegation protocol, for smtpd's {@code check_policy_service}.
 *
 * DESCRIPTION
 *   The protocol: the client sends {@code name=value} lines ({@link mta.policy.PolicyRequest},
 *   beginning with {@code request=smtpd_access_policy}) and an empty line; the server answers
 *   {@code action=...} and an empty line, and keeps the connection open for the next request.
 *   The action is anything an access(5) table may return; smtpd interprets it.
 *   {@link mta.policy.PolicySettings} parses a {@code check_policy_service} argument
 *   ({@code inet:host:port}, {@code unix:path} relative to queue_directory, or
 *   {@code { endpoint, name=value, ... }} with per-service overrides) into the endpoint
 *   ({@link mta.policy.PolicyEndpoint}) and its limits. {@link mta.policy.PolicyClient} asks one
 *   server: each attempt is bounded by the timeout (a watchdog virtual thread closes the channel
 *   when it passes), failed attempts are retried after the retry delay up to the try limit, and
 *   then the caller applies the default action. Connections ({@link mta.policy.PolicyConnection})
 *   are kept: an SMTP session holds the one it used in its {@link mta.policy.PolicyLeases} until
 *   it ends, then it goes back to the client's pool; request limit, max idle and max TTL close
 *   them.
 *
 * READS
 *   Nothing on disk; the policy server's replies.
 *
 * WRITES
 *   Requests to the policy server; {@code warning: connect to NAME: reason} and
 *   {@code warning: problem talking to server NAME: reason} through smtpd's log channel.
 *
 * CONFIGURATION PARAMETERS
 *   smtpd_policy_service_timeout (100s), smtpd_policy_service_max_idle (300s),
 *   smtpd_policy_service_max_ttl (1000s), smtpd_policy_service_request_limit (0),
 *   smtpd_policy_service_try_limit (2), smtpd_policy_service_retry_delay (1s),
 *   smtpd_policy_service_default_action (451 4.3.5 Server configuration problem),
 *   smtpd_policy_service_policy_context (empty).
 *
 * SEE ALSO
 *   docs/smtpd-access.md (check_policy_service), Postfix's SMTPD_POLICY_README.
 */
package mta.policy;
