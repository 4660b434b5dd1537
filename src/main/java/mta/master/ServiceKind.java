package mta.master;

import java.util.Map;

/**
 * ServiceKind - what this mail system does with each master.cf command (the program column).
 *
 * <p>Reads nothing. RUN: the program runs here (smtpd, also on a {@code pass} entry behind postscreen,
 * postscreen, pickup, cleanup, qmgr, spawn, verify and the delivery agents local, virtual, pipe,
 * smtp, lmtp, error, discard). IN_PROCESS: Postfix's helper daemons whose work is done inside the other
 * services, so the entry needs nothing (trivial-rewrite, bounce, showq, anvil, dnsblog whose DNSBL
 * lookups postscreen makes itself, tlsproxy since STARTTLS after postscreen is smtpd's own, ...).
 * LATER: programs this system does not have yet; {@link #feature} names the feature (qmqpd). UNKNOWN: any other program.
 * {@link StartupCheck} decides from the kind and the service type whether that stops start-up.
 */
enum ServiceKind {
    RUN, IN_PROCESS, LATER, UNKNOWN;

    private static final Map<String, ServiceKind> KINDS = Map.ofEntries(
            Map.entry("smtpd", RUN), Map.entry("pickup", RUN), Map.entry("cleanup", RUN), Map.entry("qmgr", RUN),
            Map.entry("oqmgr", RUN), Map.entry("local", RUN), Map.entry("virtual", RUN), Map.entry("smtp", RUN),
            Map.entry("error", RUN), Map.entry("discard", RUN), Map.entry("pipe", RUN), Map.entry("spawn", RUN),
            Map.entry("verify", RUN), Map.entry("lmtp", RUN), Map.entry("postscreen", RUN),
            Map.entry("trivial-rewrite", IN_PROCESS), Map.entry("bounce", IN_PROCESS), Map.entry("tlsmgr", IN_PROCESS),
            Map.entry("flush", IN_PROCESS), Map.entry("proxymap", IN_PROCESS), Map.entry("showq", IN_PROCESS),
            Map.entry("anvil", IN_PROCESS), Map.entry("scache", IN_PROCESS), Map.entry("postlogd", IN_PROCESS),
            Map.entry("dnsblog", IN_PROCESS), Map.entry("tlsproxy", IN_PROCESS),
            Map.entry("qmqpd", LATER));

    /** The feature each LATER program belongs to, as the error messages name it. */
    private static final Map<String, String> FEATURES = Map.of("qmqpd", "qmqpd");

    static ServiceKind of(String command) {
        return KINDS.getOrDefault(command, UNKNOWN);
    }

    /** For a LATER program, the feature it belongs to; otherwise the program's name. */
    static String feature(String command) {
        return FEATURES.getOrDefault(command, command);
    }

    /** True for the delivery agents that a transport name can run here. */
    static boolean isDeliveryAgent(String command) {
        return switch (command) {
            case "local", "virtual", "pipe", "smtp", "lmtp", "error", "discard" -> true;
            default -> false;
        };
    }
}
