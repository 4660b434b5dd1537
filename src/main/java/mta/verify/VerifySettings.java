package mta.verify;

import java.time.Duration;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.Params;
import mta.queue.VerifyClient.Status;

/**
 * VerifySettings - the verify service's parameters, read once per start or reload, and what they
 * say about an entry's age.
 *
 * <p>Reads {@code address_verify_map}, the positive and negative expire and refresh times,
 * {@code address_verify_negative_cache}, {@code address_verify_cache_cleanup_interval},
 * {@code address_verify_sender} with {@code address_verify_sender_ttl} and {@code myorigin}.
 */
record VerifySettings(String map, long positiveExpire, long positiveRefresh, boolean negativeCache,
                      long negativeExpire, long negativeRefresh, Duration cleanupInterval, VerifySender sender) {

    /** A probe with no answer after this many seconds is taken as lost: another may be sent (Postfix's figure). */
    static final long PROBE_TTL = 1000;

    static VerifySettings from(Config c) {
        VerifySender sender;
        try {
            sender = new VerifySender(c.str(Params.ADDRESS_VERIFY_SENDER),
                    c.time(Params.ADDRESS_VERIFY_SENDER_TTL).toSeconds(), c.str(Params.MYORIGIN).strip());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        return new VerifySettings(c.str(Params.ADDRESS_VERIFY_MAP).strip(),
                c.time(Params.ADDRESS_VERIFY_POSITIVE_EXPIRE_TIME).toSeconds(),
                c.time(Params.ADDRESS_VERIFY_POSITIVE_REFRESH_TIME).toSeconds(),
                c.bool(Params.ADDRESS_VERIFY_NEGATIVE_CACHE),
                c.time(Params.ADDRESS_VERIFY_NEGATIVE_EXPIRE_TIME).toSeconds(),
                c.time(Params.ADDRESS_VERIFY_NEGATIVE_REFRESH_TIME).toSeconds(),
                c.time(Params.ADDRESS_VERIFY_CACHE_CLEANUP_INTERVAL), sender);
    }

    /** The result is too old to be used: a deliverable one after the positive, another after the negative expire time. */
    boolean expired(VerifyEntry e, long now) {
        return e.updated() + (e.status() == Status.OK ? positiveExpire : negativeExpire) < now;
    }

    /** The result should be probed again (it is still used meanwhile). */
    boolean refreshDue(VerifyEntry e, long now) {
        return e.updated() + (e.status() == Status.OK ? positiveRefresh : negativeRefresh) < now;
    }

    /** No probe is in flight (or the one sent is taken as lost). */
    static boolean mayProbe(VerifyEntry e, long now) {
        return now - e.probed() > PROBE_TTL;
    }

    /** What a cleanup run keeps: entries with a probe in flight, and those not expired. */
    boolean keep(VerifyEntry e, long now) {
        return e != null && (!mayProbe(e, now) || !expired(e, now));
    }
}
