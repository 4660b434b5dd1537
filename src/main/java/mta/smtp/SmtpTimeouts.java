package mta.smtp;

import java.time.Duration;
import mta.config.Config;
import mta.config.Params;

/**
 * SmtpTimeouts - the SMTP client's time limits, read once from the configuration.
 *
 * <p>Reads {@code smtp_connect_timeout}, {@code smtp_rset_timeout} and the per-step {@code smtp_*_timeout} parameters;
 * {@link #of(SmtpPhase)} gives the limit for reading the reply of a step, and {@link #dataXfer}
 * the limit for making progress while sending the content.
 */
record SmtpTimeouts(Duration connect, Duration helo, Duration mail, Duration rcpt, Duration dataInit,
                    Duration dataXfer, Duration dataDone, Duration quit, Duration rset) {

    static SmtpTimeouts from(Config config) {
        return new SmtpTimeouts(
                config.time(Params.SMTP_CONNECT_TIMEOUT),
                config.time(Params.SMTP_HELO_TIMEOUT),
                config.time(Params.SMTP_MAIL_TIMEOUT),
                config.time(Params.SMTP_RCPT_TIMEOUT),
                config.time(Params.SMTP_DATA_INIT_TIMEOUT),
                config.time(Params.SMTP_DATA_XFER_TIMEOUT),
                config.time(Params.SMTP_DATA_DONE_TIMEOUT),
                config.time(Params.SMTP_QUIT_TIMEOUT),
                config.time(Params.SMTP_RSET_TIMEOUT));
    }

    /** How long to wait for the reply that ends {@code phase}. */
    Duration of(SmtpPhase phase) {
        return switch (phase) {
            case GREETING, EHLO, HELO, LHLO, STARTTLS, AUTH -> helo;
            case RSET -> rset;
            case MAIL -> mail;
            case RCPT -> rcpt;
            case DATA -> dataInit;
            case BODY -> dataXfer;
            case DOT -> dataDone;
            case QUIT -> quit;
        };
    }
}
