package mta.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * LayeringTest - guards the package layering of docs/architecture.md (DESIGN section 2).
 *
 * <p>The table below states each package's layer and the packages it may use, exactly as the
 * table of docs/architecture.md (a test compares the two). Reads every Java file under
 * src/main/java/mta and fails when a package uses one that is not in its row: through an
 * {@code import}, a qualified name ({@code mta.x.Y}, comments included), or a class named in a
 * string ({@code "mta.x.Y"}, as {@code Class.forName} and a child JVM's main class take it).
 * {@code util} and {@code metrics} are layer 0 and may be used by all. Every permitted use points to a lower layer
 * (the one exception: the postfix command runs the installer, both layer 7); the packages of
 * layer 6, the daemons, never use each other; {@code master} may use every package below layer 7,
 * so it never uses the commands. A class named in a string may also be a program that a command
 * starts in a child JVM: those uses are listed in {@link #BY_NAME}.
 */
class LayeringTest {
    /** package -> its layer. */
    private static final Map<String, Integer> LAYER = Map.ofEntries(
            Map.entry("util", 0), Map.entry("metrics", 0),
            Map.entry("config", 1), Map.entry("mail", 1),
            Map.entry("lookup", 2), Map.entry("dns", 2), Map.entry("tls", 2), Map.entry("queue", 2),
            Map.entry("rewrite", 3), Map.entry("deliver", 3), Map.entry("policy", 3), Map.entry("postdrop", 3), Map.entry("milter", 3),
            Map.entry("cleanup", 4), Map.entry("flush", 4),
            Map.entry("bounce", 5),
            Map.entry("smtpd", 6), Map.entry("pickup", 6), Map.entry("qmgr", 6), Map.entry("local", 6),
            Map.entry("smtp", 6), Map.entry("error", 6), Map.entry("virtual", 6), Map.entry("pipe", 6),
            Map.entry("spawn", 6), Map.entry("verify", 6), Map.entry("postscreen", 6),
            Map.entry("master", 7), Map.entry("cli", 7), Map.entry("install", 7));

    /** Layer 0: the packages every package may use. */
    private static final Set<String> BASE = Set.of("util", "metrics");

    /** package -> the packages it may use (besides itself and util); master: every package below layer 7. */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("util", Set.of()),
            // Layer 0 beside util: every package may count something.
            Map.entry("metrics", Set.of()),
            Map.entry("config", Set.of()),
            Map.entry("mail", Set.of()),
            Map.entry("lookup", Set.of("config")),
            Map.entry("dns", Set.of("config")),
            Map.entry("tls", Set.of("config")),
            Map.entry("queue", Set.of("config", "mail")),
            Map.entry("rewrite", Set.of("config", "mail", "lookup")),
            Map.entry("deliver", Set.of("queue", "mail")),
            Map.entry("policy", Set.of("config")),
            Map.entry("postdrop", Set.of("config", "mail", "queue")),
            Map.entry("milter", Set.of("config", "mail")),
            Map.entry("cleanup", Set.of("config", "mail", "lookup", "queue", "rewrite", "milter")),
            Map.entry("flush", Set.of("config", "mail", "lookup", "queue", "rewrite")),
            Map.entry("bounce", Set.of("queue", "mail", "config", "cleanup")),
            Map.entry("smtpd", Set.of("config", "mail", "lookup", "dns", "queue", "rewrite", "cleanup", "flush", "tls",
                    "policy", "milter")),
            Map.entry("pickup", Set.of("queue", "cleanup", "config", "mail")),
            Map.entry("qmgr", Set.of("queue", "rewrite", "deliver", "bounce", "flush", "config", "mail")),
            Map.entry("local", Set.of("deliver", "lookup", "cleanup", "config", "mail")),
            Map.entry("smtp", Set.of("deliver", "dns", "config", "mail", "tls", "lookup")),
            Map.entry("error", Set.of("deliver", "mail", "config")),
            Map.entry("virtual", Set.of("deliver", "lookup", "config", "mail")),
            Map.entry("pipe", Set.of("deliver", "config", "mail")),
            Map.entry("spawn", Set.of("config")),
            // The verify service submits probes through cleanup and keeps its cache through lookup;
            // smtpd and qmgr reach it only through queue.VerifyClient, which master wires in.
            Map.entry("verify", Set.of("config", "mail", "lookup", "queue", "cleanup")),
            // postscreen hands clients to smtpd through its own PostscreenHandoff, which master wires
            Map.entry("postscreen", Set.of("config", "mail", "lookup", "dns")),
            Map.entry("master", below(7)),
            Map.entry("cli", Set.of("config", "queue", "lookup", "mail", "tls", "postdrop", "install")),
            Map.entry("install", Set.of("config", "queue")));

    /** The one use within a layer: the postfix command runs the installer. */
    private static final Set<String> SAME_LAYER = Set.of("cli->install");

    /**
     * Programs started by their main class's name in a child JVM, not used as code: the master
     * (postfix start, check), the stand-alone SMTP server (sendmail -bs), and sendmail as the
     * set-gid postdrop launcher's main class.
     */
    private static final Map<String, Set<String>> BY_NAME = Map.of(
            "cli", Set.of("master", "smtpd"),
            "install", Set.of("cli"));

    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?mta\\.([a-z0-9]+)\\.", Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("(?<![\"\\w.])mta\\.([a-z0-9]+)\\.[A-Z]");
    private static final Pattern STRING = Pattern.compile("\"mta\\.([a-z0-9]+)\\.[A-Z]");

    private static Set<String> below(int layer) {
        return LAYER.entrySet().stream().filter(e -> e.getValue() < layer && !BASE.contains(e.getKey()))
                .map(Map.Entry::getKey)
                .collect(Collectors.toUnmodifiableSet());
    }

    @Test
    void everyPackageUsesOnlyWhatItsLayerAllows() throws IOException {
        Path root = Path.of("src/main/java/mta");
        List<String> violations = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = root.relativize(f).getName(0).toString();
                seen.add(pkg);
                Set<String> allowed = ALLOWED.get(pkg);
                if (allowed == null || !LAYER.containsKey(pkg)) {
                    violations.add(f + ": package mta." + pkg + " is not in the layering table");
                    continue;
                }
                String text = Files.readString(f);
                for (Pattern p : List.of(IMPORT, QUALIFIED, STRING)) {
                    Matcher m = p.matcher(text);
                    while (m.find()) {
                        String dep = m.group(1);
                        boolean byName = p == STRING && BY_NAME.getOrDefault(pkg, Set.of()).contains(dep);
                        if (!dep.equals(pkg) && !BASE.contains(dep) && !allowed.contains(dep) && !byName) {
                            violations.add(f + ": mta." + pkg + " must not use mta." + dep
                                    + (p == STRING ? " (a class named in a string)" : ""));
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
        assertTrue(seen.containsAll(Set.of("smtpd", "qmgr", "cleanup", "local", "smtp")), "scanned the sources: " + seen);
        assertEquals(new TreeSet<>(LAYER.keySet()), seen, "every package in the table exists, and the other way round");
    }

    @Test
    void everyPermittedUsePointsToALowerLayer() {
        List<String> up = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : ALLOWED.entrySet()) {
            for (String dep : e.getValue()) {
                int from = LAYER.get(e.getKey());
                int to = LAYER.get(dep);
                if (to >= from && !SAME_LAYER.contains(e.getKey() + "->" + dep)) {
                    up.add(e.getKey() + " (layer " + from + ") -> " + dep + " (layer " + to + ")");
                }
            }
        }
        assertEquals(List.of(), up);
        assertEquals(LAYER.keySet(), ALLOWED.keySet());
    }

    @Test
    void theDaemonsNeverUseEachOther() {
        Set<String> daemons = LAYER.entrySet().stream().filter(e -> e.getValue() == 6).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        assertTrue(daemons.containsAll(Set.of("smtpd", "pickup", "qmgr", "local", "smtp", "error", "virtual", "pipe",
                "spawn", "verify", "postscreen")), "the daemons: " + daemons);
        for (String d : daemons) {
            for (String other : daemons) {
                if (!d.equals(other)) assertTrue(!ALLOWED.get(d).contains(other), d + " may not use " + other);
            }
            assertTrue(BY_NAME.getOrDefault(d, Set.of()).stream().noneMatch(daemons::contains), d + " may not start another daemon");
        }
        assertTrue(!ALLOWED.get("master").contains("cli") && !ALLOWED.get("master").contains("install"),
                "the master does not use the commands");
    }

    /** The table of docs/architecture.md says the same: each row's layer, package and last column. */
    @Test
    void docsArchitectureShowsTheSameTable() throws IOException {
        Pattern row = Pattern.compile("^\\| (\\d+) \\| `([a-z0-9]+)` \\|.*\\| ([^|]+) \\|\\s*$", Pattern.MULTILINE);
        Map<String, String> documented = new TreeMap<>();
        String doc = Files.readString(Path.of("docs/architecture.md"));
        String table = doc.substring(doc.indexOf("## Packages and layers"), doc.indexOf("\n## ", doc.indexOf("## Packages and layers") + 5));
        Matcher m = row.matcher(table);
        while (m.find()) {
            String uses = m.group(3).strip();
            Set<String> deps = uses.equals("all below layer 7") ? ALLOWED.get("master")
                    : Stream.of(uses.split(",\\s*")).map(String::strip)
                            .filter(d -> !BASE.contains(d) && !d.equals("JDK") && !d.equals("slf4j"))
                            .collect(Collectors.toCollection(TreeSet::new));
            documented.put(m.group(2), m.group(1) + " " + new TreeSet<>(deps));
        }
        Map<String, String> stated = new TreeMap<>();
        for (String p : LAYER.keySet()) stated.put(p, LAYER.get(p) + " " + new TreeSet<>(ALLOWED.get(p)));
        assertEquals(stated, documented);
    }
}
