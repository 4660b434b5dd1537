package mta.smtpd;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mta.config.ConfigException;
import mta.lookup.Table;
import mta.lookup.TableException;
import mta.lookup.Tables;

/**
 * SmtpdRestrictions - one parsed access restriction list, such as {@code smtpd_recipient_restrictions}.
 *
 * <p>Reads the list's words from main.cf (already split at commas and white space, a
 * {@code { ... }} group kept whole) and opens the tables that {@code check_*_access} words name;
 * writes nothing. {@code check_policy_service} keeps its server argument for {@link SmtpdPolicy}. Parsed once per listener
 * configuration: an unknown word, or a word without its argument, is a fatal configuration error
 * that names the parameter. {@link SmtpdCheck} evaluates the steps in order.
 */
record SmtpdRestrictions(String parameter, List<Step> steps) {

    /** The restriction words this server knows; {@code arg} tells what follows the word. */
    enum Word {
        PERMIT, REJECT, DEFER, WARN_IF_REJECT, DEFER_IF_PERMIT, DEFER_IF_REJECT,
        CHECK_POLICY_SERVICE(Arg.POLICY),
        PERMIT_MYNETWORKS, PERMIT_SASL_AUTHENTICATED,
        PERMIT_AUTH_DESTINATION, REJECT_UNAUTH_DESTINATION, DEFER_UNAUTH_DESTINATION,
        REJECT_UNLISTED_RECIPIENT, REJECT_UNVERIFIED_RECIPIENT, REJECT_UNVERIFIED_SENDER,
        REJECT_NON_FQDN_SENDER, REJECT_NON_FQDN_RECIPIENT,
        REJECT_NON_FQDN_HELO_HOSTNAME, REJECT_INVALID_HELO_HOSTNAME,
        REJECT_UNKNOWN_SENDER_DOMAIN, REJECT_UNKNOWN_CLIENT_HOSTNAME,
        CHECK_CLIENT_ACCESS(Arg.TABLE), CHECK_HELO_ACCESS(Arg.TABLE),
        CHECK_SENDER_ACCESS(Arg.TABLE), CHECK_RECIPIENT_ACCESS(Arg.TABLE),
        REJECT_RBL_CLIENT(Arg.DOMAIN), REJECT_RHSBL_CLIENT(Arg.DOMAIN), REJECT_RHSBL_REVERSE_CLIENT(Arg.DOMAIN),
        REJECT_RHSBL_HELO(Arg.DOMAIN), REJECT_RHSBL_SENDER(Arg.DOMAIN), REJECT_RHSBL_RECIPIENT(Arg.DOMAIN),
        PERMIT_DNSWL_CLIENT(Arg.DOMAIN), PERMIT_RHSWL_CLIENT(Arg.DOMAIN),
        REJECT_SENDER_LOGIN_MISMATCH, REJECT_AUTHENTICATED_SENDER_LOGIN_MISMATCH,
        REJECT_KNOWN_SENDER_LOGIN_MISMATCH, REJECT_UNAUTHENTICATED_SENDER_LOGIN_MISMATCH;

        enum Arg { NONE, TABLE, DOMAIN, POLICY }

        final Arg arg;

        Word() {
            this(Arg.NONE);
        }

        Word(Arg arg) {
            this.arg = arg;
        }

        /** The word as main.cf spells it. */
        String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Older spellings Postfix still accepts. */
    private static final Map<String, Word> ALIASES = Map.of(
            "reject_non_fqdn_hostname", Word.REJECT_NON_FQDN_HELO_HOSTNAME,
            "reject_invalid_hostname", Word.REJECT_INVALID_HELO_HOSTNAME,
            "reject_unknown_client", Word.REJECT_UNKNOWN_CLIENT_HOSTNAME,
            "reject_unknown_address", Word.REJECT_UNKNOWN_SENDER_DOMAIN,
            "reject_rbl", Word.REJECT_RBL_CLIENT);

    private static final Map<String, Word> BY_TEXT = new HashMap<>(ALIASES);

    static {
        for (Word w : Word.values()) BY_TEXT.put(w.text(), w);
    }

    /**
     * One step: a word, and for table words the opened table, for DNS list words the list.
     *
     * @param argument the table specification or {@code domain[=d.d.d.d]}, or null
     */
    record Step(Word word, String argument, Table table) {}

    /** True when the list holds {@code w}. */
    boolean contains(Word w) {
        for (Step s : steps) if (s.word() == w) return true;
        return false;
    }

    /**
     * Parses the words of {@code parameter}.
     *
     * @throws ConfigException for an unknown word, a missing argument or a table that cannot be opened
     */
    static SmtpdRestrictions parse(String parameter, List<String> words) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String text = words.get(i);
            Word w = BY_TEXT.get(text.toLowerCase(Locale.ROOT));
            if (w == null) {
                throw new ConfigException("unknown smtpd restriction: \"" + text + "\" in parameter " + parameter);
            }
            if (w.arg == Word.Arg.NONE) {
                steps.add(new Step(w, null, null));
                continue;
            }
            if (w.arg == Word.Arg.POLICY) {
                // the server is checked by SmtpdPolicy, which knows the policy service parameters
                if (i + 1 >= words.size() || words.get(i + 1).indexOf(':') < 0) {
                    throw new ConfigException("restriction " + text + " in parameter " + parameter
                            + " must be followed by transport:server");
                }
                steps.add(new Step(w, words.get(++i), null));
                continue;
            }
            if (i + 1 >= words.size()) {
                throw new ConfigException("restriction \"" + text + "\" in parameter " + parameter
                        + " needs " + (w.arg == Word.Arg.TABLE ? "a type:table argument" : "a DNS domain argument"));
            }
            String arg = words.get(++i);
            Table table = null;
            if (w.arg == Word.Arg.TABLE) {
                if (Tables.type(arg) == null) {
                    throw new ConfigException("restriction \"" + text + "\" in parameter " + parameter
                            + ": expecting \"type:table\" instead of \"" + arg + "\"");
                }
                try {
                    table = Tables.open(arg);
                } catch (TableException e) {
                    throw new ConfigException("parameter " + parameter + ": " + e.getMessage());
                }
            } else {
                try {
                    SmtpdDnsxl.Zone.parse(arg); // a malformed =d.d.d.d pattern stops start-up, as in Postfix
                } catch (ConfigException e) {
                    throw new ConfigException("parameter " + parameter + ": " + e.getMessage());
                }
            }
            steps.add(new Step(w, arg, table));
        }
        return new SmtpdRestrictions(parameter, List.copyOf(steps));
    }
}
