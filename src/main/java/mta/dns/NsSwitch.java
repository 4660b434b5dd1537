package mta.dns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * NsSwitch - the order in which the system looks host names up: the {@code hosts:} line of
 * {@code /etc/nsswitch.conf} (nsswitch.conf(5)).
 *
 * <p>Reads one file (the path is given, so tests use their own); writes nothing. The line is a
 * list of sources ({@code files}, {@code dns}, ...), each optionally followed by actions in
 * brackets, {@code [NOTFOUND=return]} or {@code [!UNAVAIL=return]}: after a source answered with
 * a status (SUCCESS, NOTFOUND, UNAVAIL, TRYAGAIN) the lookup either returns or continues with the
 * next source. By default SUCCESS returns and everything else continues. Without the file or
 * without a {@code hosts:} line the order is glibc's built-in {@code dns [!UNAVAIL=return] files}.
 */
public record NsSwitch(List<Source> hosts) {
    /** The system's file. */
    public static final Path SYSTEM = Path.of("/etc/nsswitch.conf");

    /** What a source answered. */
    public enum Status { SUCCESS, NOTFOUND, UNAVAIL, TRYAGAIN }

    /** One source of the hosts line and the statuses after which the lookup stops there. */
    public record Source(String name, Map<Status, Boolean> actions) {
        /** True when the lookup ends after this source answered {@code status}. */
        public boolean returnsOn(Status status) {
            Boolean r = actions.get(status);
            return r != null ? r : status == Status.SUCCESS;
        }
    }

    public NsSwitch {
        hosts = List.copyOf(hosts);
    }

    /** Reads {@code file}; a missing file means glibc's default order. */
    public static NsSwitch read(Path file) throws IOException {
        try {
            for (String raw : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
                int hash = raw.indexOf('#');
                String line = (hash < 0 ? raw : raw.substring(0, hash)).strip();
                if (line.startsWith("hosts:")) return parse(line.substring("hosts:".length()));
            }
        } catch (NoSuchFileException e) {
            // glibc works without the file
        }
        return parse("dns [!UNAVAIL=return] files");
    }

    /** Parses the sources of a hosts line ({@code "files dns"}). */
    public static NsSwitch parse(String sources) {
        List<Source> out = new ArrayList<>();
        String rest = sources.strip();
        while (!rest.isEmpty()) {
            if (rest.startsWith("[")) {
                int close = rest.indexOf(']');
                String inside = close < 0 ? rest.substring(1) : rest.substring(1, close);
                rest = close < 0 ? "" : rest.substring(close + 1).strip();
                if (out.isEmpty()) continue; // actions before any source mean nothing
                Source last = out.remove(out.size() - 1);
                Map<Status, Boolean> actions = new EnumMap<>(Status.class);
                actions.putAll(last.actions());
                applyActions(inside, actions);
                out.add(new Source(last.name(), Map.copyOf(actions)));
                continue;
            }
            int end = 0;
            while (end < rest.length() && !Character.isWhitespace(rest.charAt(end)) && rest.charAt(end) != '[') end++;
            out.add(new Source(rest.substring(0, end).toLowerCase(Locale.ROOT), Map.of()));
            rest = rest.substring(end).strip();
        }
        return new NsSwitch(out);
    }

    /** {@code STATUS=action} words, each maybe negated with {@code !} (then it applies to every other status). */
    private static void applyActions(String inside, Map<Status, Boolean> actions) {
        for (String word : inside.strip().split("\\s+")) {
            int eq = word.indexOf('=');
            if (eq <= 0) continue;
            boolean negated = word.startsWith("!");
            String statusName = word.substring(negated ? 1 : 0, eq).toUpperCase(Locale.ROOT);
            boolean stop = word.substring(eq + 1).equalsIgnoreCase("return");
            Status status;
            try {
                status = Status.valueOf(statusName);
            } catch (IllegalArgumentException e) {
                continue;
            }
            for (Status s : Status.values()) {
                if (negated ? s != status : s == status) actions.put(s, stop);
            }
        }
    }
}
