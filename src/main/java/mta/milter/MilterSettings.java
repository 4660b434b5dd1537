package mta.milter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.Param;
import mta.config.Params;

/**
 * MilterSettings - the milters of one service and what is sent to them: the list, the macro lists
 * per stage and the macro values this system defines itself.
 *
 * <p>Reads {@code smtpd_milters} (or {@code non_smtpd_milters}) through {@link MilterSpec}, the
 * {@code milter_*_macros} lists, {@code milter_macro_daemon_name}, {@code milter_macro_v},
 * {@code milter_macro_defaults} and {@code myhostname}; writes nothing. Read once per
 * configuration (a service's {@code -o} overrides included) and shared by its sessions.
 *
 * @param milters   the filters, in the order they are called
 * @param macros    per stage ({@link MilterProtocol#SMFIC_CONNECT}...), the macro names to send
 * @param constants {@code j}, {@code {daemon_name}}, {@code v} and the milter_macro_defaults
 */
public record MilterSettings(List<MilterSpec> milters, Map<Byte, List<String>> macros, Map<String, String> constants) {

    /** The settings of smtpd_milters. @throws ConfigException naming the parameter */
    public static MilterSettings smtpd(Config c) {
        return of(c, Params.SMTPD_MILTERS);
    }

    /** The settings of non_smtpd_milters. @throws ConfigException naming the parameter */
    public static MilterSettings nonSmtpd(Config c) {
        return of(c, Params.NON_SMTPD_MILTERS);
    }

    private static MilterSettings of(Config c, Param list) {
        List<MilterSpec> milters;
        try {
            milters = MilterSpec.list(c.str(list), c);
        } catch (ConfigException e) {
            throw new ConfigException("parameter " + list.name() + ": " + e.getMessage());
        }
        Map<Byte, List<String>> macros = new LinkedHashMap<>();
        macros.put(MilterProtocol.SMFIC_CONNECT, c.list(Params.MILTER_CONNECT_MACROS));
        macros.put(MilterProtocol.SMFIC_HELO, c.list(Params.MILTER_HELO_MACROS));
        macros.put(MilterProtocol.SMFIC_MAIL, c.list(Params.MILTER_MAIL_MACROS));
        macros.put(MilterProtocol.SMFIC_RCPT, c.list(Params.MILTER_RCPT_MACROS));
        macros.put(MilterProtocol.SMFIC_DATA, c.list(Params.MILTER_DATA_MACROS));
        macros.put(MilterProtocol.SMFIC_EOH, c.list(Params.MILTER_END_OF_HEADER_MACROS));
        macros.put(MilterProtocol.SMFIC_BODYEOB, c.list(Params.MILTER_END_OF_DATA_MACROS));
        macros.put(MilterProtocol.SMFIC_UNKNOWN, c.list(Params.MILTER_UNKNOWN_COMMAND_MACROS));
        Map<String, String> constants = new LinkedHashMap<>();
        for (String d : c.list(Params.MILTER_MACRO_DEFAULTS)) {
            int eq = d.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("parameter " + Params.MILTER_MACRO_DEFAULTS.name() + ": need name=value: " + d);
            }
            constants.put(braced(d.substring(0, eq).strip()), d.substring(eq + 1).strip());
        }
        constants.put("j", c.str(Params.MYHOSTNAME));
        constants.put("{daemon_name}", c.str(Params.MILTER_MACRO_DAEMON_NAME));
        constants.put("v", c.str(Params.MILTER_MACRO_V));
        return new MilterSettings(List.copyOf(milters), Map.copyOf(macros), Map.copyOf(constants));
    }

    /** A macro name as sent: one letter bare ({@code i}), longer names in braces ({@code {auth_type}}). */
    static String braced(String name) {
        if (name.startsWith("{") || name.length() == 1) return name;
        return "{" + name + "}";
    }

    /** No milters at all (sendmail -bs, a service with receive_override_options = no_milters). */
    public static MilterSettings none() {
        return new MilterSettings(List.of(), Map.of(), Map.of());
    }

    public boolean isEmpty() {
        return milters.isEmpty();
    }
}
