package mta.qmgr;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import mta.bounce.DsnRecipient;
import mta.deliver.DeliveryAgent;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;
import mta.deliver.Recipient;
import mta.mail.Address;
import mta.mail.Dsn;
import mta.mail.MailAttributes;
import mta.queue.DeferLog;
import mta.queue.QueueFile;
import mta.queue.QueueName;
import mta.queue.TraceFlags;
import mta.rewrite.Resolved;
import mta.rewrite.TrivialRewrite;
import mta.util.MailLog;

/**
 * QmgrMessage - one message in the active queue, from envelope to its final rename or removal.
 *
 * <p>Reads the envelope of {@code active/<ID>}, unless cleanup handed it over with the message
 * ({@link Qmgr#handOff}); groups the pending recipients by (transport, next-hop) in chunks of
 * {@code default_destination_recipient_limit}, runs one delivery attempt per chunk on its own
 * virtual thread (at most {@code default_destination_concurrency_limit} per destination), logs each
 * recipient's status, and crosses off the delivered and the bounced ones in the file (not when one
 * attempt sent them all: the file is removed next). Then: nothing
 * pending, the file is removed; else it goes to {@code deferred/} with its retry time as mtime and
 * the reasons in {@code defer/<ID>}; failures are returned to the sender by bounce, and so are
 * delays and successes when the recipient's DSN request asks for them (bounce applies NOTIFY).
 * Unreadable files go to {@code corrupt/}. An address verification probe ({@code trace_flags}) is
 * routed with the {@code address_verify_*} parameters and without content filter, each result is
 * logged as {@code deliverable} or {@code undeliverable} and given to the verify service
 * ({@link QmgrProbe}), and the probe is removed after its one attempt.
 */
final class QmgrMessage implements Runnable {
    private final Qmgr q;
    private final String id;
    private final Path file;
    private final QmgrSettings s;
    /** True when the message came from deferred/: it may have a defer log to remove. */
    private final boolean wasDeferred;
    /** The envelope cleanup handed over with a message it just committed; null: read it from the file. */
    private final QueueFile.Envelope handedOver;
    private int pendingAtStart;
    /**
     * An address verification probe: routed with the address_verify_* parameters, its results go
     * to the verify service, and it is removed after one attempt.
     */
    private TraceFlags trace = TraceFlags.NONE;
    /**
     * The recipients of a message that one attempt delivered in full, not crossed off in the file
     * because it is removed next (four system calls less per message); null when all marks were
     * written. Should the file stay after all (its removal fails, anything defers it, or the queue
     * manager stops meanwhile), they are crossed off then ({@link #markSkipped}), which also ends
     * the skipping: an attempt that ends later writes its marks.
     */
    private final AtomicReference<long[]> unmarked = new AtomicReference<>();
    /** {@link #unmarked} once {@link #markSkipped} ran: no more skipping. */
    private static final long[] NO_SKIPPING = new long[0];

    /** One delivery attempt to plan: the transport, the destination and the request for a chunk of recipients. */
    private record Attempt(Qmgr.Transport transport, Resolved dest, DeliveryRequest request) {}

    QmgrMessage(Qmgr q, String id, boolean wasDeferred, QueueFile.Envelope handedOver) {
        this.q = q;
        this.handedOver = handedOver;
        this.wasDeferred = wasDeferred;
        this.s = q.settings();
        this.id = id;
        this.file = q.queues.file(QueueName.ACTIVE, id);
    }

    @Override
    public void run() {
        try {
            deliver();
        } catch (QueueFile.Corrupt e) {
            q.log.warn("saving corrupt file \"" + id + "\" from queue \"active\" to queue \"corrupt\": " + e.getMessage());
            moveQuietly(QueueName.CORRUPT);
        } catch (IOException | RuntimeException | Error e) {
            // Leave the message for a later attempt; never lose it, never let it end the queue manager.
            q.log.warn(id + ": delivery interrupted: " + e);
            try {
                deferAll();
            } catch (RuntimeException | Error again) {
                q.log.warn(id + ": cannot defer: " + again + "; it stays in active until the next start");
            }
        }
    }

    private void deliver() throws IOException {
        Instant activated = Instant.now();
        QueueFile.Envelope env = handedOver != null ? handedOver : QueueFile.readEnvelope(file);
        trace = TraceFlags.of(env.attributes());
        List<Recipient> pending = Recipient.of(env.pending());
        pendingAtStart = pending.size();
        q.log.info(id + ": from=<" + env.sender() + ">, size=" + env.contentSize() + ", nrcpt="
                + env.recipients().size() + " (queue active)");
        Instant arrival = Instant.ofEpochMilli(env.arrivalMillis());

        List<DeliveryStatus> results = Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> attempts = new ArrayList<>();
        List<DeliveryStatus> unresolved = new ArrayList<>();
        Map<Resolved, List<Recipient>> groups = groups(pending, env.attribute(MailAttributes.CONTENT_FILTER), env.sender(), unresolved);
        for (DeliveryStatus st : unresolved) {
            report("none", q.log, arrival, activated, Instant.now(), st);
            results.add(st);
        }
        List<Attempt> planned = new ArrayList<>();
        for (Map.Entry<Resolved, List<Recipient>> group : groups.entrySet()) {
            Resolved dest = group.getKey();
            List<Recipient> rcpts = group.getValue();
            Qmgr.Transport transport = s.transports().get(dest.transport());
            if (transport == null) {
                for (Recipient r : rcpts) {
                    DeliveryStatus st = DeliveryStatus.deferred(r, Dsn.TEMPORARY_SYSTEM_ERROR, "none", "mail transport unavailable");
                    report("none", q.log, arrival, activated, Instant.now(), st);
                    results.add(st);
                }
                continue;
            }
            int limit = s.limits(dest.transport()).recipientLimit();
            for (int i = 0; i < rcpts.size(); i += limit) {
                List<Recipient> chunk = rcpts.subList(i, Math.min(rcpts.size(), i + limit));
                planned.add(new Attempt(transport, dest, new DeliveryRequest(id, file, dest.transport(), dest.nexthop(),
                        env.sender(), List.copyOf(chunk), arrival, activated, env.contentOffset(), env.contentSize(),
                        env.attributes(), env.contentRecords())));
            }
        }
        boolean whole = planned.size() == 1 && results.isEmpty();
        for (Attempt a : planned) attempts.add(q.attempt(() -> results.addAll(attempt(a, whole))));
        for (Future<?> f : attempts) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                markSkipped();
                return; // shutting down: the file stays in active/ and is requeued at start-up
            } catch (ExecutionException e) {
                q.log.warn(id + ": delivery attempt failed: " + e.getCause());
            }
        }
        finish(env, arrival, results);
    }

    /**
     * Groups recipients by where they go (the sender counts for sender_dependent_relayhost_maps). A message with a {@code content_filter} attribute
     * ({@code transport:nexthop}, from cleanup) sends every recipient to the filter instead.
     */
    private Map<Resolved, List<Recipient>> groups(List<Recipient> pending, String filter,
                                                  String sender, List<DeliveryStatus> unresolved) {
        // a probe asks about the address, not about a content filter, which would accept anything
        if (trace.probe()) filter = null;
        TrivialRewrite rewrite = trace.probe() ? s.probeRewrite() : s.rewrite();
        Map<String, Resolved> keys = new LinkedHashMap<>();
        Map<Resolved, List<Recipient>> out = new LinkedHashMap<>();
        for (Recipient r : pending) {
            Resolved res;
            try {
                res = filter == null || filter.isBlank() ? rewrite.resolve(Address.parse(r.address()), sender)
                        : rewrite.filter(filter, Address.parse(r.address()));
            } catch (RuntimeException e) {
                // A table the resolver needs (transport_maps, a domain list) is away: try again later.
                q.log.warn(id + ": " + e.getMessage());
                unresolved.add(DeliveryStatus.deferred(r, Dsn.TEMPORARY_SYSTEM_ERROR, "none", "address resolver failure"));
                continue;
            }
            Resolved key = keys.computeIfAbsent(res.destination(),
                    k -> new Resolved(res.transport(), res.nexthop(), "", res.destinationClass()));
            out.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        return out;
    }

    /**
     * One delivery attempt: wait for a slot at the destination, call the agent, apply the results.
     * While the destination is dead the agent is not called: every recipient is deferred with
     * "delivery temporarily suspended" and the destination's last reason, logged as by the retry
     * (error) agent, as Postfix does.
     */
    private List<DeliveryStatus> attempt(Attempt a, boolean whole) {
        Qmgr.Transport transport = a.transport();
        DeliveryRequest req = a.request();
        Resolved dest = a.dest();
        DeliveryAgent agent = transport.agent();
        QmgrDestination destination = q.destination(dest.destination());
        QmgrDestination.Slot slot;
        try {
            slot = destination.acquire(s.limits(dest.transport()), s.minBackoff());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
        Instant started = Instant.now();
        if (!slot.granted()) {
            List<DeliveryStatus> suspended = req.recipients().stream()
                    .map(r -> DeliveryStatus.deferred(r, slot.dsn(), "none",
                            "delivery temporarily suspended: " + slot.reason())).toList();
            for (DeliveryStatus st : suspended) report(dest.transport(), q.retryLog, req.arrival(), req.activated(), started, st);
            return suspended;
        }
        List<DeliveryStatus> statuses = List.of();
        // local's mailbox_transport: another transport delivers a recipient now and logs its own line
        QmgrPass pass = new QmgrPass(s.transports(),
                (name, channel, begun, st) -> report(name, channel, req.arrival(), req.activated(), begun, st));
        try {
            statuses = agent.deliver(req, pass);
        } catch (Exception e) {
            q.log.warn(id + ": " + agent.name() + " delivery agent failed: " + e);
            statuses = req.recipients().stream()
                    .map(r -> DeliveryStatus.deferred(r, Dsn.TEMPORARY_SYSTEM_ERROR, "none", "delivery agent failed")).toList();
        } finally {
            feedback(destination, s.limits(dest.transport()), statuses, pass);
        }
        long[] done = statuses.stream().filter(st -> trace.probe() || st.outcome() != DeliveryStatus.Outcome.DEFERRED)
                .mapToLong(st -> st.recipient().offset()).toArray();
        boolean allSent = whole && !trace.probe() && done.length == pendingAtStart
                && statuses.stream().allMatch(st -> st.outcome() == DeliveryStatus.Outcome.SENT);
        // Every recipient sent in this one attempt: the file is removed next, marks would go with it.
        if (!(allSent && unmarked.compareAndSet(null, done))) markDone(done);
        for (DeliveryStatus st : statuses) {
            if (!st.logged()) report(dest.transport(), transport.log(), req.arrival(), req.activated(), started, st);
        }
        return statuses;
    }

    /** Crosses off recipients in the file, unforced: a crash right now may repeat these deliveries, never lose one. */
    private void markDone(long[] done) {
        try {
            QueueFile.markDone(file, done, false);
        } catch (IOException e) {
            q.log.warn(id + ": cannot update queue file: " + e.getMessage());
        }
    }

    /**
     * Tells the destination how the attempt went. Any recipient sent or bounced: the destination
     * works. All deferred: the destination failed, unless some deferral was a recipient's own
     * ({@link DeliveryStatus#fault}: a 4xx reply to RCPT TO says nothing about the site, and the
     * deferrals of an agent that delivers on this host, local, virtual or a pipe command, are the
     * recipients', as in Postfix), or local handed the recipient to another transport that failed
     * (Dovecot down: local's own destination is not to blame).
     */
    private void feedback(QmgrDestination destination, QmgrTransportLimits limits, List<DeliveryStatus> statuses,
                          QmgrPass pass) {
        QmgrDestination.Feedback fb = QmgrDestination.Feedback.NEUTRAL;
        Dsn dsn = null;
        String reason = null;
        if (statuses.stream().anyMatch(st -> st.outcome() != DeliveryStatus.Outcome.DEFERRED)) {
            fb = QmgrDestination.Feedback.SUCCESS;
        } else if (!statuses.isEmpty()) {
            DeliveryStatus first = statuses.get(0);
            boolean recipientLevel = statuses.stream().anyMatch(st -> st.fault() == DeliveryStatus.Fault.RECIPIENT
                    || pass.handedOver(st.recipient().offset()));
            if (!recipientLevel) {
                fb = QmgrDestination.Feedback.FAILURE;
                dsn = first.dsn();
                reason = first.reason();
            }
        }
        destination.release(limits, s.minBackoff(), fb, dsn, reason);
    }

    /** Logs {@code QID: to=<..>, relay=.., delay=.., delays=a/b/c/d, dsn=.., status=.. (..)}. */
    private void report(String transportName, MailLog.Channel channel, Instant arrival, Instant activated,
                        Instant started, DeliveryStatus st) {
        Instant now = Instant.now();
        StringBuilder sb = new StringBuilder();
        sb.append(id).append(": to=<").append(st.recipient().address()).append('>');
        String orig = st.recipient().original();
        if (orig != null && !orig.equals(st.recipient().address())) sb.append(", orig_to=<").append(orig).append('>');
        sb.append(", relay=").append(st.relay());
        if (st.connUse() > 1) sb.append(", conn_use=").append(st.connUse());
        sb.append(", delay=").append(Delays.format(seconds(arrival, now)));
        sb.append(", delays=").append(Delays.format(seconds(arrival, activated))).append('/')
                .append(Delays.format(seconds(activated, started))).append('/')
                .append(Delays.format(st.connectSeconds())).append('/')
                .append(Delays.format(st.transferSeconds()));
        String word = trace.probe() ? QmgrProbe.record(q.verify, id, st, q.log) : st.outcome().logWord;
        sb.append(", dsn=").append(st.dsn()).append(", status=").append(word)
                .append(" (").append(st.reason()).append(')');
        channel.info(sb.toString());
        mta.metrics.MailMetrics.DELIVERIES.labels(transportName, word).inc();
        if (st.outcome() != DeliveryStatus.Outcome.DEFERRED) {
            mta.metrics.MailMetrics.DELIVERY_DELAY.labels(transportName).observe(seconds(arrival, now));
        }
    }

    private static double seconds(Instant a, Instant b) {
        return Math.max(0, Duration.between(a, b).toNanos() / 1e9);
    }

    /** After all attempts: bounce the failed, warn about delays, defer or remove the message. */
    private void finish(QueueFile.Envelope env, Instant arrival, List<DeliveryStatus> results) throws IOException {
        if (trace.probe()) {
            finishProbe();
            return;
        }
        List<DsnRecipient> bounced = new ArrayList<>();
        List<DsnRecipient> deferred = new ArrayList<>();
        List<DsnRecipient> delivered = new ArrayList<>();
        List<DeferLog.Entry> deferLog = new ArrayList<>();
        for (DeliveryStatus st : results) {
            if (st.outcome() == DeliveryStatus.Outcome.SENT) {
                // a next hop that took the DSN request reports success itself
                String action = st.finalDelivery() ? "delivered" : "relayed";
                if (!st.dsnPassedOn()) delivered.add(dsnRecipient(st, action));
            } else if (st.outcome() == DeliveryStatus.Outcome.BOUNCED) bounced.add(dsnRecipient(st, "failed"));
            else if (st.outcome() == DeliveryStatus.Outcome.DEFERRED) {
                deferred.add(dsnRecipient(st, "delayed"));
                deferLog.add(new DeferLog.Entry(st.recipient().address(), st.dsn().toString(), "delayed", st.reason()));
            }
        }
        Duration age = Duration.between(arrival, Instant.now());
        Duration lifetime = s.bounce().isNotice(env.sender()) ? s.bounceQueueLifetime() : s.maxQueueLifetime();
        boolean expired = !deferred.isEmpty() && age.compareTo(lifetime) >= 0;
        if (expired) {
            q.log.info(id + ": from=<" + env.sender() + ">, status=expired, returned to sender");
            for (DsnRecipient r : deferred) bounced.add(r.withAction("failed"));
            for (DeliveryStatus st : results) {
                if (st.outcome() == DeliveryStatus.Outcome.DEFERRED) QueueFile.markDone(file, st.recipient().offset());
            }
            deferred.clear();
            deferLog.clear();
        }
        reportSuccess(env, delivered);
        if (!bounced.isEmpty()) {
            try {
                s.bounce().nonDelivery(id, env, file, bounced);
            } catch (Exception e) {
                // The recipients are already crossed off; keep the message so the notice is not lost.
                q.log.warn(id + ": cannot send non-delivery notification: " + e.getMessage());
                deferAll();
                return;
            }
        }
        if (deferred.isEmpty() && results.size() == pendingAtStart) {
            if (wasDeferred) q.queues.delete(id, QueueName.ACTIVE);
            else removeFile();
            // a message cleanup handed over was never deferred: no delay warning mark to look for
            if (handedOver == null) DelayMarker.clear(q.queues, id);
            q.log.info(id + ": removed");
            return;
        }
        if (!deferred.isEmpty()) warnIfDelayed(env, age, deferred);
        DeferLog.write(q.queues, QueueName.DEFER, id, deferLog);
        defer(age);
        // The fast flush service lists the message under each destination it waits for (ETRN, postqueue -s).
        java.util.Set<String> sites = new java.util.LinkedHashSet<>();
        for (DsnRecipient r : deferred) {
            int at = r.address().lastIndexOf('@');
            if (at >= 0 && at + 1 < r.address().length()) sites.add(r.address().substring(at + 1));
        }
        for (String site : sites) q.flush.add(site, id);
    }

    /**
     * A probe has its answers (given to the verify service as they were logged): it is removed,
     * never deferred, bounced or reported on, even when a result is a deferral.
     */
    private void finishProbe() throws IOException {
        if (wasDeferred) q.queues.delete(id, QueueName.ACTIVE);
        else removeFile();
        q.log.info(id + ": removed");
    }

    /**
     * Crosses off the recipients whose marks were left out ({@link #unmarked}): the file stays after
     * all (a removal that failed ends in {@link #defer}, as any other failure does).
     */
    private void markSkipped() {
        long[] skipped = unmarked.getAndSet(NO_SKIPPING);
        if (skipped != null && skipped != NO_SKIPPING) markDone(skipped);
    }

    /**
     * Takes the delivered file out of the queue: kept for a new message to be written over when
     * there is room ({@link mta.queue.SpareFiles}), else removed.
     */
    private void removeFile() throws IOException {
        q.queues.spares().retire(file);
    }

    /** Sends the one delay warning of this message once it has waited delay_warning_time. */
    private void warnIfDelayed(QueueFile.Envelope env, Duration age, List<DsnRecipient> deferred) {
        Duration after = s.delayWarningTime();
        if (after.isZero() || age.compareTo(after) < 0 || s.bounce().isNotice(env.sender())) return;
        if (DelayMarker.isSet(q.queues, id, env.arrivalMillis())) return;
        try {
            s.bounce().delayWarning(id, env, file, deferred, age);
            DelayMarker.set(q.queues, id, env.arrivalMillis());
        } catch (Exception e) {
            q.log.warn(id + ": cannot send delay notification: " + e.getMessage());
        }
    }

    /**
     * Sends the success report for delivered recipients that asked for one (NOTIFY=SUCCESS). The
     * mail is delivered: a report that cannot be queued is logged, never retried.
     */
    private void reportSuccess(QueueFile.Envelope env, List<DsnRecipient> delivered) {
        if (delivered.isEmpty()) return;
        try {
            s.bounce().success(id, env, file, delivered);
        } catch (Exception e) {
            q.log.warn(id + ": cannot send delivery status notification: " + e.getMessage());
        }
    }

    private static DsnRecipient dsnRecipient(DeliveryStatus st, String action) {
        Recipient r = st.recipient();
        return new DsnRecipient(r.address(), r.original(), st.dsn().toString(), action, st.reason(), st.relay(),
                r.dsnNotify(), r.dsnOrcpt());
    }

    /** Moves the message to deferred/ with its next retry time: its age, within the backoff bounds. */
    private void defer(Duration age) throws IOException {
        markSkipped();
        Duration wait = age;
        if (wait.compareTo(s.minBackoff()) < 0) wait = s.minBackoff();
        if (wait.compareTo(s.maxBackoff()) > 0) wait = s.maxBackoff();
        Qmgr.setRetryTime(file, Instant.now().plus(wait));
        q.queues.move(id, QueueName.ACTIVE, QueueName.DEFERRED);
    }

    private void deferAll() {
        try {
            defer(s.minBackoff());
        } catch (IOException e) {
            q.log.warn(id + ": cannot defer: " + e.getMessage());
        }
    }

    private void moveQuietly(QueueName to) {
        try {
            q.queues.move(id, QueueName.ACTIVE, to);
        } catch (IOException e) {
            q.log.warn(id + ": cannot move to " + to.dir + ": " + e.getMessage());
        }
    }
}
