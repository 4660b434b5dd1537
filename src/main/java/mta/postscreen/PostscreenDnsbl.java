package mta.postscreen;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mta.dns.DnsException;
import mta.dns.IpLiteral;
import mta.dns.Resolver;
import mta.util.MailLog;

/**
 * PostscreenDnsbl - the DNSBL test: asks every list of {@code postscreen_dnsbl_sites} at once, adds up the weights.
 *
 * <p>Reads DNS through {@link Resolver}, one virtual thread per list domain (entries that share a
 * domain share its question); writes {@code addr A listed by domain D as R} lines under the
 * {@code dnsblog} name, as Postfix's dnsblog(8) does. {@link #start} returns at once; the session
 * reads the score when its greet wait ends ({@link Lookup#score}): answers that have not come by
 * then count for nothing, as do lists whose server fails. IPv6 clients are asked about with
 * their 32 reversed nibbles.
 */
final class PostscreenDnsbl {
    private final Resolver resolver;
    private final MailLog.Channel dnsblog;

    PostscreenDnsbl(Resolver resolver, MailLog.Channel dnsblog) {
        this.resolver = resolver;
        this.dnsblog = dnsblog;
    }

    /**
     * The combined score and the domain to name in a reply: the listing site with the largest
     * positive weight (the first one on a tie); null when no block list lists the client.
     */
    record Score(int score, String domain) {}

    /** The questions under way for one client. */
    static final class Lookup {
        private final List<PostscreenDnsblSite> sites;
        private final Map<String, CompletableFuture<List<InetAddress>>> answers;
        final CompletableFuture<Void> all;

        private Lookup(List<PostscreenDnsblSite> sites, Map<String, CompletableFuture<List<InetAddress>>> answers) {
            this.sites = sites;
            this.answers = answers;
            this.all = CompletableFuture.allOf(answers.values().toArray(new CompletableFuture[0]));
        }

        /** Waits up to {@code millis} for every answer; true when all are in. */
        boolean await(long millis) {
            try {
                all.get(Math.max(0, millis), TimeUnit.MILLISECONDS);
                return true;
            } catch (Exception e) {
                return all.isDone();
            }
        }

        /** The score from the answers in so far. */
        Score score() {
            int score = 0;
            String domain = null;
            int best = 0;
            for (PostscreenDnsblSite site : sites) {
                CompletableFuture<List<InetAddress>> f = answers.get(site.domain());
                List<InetAddress> a = f.isDone() && !f.isCompletedExceptionally() ? f.join() : List.of();
                if (a.stream().noneMatch(site::matches)) continue;
                score += site.weight();
                if (site.weight() > best) {
                    best = site.weight();
                    domain = site.domain();
                }
            }
            return new Score(score, domain);
        }
    }

    /** Sends the questions about {@code client} to every list and returns at once. */
    Lookup start(InetAddress client, List<PostscreenDnsblSite> sites) {
        Map<String, CompletableFuture<List<InetAddress>>> answers = new LinkedHashMap<>();
        String reversed = IpLiteral.reversed(client);
        for (PostscreenDnsblSite site : sites) {
            answers.computeIfAbsent(site.domain(), d -> {
                CompletableFuture<List<InetAddress>> f = new CompletableFuture<>();
                Thread.ofVirtual().name("dnsblog").start(() -> f.complete(ask(client, reversed, d)));
                return f;
            });
        }
        return new Lookup(sites, answers);
    }

    private List<InetAddress> ask(InetAddress client, String reversed, String domain) {
        String name = reversed + "." + domain;
        try {
            List<InetAddress> a = resolver.addresses(name);
            List<InetAddress> v4 = new ArrayList<>();
            for (InetAddress x : a) {
                if (!(x instanceof Inet4Address)) continue;
                v4.add(x);
                dnsblog.info("addr " + client.getHostAddress() + " listed by domain " + domain + " as "
                        + x.getHostAddress());
            }
            return v4;
        } catch (DnsException e) {
            if (e.isTemporary()) dnsblog.warn("dnsblog_query: lookup error for DNS query " + name + ": " + e.getMessage());
            return List.of();
        } catch (RuntimeException e) {
            dnsblog.warn("dnsblog_query: lookup error for DNS query " + name + ": " + e);
            return List.of();
        }
    }

}
