package mta.smtpd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mta.config.Cidr;
import mta.config.Config;
import mta.config.Params;

/**
 * SmtpdSettings - the parameters one smtpd listener runs with, read and checked once.
 *
 * <p>Reads main.cf values with the listener's master.cf {@code -o} overrides applied. Sessions
 * read these fields; they never consult {@link Config} on the hot path.
 */
record SmtpdSettings(String syslogName, String myhostname, String banner, String mailName, Duration timeout,
                     int recipientLimit, long messageSizeLimit, int lineLengthLimit, int hardErrorLimit,
                     boolean peernameLookup, List<Cidr> mynetworks, boolean heloRequired) {

    static SmtpdSettings from(Config c) {
        List<Cidr> nets = new ArrayList<>();
        for (String n : c.list(Params.MYNETWORKS)) nets.add(Cidr.parse(n));
        return new SmtpdSettings(c.str(Params.SYSLOG_NAME), c.str(Params.MYHOSTNAME), c.str(Params.SMTPD_BANNER),
                c.str(Params.MAIL_NAME), c.time(Params.SMTPD_TIMEOUT), c.integer(Params.SMTPD_RECIPIENT_LIMIT),
                c.size(Params.MESSAGE_SIZE_LIMIT), c.integer(Params.LINE_LENGTH_LIMIT),
                c.integer(Params.SMTPD_HARD_ERROR_LIMIT), c.bool(Params.SMTPD_PEERNAME_LOOKUP), List.copyOf(nets),
                c.bool(Params.SMTPD_HELO_REQUIRED));
    }
}
