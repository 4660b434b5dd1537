package mta.smtpd;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.Params;
import mta.mail.Address;
import mta.policy.PolicyClient;
import mta.policy.PolicyRequest;
import mta.policy.PolicySettings;
import mta.util.MailLog;

/**
 * SmtpdPolicy - check_policy_service for the SMTP server: one policy client per server, and the
 * request built from the session's state.
 *
 * <p>Reads the restriction lists (for their {@code check_policy_service} arguments), the
 * {@code smtpd_policy_service_*} parameters, {@code compatibility_level}, {@code mail_version}
 * and {@code stress}; writes nothing itself ({@link PolicyClient} logs the failures). The request
 * carries every attribute Postfix 3.8 sends, in its order (see {@link #request}); the answer is
 * an access(5) action that {@link SmtpdCheck} interprets with {@link SmtpdAccess}, as Postfix
 * does. A server that cannot be asked gives its {@code default_action}.
 */
final class SmtpdPolicy implements AutoCloseable {
    /** One client per argument text, as Postfix keys them: two spellings are two clients. */
    private final Map<String, PolicyClient> clients = new ConcurrentHashMap<>();
    private final Config config;
    private final MailLog.Channel log;
    private final String compatibilityLevel;
    private final String mailVersion;
    private final String stress;
    private final AtomicLong messages = new AtomicLong();
    private final long pid = ProcessHandle.current().pid();

    /** @throws ConfigException for a malformed check_policy_service argument, naming the parameter */
    SmtpdPolicy(Config c, List<SmtpdRestrictions> lists, MailLog.Channel log) {
        this.config = c;
        this.log = log;
        this.compatibilityLevel = c.str(Params.COMPATIBILITY_LEVEL);
        this.mailVersion = c.str(Params.MAIL_VERSION);
        this.stress = c.str(Params.STRESS);
        for (SmtpdRestrictions list : lists) {
            for (SmtpdRestrictions.Step step : list.allSteps()) {
                if (step.word() != SmtpdRestrictions.Word.CHECK_POLICY_SERVICE || clients.containsKey(step.argument())) {
                    continue;
                }
                try {
                    clients.put(step.argument(), new PolicyClient(PolicySettings.parse(step.argument(), c), log));
                } catch (ConfigException e) {
                    throw new ConfigException("parameter " + list.parameter() + ": " + e.getMessage());
                }
            }
        }
    }

    /** The client of {@code argument}; one made now for a list that was not given at start (checked there too). */
    private PolicyClient client(String argument) {
        return clients.computeIfAbsent(argument, a -> new PolicyClient(PolicySettings.parse(a, config), log));
    }

    /**
     * Asks the server of {@code argument} about the session at {@code stage} ({@code rcpt}: the
     * address of RCPT TO or VRFY, else null); returns its action, or the default action when it
     * could not be asked.
     */
    String ask(String argument, SmtpdState s, String stage, Address rcpt) {
        PolicyClient client = client(argument);
        String action = client.query(request(s, stage, rcpt, client.settings().policyContext()), s.policyLeases);
        return action != null ? action : client.settings().defaultAction();
    }

    /** A new message starts (MAIL FROM): its {@code instance} attribute, the same for all its requests. */
    void newInstance(SmtpdState s) {
        long now = System.currentTimeMillis();
        s.policyInstance = Long.toHexString(pid) + "." + Long.toHexString(now / 1000) + "."
                + Long.toHexString((now % 1000) * 1000 + System.nanoTime() / 1000 % 1000) + "."
                + Long.toHexString(messages.incrementAndGet());
    }

    /**
     * The request: {@code request}, {@code protocol_state} (CONNECT, EHLO, HELO, MAIL, RCPT, DATA,
     * END-OF-MESSAGE, VRFY, ETRN; BDAT is sent as DATA), {@code protocol_name}, the client's
     * address, name, port and unverified name, the server's address and port, {@code helo_name},
     * {@code sender}, {@code recipient} (at DATA and END-OF-MESSAGE only when the message has
     * exactly one recipient), {@code recipient_count} (at DATA and END-OF-MESSAGE, else 0),
     * {@code queue_id}, {@code instance}, {@code size} (the message size at END-OF-MESSAGE, before
     * that the SIZE= of MAIL FROM or 0), {@code etrn_domain}, {@code stress}, the SASL login,
     * the client certificate ({@code ccert_*}, empty: no client certificates are asked for), the
     * TLS protocol, cipher and key size, {@code policy_context}, {@code compatibility_level} and
     * {@code mail_version}. Absent values are sent empty.
     */
    PolicyRequest request(SmtpdState s, String stage, Address rcpt, String policyContext) {
        SmtpdState.Client c = s.client;
        SmtpdState.Transaction tx = s.tx;
        String state = stage.equals("BDAT") ? "DATA" : stage;
        boolean content = state.equals("DATA") || state.equals("END-OF-MESSAGE");
        Address recipient = rcpt;
        if (recipient == null && content && tx.recipients.size() == 1) recipient = tx.recipients.get(0);
        long size = state.equals("END-OF-MESSAGE") ? tx.bytes : Math.max(tx.declaredSize, 0);
        return new PolicyRequest()
                .add("request", "smtpd_access_policy")
                .add("protocol_state", state)
                .add("protocol_name", c.protocol)
                .add("client_address", c.addressText)
                .add("client_name", c.name)
                .add("client_port", c.port < 0 ? "" : Integer.toString(c.port))
                .add("reverse_client_name", c.reverseName)
                .add("server_address", c.serverAddress)
                .add("server_port", c.serverPort < 0 ? "" : Integer.toString(c.serverPort))
                .add("helo_name", c.helo)
                .add("sender", tx.sender)
                .add("recipient", recipient)
                .add("recipient_count", content ? tx.recipients.size() : 0)
                .add("queue_id", tx.cleanup == null ? "" : tx.cleanup.queueId())
                .add("instance", s.policyInstance)
                .add("size", size)
                .add("etrn_domain", state.equals("ETRN") ? s.etrnDomain : "")
                .add("stress", stress)
                .add("sasl_method", c.sasl == null ? "" : c.sasl.method())
                .add("sasl_username", c.sasl == null ? "" : c.sasl.username())
                .add("sasl_sender", tx.saslSender)
                .add("ccert_subject", "")
                .add("ccert_issuer", "")
                .add("ccert_fingerprint", "")
                .add("ccert_pubkey_fingerprint", "")
                .add("encryption_protocol", c.tls == null ? "" : c.tls.protocol())
                .add("encryption_cipher", c.tls == null ? "" : c.tls.cipher())
                .add("encryption_keysize", c.tls == null ? 0 : c.tls.bits())
                .add("policy_context", policyContext)
                .add("compatibility_level", compatibilityLevel)
                .add("mail_version", mailVersion);
    }

    /** Closes the pooled connections of every client (the configuration is replaced or the server stops). */
    @Override
    public void close() {
        clients.values().forEach(PolicyClient::close);
    }
}
