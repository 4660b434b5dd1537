package mta.smtpd;

import mta.mail.Reply;

/**
 * SmtpdEventLimits - the per-client message, recipient and AUTH rate limits, counted by {@link Anvil}.
 *
 * <p>Reads {@code smtpd_client_message_rate_limit} (MAIL FROM commands),
 * {@code smtpd_client_recipient_rate_limit} (RCPT TO commands) and
 * {@code smtpd_client_auth_rate_limit} (AUTH commands) per {@code anvil_rate_time_unit};
 * clients in {@code smtpd_client_event_limit_exceptions} are not counted, and 0 means no limit.
 * Writes a {@code warning: ... rate limit exceeded: N from name[addr] for service NAME} line when
 * a client goes over, and the session answers with a 450 reply, as Postfix's smtpd does.
 */
final class SmtpdEventLimits {
    private SmtpdEventLimits() {}

    /** Counts one {@code event} of client {@code c}; the refusal when it is over its limit, else null. */
    static Reply check(SmtpdServices server, SmtpdState.Client c, Anvil.Event event) {
        SmtpdSettings settings = server.settings();
        int limit = switch (event) {
            case MESSAGE -> settings.messageRateLimit;
            case RECIPIENT -> settings.recipientRateLimit;
            case AUTH -> settings.sasl.rateLimit;
        };
        if (limit <= 0 || SmtpdSettings.matches(settings.eventLimitExceptions, c.address)) return null;
        int rate = server.anvil().rate(event, c.addressText);
        if (rate <= limit) return null;
        String what = switch (event) {
            case MESSAGE -> "Message delivery request";
            case RECIPIENT -> "Recipient address";
            case AUTH -> "AUTH command";
        };
        server.log().warn(what + " rate limit exceeded: " + rate + " from " + c.label() + " for service "
                + server.serviceName());
        return Reply.rateLimited(switch (event) {
            case MESSAGE -> Reply.RateLimit.MESSAGES;
            case RECIPIENT -> Reply.RateLimit.RECIPIENTS;
            case AUTH -> Reply.RateLimit.AUTH_COMMANDS;
        }, c.addressText);
    }
}
