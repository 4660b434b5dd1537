package mta.lookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import mta.config.Config;
import org.junit.jupiter.api.Test;

/**
 * RealWorldTablesTest - every table that the main.cf files of ISPmail, Mail-in-a-Box, mailcow,
 * iRedMail, Modoboa and Mailu name opens here: their pgsql:, mysql:, sqlite: configuration files
 * parse (hosts, user, password, dbname or dbpath, query with its expansions), and their
 * socketmap:, tcp:, pcre: and lmdb: specifications are accepted. Nothing is looked up (no
 * database runs behind them).
 */
class RealWorldTablesTest {
    static final Path FIXTURES = Path.of("src/test/resources/lookup/realworld");
    static final Set<String> CONFIG_TYPES = Set.of("pgsql", "mysql", "sqlite", "ldap", "memcache");

    @Test
    void everyTableOfSixRealConfigurationsOpens() throws Exception {
        Set<String> opened = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        try (Stream<Path> setups = Files.list(FIXTURES)) {
            for (Path setup : setups.filter(Files::isDirectory).sorted().toList()) {
                Path dir = setup.toAbsolutePath();
                // main.cf's syntax, read leniently (names such as smtp-amavis_... are another test's business)
                Map<String, String> values = new java.util.LinkedHashMap<>();
                TableConfig.parse(setup.resolve("main.cf"), Files.readString(setup.resolve("main.cf")))
                        .forEach((k, v) -> values.put(k, v.replace("@DIR@", dir.toString())));
                Config config = Config.of(values);
                for (String name : values.keySet()) {
                    for (String spec : Config.splitList(config.get(name))) {
                        String s = spec.startsWith("proxy:") ? spec.substring(6) : spec;
                        String type = Tables.type(s);
                        if (type == null || !Tables.TYPES.contains(type) || Set.of("inline", "static", "unix").contains(type)) continue;
                        if (CONFIG_TYPES.contains(type) && !Files.exists(Path.of(Tables.name(s)))) continue; // not shipped
                        try (Table t = Tables.open(spec)) {
                            opened.add(setup.getFileName() + " " + type);
                        } catch (RuntimeException e) {
                            problems.add(setup.getFileName() + ": " + name + " = " + spec + ": " + e.getMessage());
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
        for (String expected : List.of("ispmail mysql", "miab sqlite", "mailcow mysql", "mailcow socketmap",
                "iredmail mysql", "modoboa pgsql", "mailu socketmap", "mailu lmdb")) {
            assertTrue(opened.contains(expected), expected + " in " + opened);
        }
    }

    @Test
    void everyShippedTableFileParses() throws Exception {
        int files = 0;
        try (Stream<Path> all = Files.walk(FIXTURES)) {
            for (Path f : all.filter(p -> p.toString().endsWith(".cf") && !p.getFileName().toString().equals("main.cf")).toList()) {
                String text = Files.readString(f);
                String type = text.contains("dbpath") ? "sqlite" : f.toString().contains("modoboa") ? "pgsql" : "mysql";
                Path copy = Files.createTempFile("realworld", ".cf");
                try {
                    Files.writeString(copy, text.replace("@DIR@", "/nonexistent"));
                    try (Table t = Tables.open(type + ":" + copy)) {
                        files++;
                    }
                } finally {
                    Files.delete(copy);
                }
            }
        }
        assertTrue(files >= 50, files + " table files");
    }
}
