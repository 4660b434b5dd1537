package mta.smtp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;
import mta.deliver.DeliveryStatus.Outcome;
import mta.deliver.Recipient;
import mta.mail.Dsn;

/**
 * SmtpDelivery - one delivery request on its way through sessions: cached, then the
 * destination's servers, then the fallback relays.
 *
 * <p>Reads the request and the agent's settings; writes nothing but SMTP (through sessions) and
 * the connection cache. The order is Postfix's: a cached session for the next-hop first; then
 * each server address of the next-hop, up to {@code smtp_mx_session_limit} sessions that got
 * past EHLO (and TLS); recipients a server deferred go on to the next server. When the
 * destination cannot be found or every server failed temporarily, the hosts of
 * {@code smtp_fallback_relay} are tried the same way. Each recipient ends with the last status a
 * server gave it, or, if no server got that far, the last failure to find or greet one.
 */
final class SmtpDelivery {
    private final SmtpAgent agent;
    private final DeliveryRequest request;
    private final long start = System.nanoTime();
    /** The latest status of each recipient that a server (or the route) has decided. */
    private final Map<Recipient, DeliveryStatus> statuses = new LinkedHashMap<>();
    /** Why the latest server or route could not be used; the reason for recipients without status. */
    private SmtpFailure lastFailure;

    SmtpDelivery(SmtpAgent agent, DeliveryRequest request) {
        this.agent = agent;
        this.request = request;
    }

    List<DeliveryStatus> run() {
        Nexthop nexthop;
        try {
            nexthop = parse(request.nexthop());
        } catch (IllegalArgumentException e) {
            return SmtpFailure.deferred(Dsn.SYSTEM_MISCONFIGURED.temporary(), "none", "bad next-hop: " + e.getMessage())
                    .statuses(request.recipients(), secondsSince(start));
        }
        String key = cacheKey(nexthop);
        if (!agent.sasl.perSenderSessions()) tryCached(key);
        if (!left().isEmpty()) tryDestination(request.nexthop().strip(), nexthop, key);
        if (!left().isEmpty() && mayFallBack()) {
            for (String relay : agent.fallbackRelays) {
                Nexthop fallback;
                try {
                    fallback = parse(relay);
                } catch (IllegalArgumentException e) {
                    continue; // a bad entry in smtp_fallback_relay is skipped, the others still count
                }
                tryDestination(relay.strip(), fallback, cacheKey(fallback));
                if (left().isEmpty()) break;
            }
        }
        return results();
    }

    // ------------------------------------------------------------------ the three sources of sessions

    /**
     * A cached session for this next-hop, when one is idle and still answers RSET: sent at the
     * head of the pipelined envelope when the server offers PIPELINING (one round trip less per
     * message), else on its own first.
     */
    private void tryCached(String key) {
        SmtpSession session;
        while ((session = agent.cache.take(key)) != null) {
            if (session.features().pipelining() && !request.verifyOnly()) {
                if (transact(session, key, secondsSince(start), true)) return;
            } else if (session.stillAlive()) {
                transact(session, key, secondsSince(start), false);
                return;
            }
            session.close(); // it died while idle: the next one, or a fresh connection
        }
    }

    /**
     * Each server address of {@code nexthop} in turn, within the session limit, under the TLS
     * policy of {@code destination} (the next-hop as written: the key of smtp_tls_policy_maps).
     */
    private void tryDestination(String destination, Nexthop nexthop, String key) {
        List<MailHost> hosts;
        SmtpTlsPolicy tls;
        try {
            tls = agent.tls.destination(destination, nexthop);
            hosts = nexthop.unix() ? List.of(MailHost.unix(agent.myhostname, nexthop.host()))
                    : new SmtpRoute(agent.resolver).hosts(nexthop);
        } catch (SmtpFailure f) {
            lastFailure = f;
            return;
        }
        if (agent.mxAddressLimit > 0 && hosts.size() > agent.mxAddressLimit) {
            hosts = hosts.subList(0, agent.mxAddressLimit);
        }
        int sessions = 0;
        for (MailHost host : hosts) {
            if (left().isEmpty()) return;
            if (agent.mxSessionLimit > 0 && sessions >= agent.mxSessionLimit) return;
            SmtpSession session;
            try {
                session = open(host, tls, destination);
            } catch (SmtpFailure f) {
                lastFailure = f;
                continue;
            }
            sessions++;
            transact(session, key, secondsSince(start), false);
        }
    }

    /**
     * Connects, greets and authenticates (when smtp_sasl_auth_enable and a password say so); at TLS
     * level may, a failed handshake gets one plaintext try.
     */
    private SmtpSession open(MailHost host, SmtpTlsPolicy policy, String destination) throws SmtpFailure {
        SmtpTlsPolicy.Host tls = policy.forHost(host);
        while (true) {
            SmtpConnection conn;
            try {
                conn = host.isUnix() ? SmtpConnection.openUnix(agent.queueDirectory.resolve(host.socket()))
                        : SmtpConnection.open(host, agent.timeouts.connect());
            } catch (IOException e) {
                throw SmtpFailure.deferred(Dsn.NO_ANSWER_FROM_HOST.temporary(), "none", Reasons.connect(host, e)).at(DeliveryStatus.Stage.CONNECT);
            }
            SmtpSession session = new SmtpSession(conn, host, agent.timeouts, tls, agent.log, agent.lmtp);
            try {
                session.greet(agent.heloName);
                agent.sasl.authenticate(session, request.sender(), destination);
                return session;
            } catch (SmtpFailure f) {
                session.close();
                if (!f.retryInPlaintext() || tls == null) throw f;
                tls = null;
            }
        }
    }

    /**
     * One transaction for the recipients still left; then the session is cached or closed. With
     * {@code cached}, the transaction first checks the session with a pipelined RSET; false when
     * that failed: nothing happened, and the caller closes the session and tries another.
     */
    private boolean transact(SmtpSession session, String key, double connectSeconds, boolean cached) {
        int use = session.use();
        DeliveryRequest sub = request.to(request.transport(), request.nexthop(), left());
        SmtpTransaction t = new SmtpTransaction(agent, session.connection(), session.host(), session.features(),
                connectSeconds);
        if (cached) t.checkingCachedSession();
        List<DeliveryStatus> out = t.run(sub);
        if (t.stale()) return false;
        for (DeliveryStatus st : out) statuses.put(st.recipient(), st.withConnUse(use));
        boolean keep = agent.cacheOnDemand && !agent.sasl.perSenderSessions();
        if (!keep || !agent.cache.offer(key, session)) session.close();
        return true;
    }

    // ------------------------------------------------------------------ bookkeeping

    /** Recipients without a final status: none yet, or deferred by the last server that tried. */
    private List<Recipient> left() {
        List<Recipient> out = new ArrayList<>();
        for (Recipient r : request.recipients()) {
            DeliveryStatus st = statuses.get(r);
            if (st == null || st.outcome() == Outcome.DEFERRED) out.add(r);
        }
        return out;
    }

    /**
     * The fallback relays are for destinations that cannot be found or cannot be reached: every
     * recipient left is deferred, or the destination's name does not exist. A null MX is final.
     */
    private boolean mayFallBack() {
        if (agent.fallbackRelays.isEmpty()) return false;
        for (Recipient r : left()) {
            if (statuses.containsKey(r)) continue; // deferred by a server
            if (lastFailure == null) return false;
            boolean notFound = lastFailure.dsn().equals(Dsn.UNABLE_TO_ROUTE);
            if (lastFailure.outcome() != Outcome.DEFERRED && !notFound) return false;
        }
        return true;
    }

    private List<DeliveryStatus> results() {
        double seconds = secondsSince(start);
        List<DeliveryStatus> out = new ArrayList<>();
        for (Recipient r : request.recipients()) {
            DeliveryStatus st = statuses.get(r);
            if (st == null && lastFailure == null) throw new IllegalStateException("no server tried for " + r.address());
            out.add(st != null ? st : lastFailure.status(r, seconds, 0));
        }
        return out;
    }

    /** An SMTP next-hop, or an LMTP one for the LMTP client. */
    private Nexthop parse(String text) {
        return agent.lmtp ? Nexthop.parseLmtp(text, agent.defaultPort) : Nexthop.parse(text, agent.defaultPort);
    }

    /** Sessions are shared by next-hops that mean the same servers. */
    private static String cacheKey(Nexthop n) {
        if (n.unix()) return "unix:" + n.host();
        return (n.mxLookup() ? "" : "[") + n.host().toLowerCase(Locale.ROOT) + (n.mxLookup() ? "" : "]") + ":" + n.port();
    }

    private static double secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
