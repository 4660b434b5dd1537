package mta.smtpd;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mta.config.ConfigException;
import mta.config.Param;
import mta.config.Params;
import mta.lookup.Table;
import mta.lookup.TableException;
import mta.lookup.Tables;
import mta.mail.Reply;

/**
 * SmtpdRestrictions - one parsed access restriction list, such as {@code smtpd_recipient_restrictions}.
 *
 * <p>Reads the list's words from main.cf (already split at commas and white space, a
 * {@code { ... }} group kept whole) and opens the tables that {@code check_*_access} words name;
 * writes nothing. A bare {@code type:table} stands for the check_*_access of the stage the list
 * is evaluated in; a word defined in {@code smtpd_restriction_classes} names a restriction class
 * ({@link SmtpdRestrictionClasses}), whose list is evaluated in its place. {@code check_policy_service} keeps its server argument for {@link SmtpdPolicy}. Parsed once per listener
 * configuration: an unknown word, or a word without its argument, is a fatal configuration error
 * that names the parameter. {@link SmtpdCheck} evaluates the steps in order.
 */
record SmtpdRestrictions(String parameter, Kind kind, List<Step> steps, SmtpdRestrictionClasses classes) {

    /**
     * Which smtpd_*_restrictions list this is, by its parameter: the words of its refusals
     * (Postfix's reply class) and the check_*_access that a bare {@code type:table} in it stands
     * for. {@code OTHER} is a restriction class or a list a table answered: its refusals speak of
     * the recipient, and a bare table in it is a configuration error.
     */
    enum Kind {
        CLIENT(Params.SMTPD_CLIENT_RESTRICTIONS, Reply.Rejected.CLIENT, Word.CHECK_CLIENT_ACCESS),
        HELO(Params.SMTPD_HELO_RESTRICTIONS, Reply.Rejected.HELO, Word.CHECK_HELO_ACCESS),
        SENDER(Params.SMTPD_SENDER_RESTRICTIONS, Reply.Rejected.SENDER, Word.CHECK_SENDER_ACCESS),
        RELAY(Params.SMTPD_RELAY_RESTRICTIONS, Reply.Rejected.RECIPIENT, Word.CHECK_RECIPIENT_ACCESS),
        RECIPIENT(Params.SMTPD_RECIPIENT_RESTRICTIONS, Reply.Rejected.RECIPIENT, Word.CHECK_RECIPIENT_ACCESS),
        ETRN(Params.SMTPD_ETRN_RESTRICTIONS, Reply.Rejected.ETRN, Word.CHECK_ETRN_ACCESS),
        DATA(Params.SMTPD_DATA_RESTRICTIONS, Reply.Rejected.DATA, null),
        END_OF_DATA(Params.SMTPD_END_OF_DATA_RESTRICTIONS, Reply.Rejected.END_OF_DATA, null),
        OTHER(null, Reply.Rejected.RECIPIENT, null);

        private final Param parameter;
        /** The words after {@code <name>:} in the list's refusals. */
        final Reply.Rejected replyClass;
        /** What a bare {@code type:table} in the list means; null where it means nothing. */
        final Word bareTable;

        Kind(Param parameter, Reply.Rejected replyClass, Word bareTable) {
            this.parameter = parameter;
            this.replyClass = replyClass;
            this.bareTable = bareTable;
        }

        /** The kind of the list named {@code parameter}. */
        static Kind of(String parameter) {
            for (Kind k : values()) if (k.parameter != null && k.parameter.name().equals(parameter)) return k;
            return OTHER;
        }
    }

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
        REJECT_KNOWN_SENDER_LOGIN_MISMATCH, REJECT_UNAUTHENTICATED_SENDER_LOGIN_MISMATCH,
        REJECT_UNAUTH_PIPELINING, REJECT_UNKNOWN_RECIPIENT_DOMAIN, REJECT_UNKNOWN_HELO_HOSTNAME,
        REJECT_UNLISTED_SENDER,
        CHECK_SASL_ACCESS(Arg.TABLE), CHECK_ETRN_ACCESS(Arg.TABLE),
        CHECK_CLIENT_MX_ACCESS(Arg.TABLE), CHECK_CLIENT_NS_ACCESS(Arg.TABLE), CHECK_CLIENT_A_ACCESS(Arg.TABLE),
        CHECK_HELO_MX_ACCESS(Arg.TABLE), CHECK_HELO_NS_ACCESS(Arg.TABLE), CHECK_HELO_A_ACCESS(Arg.TABLE),
        CHECK_SENDER_MX_ACCESS(Arg.TABLE), CHECK_SENDER_NS_ACCESS(Arg.TABLE), CHECK_SENDER_A_ACCESS(Arg.TABLE),
        CHECK_RECIPIENT_MX_ACCESS(Arg.TABLE), CHECK_RECIPIENT_NS_ACCESS(Arg.TABLE),
        CHECK_RECIPIENT_A_ACCESS(Arg.TABLE),
        /** A bare {@code type:table}: the check_*_access of the list's stage (Postfix's short-hand). */
        ACCESS_TABLE(Arg.TABLE),
        /** The name of a restriction class (smtpd_restriction_classes): its own list, evaluated in place. */
        RESTRICTION_CLASS;

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
            "reject_unknown_hostname", Word.REJECT_UNKNOWN_HELO_HOSTNAME,
            "check_recipient_maps", Word.REJECT_UNLISTED_RECIPIENT,
            "reject_rbl", Word.REJECT_RBL_CLIENT);

    private static final Map<String, Word> BY_TEXT = new HashMap<>(ALIASES);

    static {
        for (Word w : Word.values()) {
            if (w != Word.ACCESS_TABLE && w != Word.RESTRICTION_CLASS) BY_TEXT.put(w.text(), w);
        }
    }

    /**
     * One step: a word, and for table words the opened table, for DNS list words the list.
     *
     * @param argument the table specification or {@code domain[=d.d.d.d]}, or null
     */
    record Step(Word word, String argument, Table table) {}

    /** True when the list holds {@code w}, itself or through a restriction class it names. */
    boolean contains(Word w) {
        for (Step s : allSteps()) if (s.word() == w) return true;
        return false;
    }

    /** The steps of this list and of the restriction classes it names, however deep (each class once). */
    List<Step> allSteps() {
        List<Step> out = new ArrayList<>();
        collect(this, out, new java.util.HashSet<>());
        return out;
    }

    private static void collect(SmtpdRestrictions list, List<Step> out, java.util.Set<String> seen) {
        for (Step s : list.steps()) {
            out.add(s);
            if (s.word() == Word.RESTRICTION_CLASS && seen.add(s.argument())) {
                collect(list.classes().get(s.argument()), out, seen);
            }
        }
    }

    /** The list of the restriction class a RESTRICTION_CLASS step names. */
    SmtpdRestrictions classList(Step step) {
        return classes.get(step.argument());
    }

    /**
     * Parses the words of {@code parameter}.
     *
     * @throws ConfigException for an unknown word, a missing argument or a table that cannot be opened
     */
    static SmtpdRestrictions parse(String parameter, List<String> words) {
        return parse(parameter, words, SmtpdRestrictionClasses.NONE);
    }

    /**
     * Parses the words of {@code parameter}; a word that is no built-in restriction may be a bare
     * {@code type:table} (the stage's check_*_access) or one of {@code classes}.
     *
     * @throws ConfigException for an unknown word, a missing argument or a table that cannot be opened
     */
    static SmtpdRestrictions parse(String parameter, List<String> words, SmtpdRestrictionClasses classes) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String text = words.get(i);
            Word w = BY_TEXT.get(text.toLowerCase(Locale.ROOT));
            if (w == null && text.indexOf(':') > 0) {
                steps.add(new Step(Word.ACCESS_TABLE, text, open(parameter, text, text)));
                continue;
            }
            if (w == null && classes.defines(text)) {
                classes.parse(text); // a class that cannot be parsed stops start-up here too
                steps.add(new Step(Word.RESTRICTION_CLASS, text, null));
                continue;
            }
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
                table = open(parameter, text, arg);
            } else {
                try {
                    SmtpdDnsxl.Zone.parse(arg); // a malformed =d.d.d.d pattern stops start-up, as in Postfix
                } catch (ConfigException e) {
                    throw new ConfigException("parameter " + parameter + ": " + e.getMessage());
                }
            }
            steps.add(new Step(w, arg, table));
        }
        return new SmtpdRestrictions(parameter, Kind.of(parameter), List.copyOf(steps), classes);
    }

    /** Opens the table {@code arg} of restriction {@code word}. */
    private static Table open(String parameter, String word, String arg) {
        if (Tables.type(arg) == null) {
            throw new ConfigException("restriction \"" + word + "\" in parameter " + parameter
                    + ": expecting \"type:table\" instead of \"" + arg + "\"");
        }
        try {
            return Tables.open(arg);
        } catch (TableException e) {
            throw new ConfigException("parameter " + parameter + ": " + e.getMessage());
        }
    }
}
