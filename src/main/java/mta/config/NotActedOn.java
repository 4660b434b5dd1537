package mta.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * NotActedOn - main.cf parameters that Postfix knows but this mail system does not act on.
 *
 * <p>Reads the values set explicitly; writes nothing. Such a parameter loads without complaint, as
 * in Postfix (it is no misspelling), and postconf shows it; {@code postfix check} names each one
 * that main.cf sets ({@code main.cf: parameter not implemented, ignored: name=value}), so an
 * administrator knows which settings have no effect here. These are the Postfix 3.7 parameters
 * outside {@link Params}, and those declared there as "accepted; not yet acted on".
 */
public final class NotActedOn {
    private NotActedOn() {}

    /** One warning per parameter that main.cf sets and nothing here acts on. */
    public static List<String> warnings(Config config) {
        List<String> out = new ArrayList<>();
        String file = config.rawValue(Params.CONFIG_DIRECTORY.name()) + "/main.cf";
        for (Map.Entry<String, String> e : config.explicit().entrySet()) {
            if (isNotActedOn(e.getKey())) {
                out.add(file + ": parameter not implemented, ignored: " + e.getKey() + "=" + e.getValue());
            }
        }
        return out;
    }

    /** True for a Postfix parameter this system accepts but does not use. */
    public static boolean isNotActedOn(String name) {
        Param p = Params.byName(name);
        if (p != null) return p.doc().endsWith(Params.NOT_YET);
        return PostfixParameters.known(name);
    }
}
