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
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * LayeringTest - guards the package layering of docs/architecture.md (DESIGN section 2).
 *
 * <p>Reads every {@code import mta.x...} line under src/main/java/mta and fails when a package
 * imports one that is not in its row of the table below. {@code util} is layer 0 and may be used
 * by all. The layer-6 daemons never import each other; only {@code master} sees everything.
 */
class LayeringTest {
    private static final Set<String> ALL = Set.of("util", "config", "mail", "lookup", "dns", "queue", "rewrite",
            "deliver", "cleanup", "flush", "bounce", "smtpd", "pickup", "qmgr", "local", "smtp", "error", "virtual", "pipe",
            "spawn", "verify", "postscreen", "master", "cli", "tls", "policy", "postdrop", "install", "metrics");

    /** package -> the packages it may import (besides itself and util). */
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
            Map.entry("cleanup", Set.of("config", "mail", "lookup", "queue", "rewrite")),
            Map.entry("flush", Set.of("config", "mail", "lookup", "queue", "rewrite")),
            Map.entry("bounce", Set.of("queue", "mail", "config", "cleanup")),
            Map.entry("smtpd", Set.of("config", "mail", "lookup", "dns", "queue", "rewrite", "cleanup", "flush", "tls",
                    "policy")),
            Map.entry("pickup", Set.of("queue", "cleanup", "config", "mail")),
            Map.entry("qmgr", Set.of("queue", "rewrite", "deliver", "bounce", "flush", "config", "mail")),
            // Agents see queue types because the delivery contract carries QueueFile.Recipient.
            Map.entry("local", Set.of("deliver", "lookup", "cleanup", "config", "mail", "queue")),
            Map.entry("smtp", Set.of("deliver", "dns", "config", "mail", "queue", "tls", "lookup")),
            Map.entry("error", Set.of("deliver", "queue", "mail", "config")),
            Map.entry("virtual", Set.of("deliver", "lookup", "config", "mail", "queue")),
            Map.entry("pipe", Set.of("deliver", "config", "mail", "queue")),
            Map.entry("spawn", Set.of("config")),
            // The verify service submits probes through cleanup and keeps its cache through lookup;
            // smtpd and qmgr reach it only through queue.VerifyClient, which master wires in.
            Map.entry("verify", Set.of("config", "mail", "lookup", "queue", "cleanup")),
            // postscreen hands clients to smtpd through its own PostscreenHandoff, which master wires
            // to the pass entry's smtpd: it never imports smtpd.
            Map.entry("postscreen", Set.of("config", "lookup", "dns")),
            Map.entry("master", ALL),
            Map.entry("cli", Set.of("config", "queue", "lookup", "mail", "tls", "postdrop", "install")),
            Map.entry("install", Set.of("config", "queue")));

    /** Layer 0: the packages every package may use. */
    private static final Set<String> BASE = Set.of("util", "metrics");

    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?mta\\.([a-z]+)\\.", Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("(?<![\"\\w.])mta\\.([a-z]+)\\.[A-Z]");

    @Test
    void everyPackageImportsOnlyWhatItsLayerAllows() throws IOException {
        Path root = Path.of("src/main/java/mta");
        List<String> violations = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = root.relativize(f).getName(0).toString();
                seen.add(pkg);
                Set<String> allowed = ALLOWED.get(pkg);
                if (allowed == null) {
                    violations.add(f + ": package mta." + pkg + " is not in the layering table");
                    continue;
                }
                String text = Files.readString(f);
                for (Pattern p : List.of(IMPORT, QUALIFIED)) {
                    Matcher m = p.matcher(text);
                    while (m.find()) {
                        String dep = m.group(1);
                        if (!dep.equals(pkg) && !BASE.contains(dep) && !allowed.contains(dep)) {
                            violations.add(f + ": mta." + pkg + " must not use mta." + dep);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
        assertTrue(seen.containsAll(Set.of("smtpd", "qmgr", "cleanup", "local", "smtp")), "scanned the sources: " + seen);
    }

    @Test
    void theDaemonsNeverImportEachOther() {
        Set<String> daemons = Set.of("smtpd", "pickup", "qmgr", "local", "smtp", "error", "verify", "postscreen");
        for (String d : daemons) {
            for (String other : daemons) {
                if (!d.equals(other)) assertTrue(!ALLOWED.get(d).contains(other), d + " may not use " + other);
            }
        }
    }
}
