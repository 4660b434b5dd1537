package mta.qmgr;

import java.time.Duration;
import mta.config.Config;
import mta.config.Params;

/**
 * QmgrTransportLimits - the queue manager's limits for one master.cf transport.
 *
 * <p>Read from main.cf: {@code TRANSPORT_destination_recipient_limit},
 * {@code TRANSPORT_initial_destination_concurrency}, {@code TRANSPORT_destination_concurrency_limit},
 * {@code TRANSPORT_destination_concurrency_failed_cohort_limit} and
 * {@code TRANSPORT_destination_rate_delay}, each falling back to its {@code default_*} parameter
 * (or, for local, to {@code local_destination_concurrency_limit = 2} and
 * {@code local_destination_recipient_limit = 1}), for any transport name, {@code -} included
 * ({@code smtp-amavis_destination_recipient_limit}). As in Postfix these are queue manager
 * parameters: they belong in main.cf (or on the qmgr service), not on the transport's own
 * {@code -o} lines, which only the delivery agent sees.
 */
record QmgrTransportLimits(int recipientLimit, int initialConcurrency, int concurrencyLimit, int failedCohortLimit,
                           Duration rateDelay) {

    static QmgrTransportLimits of(Config c, String transport) {
        return new QmgrTransportLimits(
                c.transportInt(transport, Params.DEFAULT_DESTINATION_RECIPIENT_LIMIT),
                c.transportInt(transport, Params.INITIAL_DESTINATION_CONCURRENCY),
                c.transportInt(transport, Params.DEFAULT_DESTINATION_CONCURRENCY_LIMIT),
                c.transportInt(transport, Params.DEFAULT_DESTINATION_CONCURRENCY_FAILED_COHORT_LIMIT),
                c.transportTime(transport, Params.DEFAULT_DESTINATION_RATE_DELAY));
    }

    /** The parallel deliveries allowed: a rate delay means one at a time. */
    int effectiveLimit() {
        return rateDelay.isZero() ? concurrencyLimit : 1;
    }
}
