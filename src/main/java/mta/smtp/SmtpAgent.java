package mta.smtp;

import java.io.IOException;
import java.util.List;
import mta.config.Config;
import mta.config.Params;
import mta.deliver.DeliveryAgent;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;
import mta.dns.Resolver;

/**
 * SmtpAgent - the SMTP client delivery agent: sends a message to the servers of its next-hop.
 *
 * <p>Reads the request's envelope and content (from the queue file, through the request), DNS
 * (through a {@link Resolver}) and the configuration ({@code smtp_helo_name} and the
 * {@code smtp_*_timeout} parameters); writes SMTP to remote servers. It tries the servers of the
 * next-hop in order: a refused connection, a rejected greeting or a broken EHLO moves on to the
 * next. The first server that accepts a conversation decides the fate of every recipient. It
 * never changes the queue file, and never throws for a failure of the network or a server.
 */
public final class SmtpAgent implements DeliveryAgent {
    private final Resolver resolver;
    private final int defaultPort;
    private final String heloName;
    private final SmtpTimeouts timeouts;

    /** An agent that speaks to port 25 unless a next-hop names another port. */
    public SmtpAgent(Config config, Resolver resolver) {
        this(config, resolver, 25);
    }

    /**
     * An agent with another default port, for MX hosts and next-hops without a port (tests run
     * their servers on free high ports).
     */
    public SmtpAgent(Config config, Resolver resolver, int defaultPort) {
        this.resolver = resolver;
        this.defaultPort = defaultPort;
        this.heloName = config.str(Params.SMTP_HELO_NAME);
        this.timeouts = SmtpTimeouts.from(config);
    }

    @Override
    public String name() {
        return "smtp";
    }

    @Override
    public List<DeliveryStatus> deliver(DeliveryRequest request) {
        long start = System.nanoTime();
        List<MailHost> hosts;
        try {
            Nexthop nexthop = Nexthop.parse(request.nexthop(), defaultPort);
            hosts = new SmtpRoute(resolver).hosts(nexthop);
        } catch (IllegalArgumentException e) {
            return SmtpFailure.deferred("4.3.5", "none", "bad next-hop: " + e.getMessage())
                    .statuses(request.recipients(), secondsSince(start));
        } catch (SmtpFailure f) {
            return f.statuses(request.recipients(), secondsSince(start));
        }

        SmtpFailure last = null;
        for (MailHost host : hosts) {
            SmtpConnection conn;
            try {
                conn = SmtpConnection.open(host, timeouts.connect());
            } catch (IOException e) {
                last = SmtpFailure.deferred("4.4.1", "none", Reasons.connect(host, e));
                continue;
            }
            try (conn) {
                SmtpSession session = new SmtpSession(conn, host, timeouts);
                try {
                    session.greet(heloName);
                } catch (SmtpFailure f) {
                    last = f;
                    session.quit();
                    continue;
                }
                double connectSeconds = secondsSince(start);
                List<DeliveryStatus> statuses = new SmtpTransaction(conn, host, timeouts, session.features(),
                        connectSeconds).run(request);
                session.quit();
                return statuses;
            }
        }
        return last.statuses(request.recipients(), secondsSince(start));
    }

    private static double secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
