package mta.cleanup;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mta.config.Config;
import mta.config.Params;
import mta.lookup.Table;
import mta.lookup.Tables;

/**
 * CleanupChecks - header_checks and body_checks: pattern tables that act on message content.
 *
 * <p>Reads the {@code header_checks} and {@code body_checks} tables (regexp: or pcre: files, each
 * line {@code /pattern/ ACTION text}); writes nothing. {@link #header} is given each logical header
 * (continuation lines joined with newlines), {@link #body} each body line; both return the first
 * table's action, or null. Actions are Postfix's: REJECT, DISCARD, HOLD, WARN, IGNORE, PREPEND,
 * REPLACE, REDIRECT, FILTER (header_checks only: sets the message's content_filter), DUNNO, OK;
 * {@link CleanupMessage} carries them out.
 */
final class CleanupChecks {
    /** One action with its optional text. */
    record Action(String name, String text) {
        static Action parse(String value) {
            String v = value.strip();
            int sp = v.indexOf(' ');
            String name = (sp < 0 ? v : v.substring(0, sp)).toUpperCase(Locale.ROOT);
            String text = sp < 0 ? "" : v.substring(sp + 1).strip();
            return new Action(name, text);
        }
    }

    private final List<Table> headerChecks = new ArrayList<>();
    private final List<Table> bodyChecks = new ArrayList<>();

    CleanupChecks(Config config) {
        for (String s : config.list(Params.HEADER_CHECKS)) headerChecks.add(Tables.open(s));
        for (String s : config.list(Params.BODY_CHECKS)) bodyChecks.add(Tables.open(s));
    }

    boolean hasHeaderChecks() {
        return !headerChecks.isEmpty();
    }

    boolean hasBodyChecks() {
        return !bodyChecks.isEmpty();
    }

    Action header(String logicalHeader) {
        return first(headerChecks, logicalHeader);
    }

    Action body(String line) {
        return first(bodyChecks, line);
    }

    private static Action first(List<Table> tables, String text) {
        for (Table t : tables) {
            String v = t.get(text);
            if (v != null) {
                Action a = Action.parse(v);
                if (a.name().equals("DUNNO") || a.name().equals("OK")) return null;
                return a;
            }
        }
        return null;
    }
}
