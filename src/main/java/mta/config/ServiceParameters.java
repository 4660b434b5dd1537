package mta.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ServiceParameters - the parameters that master.cf services define: {@code TRANSPORT_suffix}.
 *
 * <p>Reads the parsed master.cf; writes nothing. As in Postfix, each service that runs a delivery
 * agent (local, lmtp, smtp, virtual, pipe, error) defines the queue manager's per-transport
 * parameters under its own name ({@code smtp-amavis_destination_recipient_limit},
 * {@code polite_destination_concurrency_limit}, ...), each defaulting to the matching
 * {@code default_*} parameter; pipe and spawn services define {@code SERVICE_time_limit}
 * ({@code policyd-spf_time_limit}), defaulting to {@code $command_time_limit}. Service names may
 * contain {@code -}. The queue manager reads the ones it acts on through {@link Config}, which gives
 * an unset one its default from the suffix alone ({@link #defaultFor}).
 */
public final class ServiceParameters {
    private ServiceParameters() {}

    /** The per-transport suffixes of delivery agents and the parameter each defaults to. */
    static final Map<String, String> TRANSPORT_SUFFIXES = suffixes();

    private static Map<String, String> suffixes() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String s : List.of("delivery_slot_cost", "delivery_slot_discount", "delivery_slot_loan",
                "destination_concurrency_failed_cohort_limit", "destination_concurrency_limit",
                "destination_concurrency_negative_feedback", "destination_concurrency_positive_feedback",
                "destination_rate_delay", "destination_recipient_limit", "extra_recipient_limit",
                "minimum_delivery_slots", "recipient_limit", "recipient_refill_delay", "recipient_refill_limit",
                "transport_rate_delay")) {
            m.put(s, "$default_" + s);
        }
        m.put("initial_destination_concurrency", "$initial_destination_concurrency");
        return Map.copyOf(m);
    }

    /** Commands whose services get the per-transport suffixes. */
    private static final Set<String> DELIVERY_AGENTS = Set.of("local", "lmtp", "smtp", "virtual", "pipe", "error");
    /** Commands whose services get {@code SERVICE_time_limit}. */
    private static final Set<String> COMMAND_RUNNERS = Set.of("pipe", "spawn");

    /** The parameters that the services of {@code masterCf} define, with their defaults, in service order. */
    public static Map<String, String> of(MasterCf masterCf) {
        Map<String, String> out = new LinkedHashMap<>();
        for (MasterCf.Service s : masterCf.services()) {
            if (DELIVERY_AGENTS.contains(s.command())) {
                for (Map.Entry<String, String> e : TRANSPORT_SUFFIXES.entrySet()) {
                    out.put(s.name() + "_" + e.getKey(), e.getValue());
                }
            }
            if (COMMAND_RUNNERS.contains(s.command())) out.put(s.name() + "_time_limit", "$command_time_limit");
        }
        return out;
    }

    /**
     * The default of a per-transport parameter judged by its suffix alone
     * ({@code x_destination_recipient_limit} gives {@code $default_destination_recipient_limit}), or
     * null when the name has no such suffix.
     */
    static String defaultFor(String name) {
        // The longest suffix that fits: x_destination_recipient_limit is not an x_destination_* of _recipient_limit.
        String best = null;
        for (String suffix : TRANSPORT_SUFFIXES.keySet()) {
            String tail = "_" + suffix;
            if (name.endsWith(tail) && name.length() > tail.length() && !name.startsWith("default_")
                    && (best == null || suffix.length() > best.length())) {
                best = suffix;
            }
        }
        if (best != null) return TRANSPORT_SUFFIXES.get(best);
        if (name.endsWith("_time_limit") && name.length() > "_time_limit".length()) return "$command_time_limit";
        return null;
    }
}
