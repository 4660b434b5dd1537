package mta.policy;

import java.util.HashMap;
import java.util.Map;

/**
 * PolicyLeases - the policy server connections one SMTP session holds, one per server.
 *
 * <p>Used only by the session's own thread. A session takes its connection back from here for
 * each request ({@link PolicyClient#query}) and {@link #close} returns them all to their clients'
 * pools when the session ends, as a Postfix smtpd process keeps its connection between requests.
 */
public final class PolicyLeases implements AutoCloseable {
    private final Map<PolicyClient, PolicyConnection> held = new HashMap<>();

    PolicyConnection take(PolicyClient client) {
        return held.remove(client);
    }

    void put(PolicyClient client, PolicyConnection c) {
        held.put(client, c);
    }

    /** Returns every held connection to its pool. */
    @Override
    public void close() {
        held.forEach((client, c) -> client.giveBack(c));
        held.clear();
    }
}
