package mta.qmgr;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import mta.bounce.Bounce;
import mta.config.Config;
import mta.config.Params;
import mta.rewrite.TrivialRewrite;

/**
 * QmgrSettings - what the queue manager works with: parameters, transports and bounce, as one value.
 *
 * <p>{@code probeRewrite} resolves address verification probes, with the {@code address_verify_*}
 * routing parameters.
 *
 * <p>Read from main.cf once per start or reload; {@link Qmgr} swaps the whole record on
 * {@code postfix reload}, and each message job takes one snapshot, so a job never mixes old and
 * new values. The per-transport limits ({@link QmgrTransportLimits}) of every master.cf transport
 * are read at once, so a bad value stops start-up; a transport named only by a table is read
 * when first used.
 */
record QmgrSettings(TrivialRewrite rewrite, TrivialRewrite probeRewrite, Map<String, Qmgr.Transport> transports,
                    Bounce bounce,
                    Duration queueRunDelay, Duration minBackoff, Duration maxBackoff, Duration maxQueueLifetime,
                    Duration bounceQueueLifetime, Duration delayWarningTime, int activeLimit,
                    Config config, Map<String, QmgrTransportLimits> limits) {

    static QmgrSettings from(Config config, Map<String, Qmgr.Transport> transports, Bounce bounce) {
        Map<String, QmgrTransportLimits> limits = new ConcurrentHashMap<>();
        for (String t : new LinkedHashMap<>(transports).keySet()) limits.put(t, QmgrTransportLimits.of(config, t));
        return new QmgrSettings(new TrivialRewrite(config), TrivialRewrite.forProbes(config), Map.copyOf(transports),
                bounce,
                config.time(Params.QUEUE_RUN_DELAY), config.time(Params.MINIMAL_BACKOFF_TIME),
                config.time(Params.MAXIMAL_BACKOFF_TIME), config.time(Params.MAXIMAL_QUEUE_LIFETIME),
                config.time(Params.BOUNCE_QUEUE_LIFETIME), config.time(Params.DELAY_WARNING_TIME),
                config.integer(Params.QMGR_MESSAGE_ACTIVE_LIMIT), config, limits);
    }

    /** The limits of one transport. */
    QmgrTransportLimits limits(String transport) {
        return limits.computeIfAbsent(transport, t -> QmgrTransportLimits.of(config, t));
    }
}
