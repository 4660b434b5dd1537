package mta.util;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JsonLogLine - one mail log event as one JSON object ({@code maillog_format = json}), for Loki or
 * Elasticsearch: the same event as the Postfix-format line, split into fields.
 *
 * <p>Reads the text of a log line; writes a JSON object. Every object has {@code time} (ISO 8601,
 * UTC), {@code host}, {@code program} ({@code postfix/smtpd}), {@code pid}, {@code severity}
 * ({@code info}, {@code warning}, {@code error}, {@code fatal}, {@code panic}) and {@code message}
 * (the Postfix-format text, unchanged). Fields are added from the text as Postfix writes it:
 * {@code queue_id} (a queue ID or {@code NOQUEUE} before {@code ": "}); the {@code name=value}
 * pairs of delivery and queue lines ({@code from}, {@code to}, {@code orig_to}, {@code relay},
 * {@code delay}, {@code delays}, {@code dsn}, {@code status} with its text in
 * {@code status_detail}, {@code size}, {@code nrcpt}, {@code client}, {@code message-id}, ...;
 * angle brackets dropped, numbers as numbers); {@code event} and {@code client} for
 * {@code connect from}, {@code disconnect from} (with its command counts) and {@code lost connection};
 * {@code event=reject}
 * (or {@code reject_warning}, {@code hold}, ...) with {@code stage}, {@code client}, {@code reply}
 * and the {@code from}, {@code to}, {@code proto}, {@code helo} of smtpd's reject lines.
 */
public final class JsonLogLine {
    private JsonLogLine() {}

    private static final String[] SEVERITY = {"panic", "fatal", "fatal", "error", "warning", "info", "info", "info"};
    private static final Pattern QUEUE_ID = Pattern.compile("^(NOQUEUE|[0-9A-Za-z]{6,20}): ");
    private static final Pattern PAIR = Pattern.compile("(?:^|, )([a-z_][a-z_-]*)=");
    private static final Pattern CLIENT_EVENT = Pattern.compile(
            "^(connect from|disconnect from|lost connection after \\S+ from|timeout after \\S+ from) (\\S+)");
    private static final Pattern REJECT = Pattern.compile(
            "^(reject|reject_warning|hold|discard|redirect|filter|warn|info): (\\S+) from (\\S+): (.*?); (.*)$");
    private static final Pattern SPACED_TAIL = Pattern.compile("(\\S+) ((?:[a-z_]+=(?:<[^>]*>|\\S+) ?)+)");
    private static final Pattern SPACED_PAIR = Pattern.compile("(?:^| )([a-z_]+)=(<[^>]*>|\\S+)");

    /** The JSON object (no line end) for one event. */
    public static String format(Instant time, String host, String program, long pid, int severity, String text) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("time", time.toString());
        f.put("host", host);
        f.put("program", program);
        f.put("pid", pid);
        String rest = text;
        String sev = severity >= 0 && severity < SEVERITY.length ? SEVERITY[severity] : "info";
        for (String s : new String[] {"warning", "error", "fatal", "panic"}) {
            if (rest.startsWith(s + ": ")) {
                sev = s;
                rest = rest.substring(s.length() + 2);
            }
        }
        f.put("severity", sev);
        Matcher q = QUEUE_ID.matcher(rest);
        if (q.find()) {
            f.put("queue_id", q.group(1));
            rest = rest.substring(q.end());
        }
        fields(rest, f);
        f.put("message", text);
        return json(f);
    }

    private static void fields(String rest, Map<String, Object> f) {
        Matcher ce = CLIENT_EVENT.matcher(rest);
        if (ce.find()) {
            String what = ce.group(1);
            f.put("event", what.startsWith("lost") ? "lost_connection" : what.startsWith("timeout") ? "timeout"
                    : what.replace(' ', '_'));
            f.put("client", ce.group(2));
            // the command counts of "disconnect from": ehlo=1 mail=1 rcpt=0/1 ... commands=3/4
            Matcher counts = SPACED_PAIR.matcher(rest.substring(ce.end()));
            while (counts.find()) f.put(counts.group(1), value(counts.group(2)));
            return;
        }
        Matcher rj = REJECT.matcher(rest);
        if (rj.find()) {
            f.put("event", rj.group(1));
            f.put("stage", rj.group(2));
            f.put("client", rj.group(3));
            f.put("reply", rj.group(4));
            Matcher p = SPACED_PAIR.matcher(rj.group(5));
            while (p.find()) f.put(p.group(1), value(p.group(2)));
            return;
        }
        Matcher p = PAIR.matcher(rest);
        if (!p.find() || p.start() != 0) return; // free text: the message says it all
        String name = p.group(1);
        int valueStart = p.end();
        while (true) {
            // status=... is last, and its text in parentheses may hold anything
            boolean more = !name.equals("status") && p.find();
            int valueEnd = more ? p.start() : rest.length();
            put(f, name, rest.substring(valueStart, valueEnd));
            if (!more) break;
            name = p.group(1);
            valueStart = p.end();
        }
    }

    /** {@code status=sent (250 Ok)}: status and status_detail; other values as they are. */
    private static void put(Map<String, Object> f, String name, String raw) {
        if (name.equals("status")) {
            int paren = raw.indexOf(" (");
            if (paren > 0 && raw.endsWith(")")) {
                f.put("status", raw.substring(0, paren));
                f.put("status_detail", raw.substring(paren + 2, raw.length() - 1));
                return;
            }
        }
        Matcher spaced = SPACED_TAIL.matcher(raw);
        if (spaced.matches()) { // pickup's "uid=0 from=<root>": pairs separated by spaces
            f.put(name, value(spaced.group(1)));
            Matcher p = SPACED_PAIR.matcher(spaced.group(2));
            while (p.find()) f.put(p.group(1), value(p.group(2)));
            return;
        }
        f.put(name, value(raw));
    }

    private static Object value(String raw) {
        if (raw.length() >= 2 && raw.startsWith("<") && raw.endsWith(">")) return raw.substring(1, raw.length() - 1);
        if (raw.matches("-?\\d{1,15}")) return Long.parseLong(raw);
        if (raw.matches("-?\\d{1,12}\\.\\d{1,9}")) return Double.parseDouble(raw);
        return raw;
    }

    static String json(Map<String, Object> f) {
        StringBuilder sb = new StringBuilder(256);
        sb.append('{');
        boolean first = true;
        for (Map.Entry<String, Object> e : f.entrySet()) {
            if (!first) sb.append(',');
            first = false;
            string(sb, e.getKey());
            sb.append(':');
            Object v = e.getValue();
            if (v instanceof Number) sb.append(v);
            else string(sb, String.valueOf(v));
        }
        return sb.append('}').toString();
    }

    /** {@code s} as a JSON string, quotes included (the log's fields; also postqueue -j's listing). */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        string(sb, s);
        return sb.toString();
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
