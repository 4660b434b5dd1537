package mta.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ParametersDocTest - docs/parameters.md and conf/main.cf agree with {@link Params}.
 *
 * <p>Postfix's {@code mantools/check-postconf-undocumented} in small: the parameter table must be
 * what {@link ParametersDoc} generates now, and the shipped main.cf may set only declared
 * parameters (so that it loads without "unused parameter" warnings).
 */
class ParametersDocTest {
    private static final Path DOC = Path.of("docs/parameters.md");

    @Test
    void docsParametersMdIsUpToDate() throws Exception {
        String generated = ParametersDoc.markdown();
        if (Boolean.getBoolean("parameters.update")) Files.writeString(DOC, generated, StandardCharsets.UTF_8);
        String current = Files.exists(DOC) ? Files.readString(DOC, StandardCharsets.UTF_8) : "";
        assertEquals(generated, current, DOC + " is out of date with mta.config.Params; regenerate it with"
                + " ./mvnw -q test -Dtest=ParametersDocTest -Dparameters.update=true and commit the result");
    }

    @Test
    void everyParameterIsDocumentedOnce() {
        for (Param p : Params.all().values()) {
            assertTrue(p.doc() != null && !p.doc().isBlank() && !p.doc().contains("\n"), "one doc line: " + p.name());
            // Postfix has a few upper-case letters in names: smtp_tls_CAfile, tls_append_default_CA.
            assertTrue(p.name().matches("[a-zA-Z0-9_]+"), "Postfix-style name: " + p.name());
            assertTrue(Params.section(p) != null, "in a section: " + p.name());
        }
    }

    @Test
    void shippedMainCfSetsOnlyDeclaredParameters() throws Exception {
        MainCf cf = MainCf.read(Path.of("conf/main.cf"));
        assertEquals(List.of(), cf.warnings());
        Map<String, String> values = new java.util.LinkedHashMap<>(cf.values());
        values.put("config_directory", Path.of("conf").toAbsolutePath().toString());
        new Config(values).validate();
        assertEquals(List.of(), values.keySet().stream().filter(n -> Params.byName(n) == null).toList(),
                "conf/main.cf sets undeclared parameters");
    }
}
