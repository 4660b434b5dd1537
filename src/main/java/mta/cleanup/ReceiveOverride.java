package mta.cleanup;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.Params;

/**
 * ReceiveOverride - the words of {@code receive_override_options}, set per smtpd or pickup service.
 *
 * <p>Reads the parameter from a service's configuration (main.cf plus its {@code -o} overrides);
 * writes nothing. {@code no_unknown_recipient_checks} is acted on by smtpd itself; the others
 * travel to cleanup with each message ({@link CleanupService.Source#overrides}):
 * {@code no_address_mappings} turns off canonical mapping, masquerading, virtual alias expansion
 * and automatic BCC recipients, {@code no_header_body_checks} turns off header_checks and
 * body_checks, and {@code no_milters} turns off the milters (smtpd does not open its
 * smtpd_milters, cleanup runs no non_smtpd_milters). An unknown word is a configuration error.
 */
public enum ReceiveOverride {
    NO_UNKNOWN_RECIPIENT_CHECKS, NO_ADDRESS_MAPPINGS, NO_HEADER_BODY_CHECKS, NO_MILTERS;

    /** The options a service's configuration sets. */
    public static Set<ReceiveOverride> of(Config c) {
        Set<ReceiveOverride> out = EnumSet.noneOf(ReceiveOverride.class);
        String value = c.str(Params.RECEIVE_OVERRIDE_OPTIONS);
        for (String w : c.list(Params.RECEIVE_OVERRIDE_OPTIONS)) {
            try {
                out.add(valueOf(w.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("unknown receive_override_options value \"" + w + "\" in \"" + value.strip() + "\"");
            }
        }
        return Set.copyOf(out);
    }
}
