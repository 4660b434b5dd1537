package mta.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MasterCf - reads master.cf: one service per logical line, eight columns, {@code -o} overrides.
 *
 * <p>Reads one file. Columns are {@code service type private unpriv chroot wakeup maxproc command};
 * {@code -} selects the built-in default. Lines that start with white space continue the previous
 * one; {@code #} lines are comments. A repeated {@code service/type} replaces the earlier entry.
 */
public final class MasterCf {
    /**
     * One master.cf entry. {@code maxproc} is null for "-" ($default_process_limit). {@code fields}
     * are the words of the logical line as written ({@code { ... }} groups kept whole), for
     * {@code postconf -M}.
     */
    public record Service(String name, String type, boolean privateService, boolean unprivileged,
                          boolean chroot, int wakeup, boolean wakeupOnlyAfterUse, Integer maxproc,
                          String command, List<String> args, Map<String, String> overrides, int line,
                          List<String> fields) {
        public String key() {
            return name + "/" + type;
        }
    }

    private final List<Service> services;

    private MasterCf(List<Service> services) {
        this.services = services;
    }

    public List<Service> services() {
        return services;
    }

    public static MasterCf read(Path file) {
        try {
            return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConfigException("open " + file + ": " + ConfigLoader.reason(e));
        }
    }

    public static MasterCf parse(String where, List<String> lines) {
        Map<String, Service> byKey = new LinkedHashMap<>();
        List<String> logical = new ArrayList<>();
        List<Integer> lineNos = new ArrayList<>();
        int n = 0;
        for (String line : lines) {
            n++;
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("#")) continue;
            if (Character.isWhitespace(line.charAt(0)) && !logical.isEmpty()) {
                int last = logical.size() - 1;
                logical.set(last, logical.get(last) + " " + s);
            } else {
                logical.add(s);
                lineNos.add(n);
            }
        }
        for (int i = 0; i < logical.size(); i++) {
            Service svc = parseLine(where, lineNos.get(i), logical.get(i));
            byKey.remove(svc.key());
            byKey.put(svc.key(), svc);
        }
        return new MasterCf(List.copyOf(byKey.values()));
    }

    public static Service parseLine(String where, int line, String text) {
        List<String> f = tokens(text);
        String at = where + ": line " + line + ": ";
        if (f.size() < 8) throw new ConfigException(at + "bad field count");
        String name = f.get(0);
        String type = f.get(1);
        if (!List.of("inet", "unix", "unix-dgram", "fifo", "pass").contains(type)) {
            throw new ConfigException(at + "field \"type\": bad value: \"" + type + "\"");
        }
        boolean priv = yesNo(at, "private", f.get(2), true);
        boolean unpriv = yesNo(at, "unprivileged", f.get(3), true);
        boolean chroot = yesNo(at, "chroot", f.get(4), false);
        String w = f.get(5);
        boolean onlyAfterUse = w.endsWith("?");
        if (onlyAfterUse) w = w.substring(0, w.length() - 1);
        int wakeup = w.equals("-") ? 0 : intField(at, "wakeup", w);
        Integer maxproc = f.get(6).equals("-") ? null : intField(at, "maxproc", f.get(6));
        String command = f.get(7);
        List<String> args = new ArrayList<>();
        Map<String, String> overrides = new LinkedHashMap<>();
        // As the daemons' getopt: options come before the first word that does not start with '-';
        // after it, "-o" is an ordinary argument (postconf -M prints it as such).
        boolean options = true;
        for (int i = 8; i < f.size(); i++) {
            String a = f.get(i);
            if (!a.startsWith("-")) options = false;
            if (options && a.equals("-o") && i + 1 < f.size()) {
                String nv = f.get(++i);
                if (nv.startsWith("{") && nv.endsWith("}")) nv = nv.substring(1, nv.length() - 1).strip();
                int eq = nv.indexOf('=');
                if (eq <= 0) throw new ConfigException(at + "-o option requires name=value: \"" + nv + "\"");
                overrides.put(nv.substring(0, eq).strip(), nv.substring(eq + 1).strip());
            } else {
                args.add(a);
            }
        }
        return new Service(name, type, priv, unpriv, chroot, wakeup, onlyAfterUse, maxproc, command,
                List.copyOf(args), Collections.unmodifiableMap(overrides), line, List.copyOf(f));
    }

    /** Splits on white space, keeping {@code { ... }} groups (with their spaces) as one token. */
    public static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) i++;
            if (i >= text.length()) break;
            int start = i;
            if (text.charAt(i) == '{') {
                int depth = 0;
                for (; i < text.length(); i++) {
                    if (text.charAt(i) == '{') depth++;
                    if (text.charAt(i) == '}' && --depth == 0) { i++; break; }
                }
            } else {
                while (i < text.length() && !Character.isWhitespace(text.charAt(i))) i++;
            }
            out.add(text.substring(start, i));
        }
        return out;
    }

    private static boolean yesNo(String at, String field, String v, boolean def) {
        return switch (v) {
            case "-" -> def;
            case "y" -> true;
            case "n" -> false;
            default -> throw new ConfigException(at + "field \"" + field + "\": bad value: \"" + v + "\"");
        };
    }

    private static int intField(String at, String field, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(at + "field \"" + field + "\": bad value: \"" + v + "\"");
        }
    }
}
