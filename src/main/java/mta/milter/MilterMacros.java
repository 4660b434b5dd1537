package mta.milter;

import java.util.Map;

/**
 * MilterMacros - the value of a Sendmail macro ({@code i}, {@code {client_addr}}, {@code {rcpt_addr}}...) at one stage.
 *
 * <p>Given by the SMTP server (from its session state) and by cleanup (the queue ID); null means
 * the macro has no value here and is not sent. The names are written as they are sent: one letter
 * bare, longer names in braces.
 */
@FunctionalInterface
public interface MilterMacros {
    MilterMacros NONE = name -> null;

    String get(String name);

    /** These values first, then this source's. */
    default MilterMacros with(Map<String, String> values) {
        return name -> values.containsKey(name) ? values.get(name) : get(name);
    }
}
