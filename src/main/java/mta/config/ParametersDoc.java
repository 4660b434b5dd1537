package mta.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * ParametersDoc - writes docs/parameters.md, the table of every parameter, from {@link Params}.
 *
 * <p>Reads only the registry; {@link #main} writes the file named by its argument (default
 * {@code docs/parameters.md}). ParametersDocTest fails when the file in the repository differs
 * from {@link #markdown()}; run that test with {@code -Dparameters.update=true} to rewrite it.
 */
public final class ParametersDoc {
    private ParametersDoc() {}

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : "docs/parameters.md");
        Files.writeString(file, markdown(), StandardCharsets.UTF_8);
    }

    /** The whole document: an introduction, then one table per section of {@link Params}. */
    public static String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("# main.cf parameters\n\n")
                .append("Generated from `mta.config.Params` by `mta.config.ParametersDoc`; do not edit by hand.\n")
                .append("To regenerate: `./mvnw -q test -Dtest=ParametersDocTest -Dparameters.update=true`.\n\n")
                .append("Names and defaults are Postfix 3.7's at `compatibility_level = 3.6`. A default shown as\n")
                .append("*computed* is worked out from the host at start-up (see docs/configuration.md);\n")
                .append("`postconf -d NAME` prints its value on this machine. A description ending in\n")
                .append("\"accepted; not yet acted on\" means the parameter is recognised, checked and shown by\n")
                .append("postconf, but no part of the mail system uses it yet. Every other Postfix 3.7 parameter is\n")
                .append("accepted too, with Postfix's default (`postconf` shows it), but nothing acts on it;\n")
                .append("`postfix check` names those that main.cf sets. Parameters that master.cf services define\n")
                .append("(`TRANSPORT_destination_recipient_limit`, ...) are described in docs/configuration.md.\n");
        String section = null;
        for (Param p : Params.all().values()) {
            String s = Params.section(p);
            if (!s.equals(section)) {
                section = s;
                out.append("\n## ").append(s).append("\n\n")
                        .append("| name | default | description |\n")
                        .append("|------|---------|-------------|\n");
            }
            String def = p.defaultValue() == null ? "*computed*" : code(p.defaultValue());
            out.append("| `").append(p.name()).append("` | ").append(def).append(" | ")
                    .append(cell(p.doc())).append(" |\n");
        }
        return out.toString();
    }

    /** A default value as inline code; an empty one as "(empty)". */
    private static String code(String value) {
        if (value.isEmpty()) return "(empty)";
        String v = cell(value);
        return v.contains("`") ? "`` " + v + " ``" : "`" + v + "`";
    }

    /** Escapes the one character that breaks a Markdown table cell. */
    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
