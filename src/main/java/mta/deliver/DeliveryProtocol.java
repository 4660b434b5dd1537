package mta.deliver;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mta.mail.Dsn;

/**
 * DeliveryProtocol - the lines a {@link DeliveryClient} and the privileged delivery process exchange
 * over {@code $queue_directory/private/local}.
 *
 * <p>One request per connection. The client writes the request, the server answers one status per
 * recipient, then each side closes. Every line is {@code keyword value...}; values are UTF-8 with
 * {@code %}, space, {@code !} and control characters written as {@code %XX}, and a lone {@code !}
 * stands for "none" (null):
 * <pre>
 *   request                                    status-lines
 *   queue_id ID                                status OFFSET OUTCOME DSN RELAY REASON CONNECT XFER PASSED CONNUSE FINAL LOGGED STAGE
 *   queue_file PATH                            ...
 *   transport NAME                             end
 *   nexthop HOST
 *   sender ADDRESS
 *   arrival ISO-INSTANT
 *   activated ISO-INSTANT
 *   content OFFSET SIZE
 *   attr NAME VALUE                            (any number)
 *   rcpt OFFSET DONE NOTIFY ORCPT ORIGINAL ADDRESS   (one per recipient)
 *   end
 * </pre>
 * A status names its recipient by the offset of the recipient's record in the queue file, which is
 * unique within a message.
 *
 * <p>Before its statuses the server may hand recipients back to the client's transports
 * ({@link DeliveryPass}: local's mailbox_transport): it writes
 * {@code pass TRANSPORT OFFSET DONE NOTIFY ORCPT ORIGINAL ADDRESS}, and the client delivers that
 * recipient through TRANSPORT and answers with its status line and {@code end}. The network side
 * of such a delivery stays with the unprivileged client.
 */
public final class DeliveryProtocol {
    /** At most this many lines in one request or answer: a peer that sends more is broken. */
    public static final int MAX_LINES = 100_000;

    private DeliveryProtocol() {}

    /** The peer said something this protocol does not know. */
    public static final class ProtocolException extends IOException {
        public ProtocolException(String message) {
            super(message);
        }
    }

    public static void writeRequest(Writer out, DeliveryRequest r) throws IOException {
        line(out, "queue_id", r.queueId());
        line(out, "queue_file", r.queueFile().toString());
        line(out, "transport", r.transport());
        line(out, "nexthop", r.nexthop());
        line(out, "sender", r.sender());
        line(out, "arrival", r.arrival().toString());
        line(out, "activated", r.activated().toString());
        line(out, "content", Long.toString(r.contentOffset()), Long.toString(r.contentSize()));
        for (Map.Entry<String, String> a : r.attributes().entrySet()) line(out, "attr", a.getKey(), a.getValue());
        for (Recipient rc : r.recipients()) {
            line(out, "rcpt", Long.toString(rc.offset()), "0", rc.dsnNotify(), rc.dsnOrcpt(),
                    rc.original(), rc.address());
        }
        out.write("end\n");
        out.flush();
    }

    public static DeliveryRequest readRequest(BufferedReader in) throws IOException {
        Map<String, String> f = new LinkedHashMap<>();
        Map<String, String> attrs = new LinkedHashMap<>();
        List<Recipient> rcpts = new ArrayList<>();
        long contentOffset = -1;
        long contentSize = -1;
        for (int n = 0; ; n++) {
            String[] w = next(in, n);
            switch (w[0]) {
                case "end" -> {
                    for (String k : List.of("queue_id", "queue_file", "transport", "nexthop", "sender", "arrival",
                            "activated")) {
                        if (f.get(k) == null) throw new ProtocolException("request without " + k);
                    }
                    if (contentOffset < 0) throw new ProtocolException("request without content");
                    try {
                        return new DeliveryRequest(f.get("queue_id"), Path.of(f.get("queue_file")), f.get("transport"),
                                f.get("nexthop"), f.get("sender"), List.copyOf(rcpts), Instant.parse(f.get("arrival")),
                                Instant.parse(f.get("activated")), contentOffset, contentSize, attrs);
                    } catch (RuntimeException e) {
                        throw new ProtocolException("bad request: " + e.getMessage());
                    }
                }
                case "content" -> {
                    need(w, 3);
                    contentOffset = number(w[1]);
                    contentSize = number(w[2]);
                }
                case "attr" -> {
                    need(w, 3);
                    attrs.put(w[1], w[2]);
                }
                case "rcpt" -> {
                    need(w, 7);
                    rcpts.add(new Recipient(w[6], w[5], number(w[1]), w[3], w[4]));
                }
                default -> {
                    need(w, 2);
                    f.put(w[0], w[1]);
                }
            }
        }
    }

    public static void writeStatuses(Writer out, List<DeliveryStatus> statuses) throws IOException {
        for (DeliveryStatus s : statuses) {
            line(out, "status", Long.toString(s.recipient().offset()), s.outcome().name(), s.dsn().toString(), s.relay(),
                    s.reason(), Double.toString(s.connectSeconds()), Double.toString(s.transferSeconds()),
                    s.dsnPassedOn() ? "1" : "0", Integer.toString(s.connUse()), s.finalDelivery() ? "1" : "0",
                    s.logged() ? "1" : "0", s.stage().name());
        }
        out.write("end\n");
        out.flush();
    }

    /** The statuses of an answer, matched to {@code recipients} by offset. */
    public static List<DeliveryStatus> readStatuses(BufferedReader in, List<Recipient> recipients)
            throws IOException {
        return readStatuses(in, null, null, null, recipients);
    }

    /**
     * The statuses of an answer to {@code request}; each {@code pass} line before them is delivered
     * through {@code pass} and answered on {@code out}.
     */
    public static List<DeliveryStatus> readStatuses(BufferedReader in, Writer out, DeliveryRequest request,
                                                    DeliveryPass pass) throws IOException {
        return readStatuses(in, out, request, pass, request.recipients());
    }

    private static List<DeliveryStatus> readStatuses(BufferedReader in, Writer answer, DeliveryRequest request,
                                                     DeliveryPass pass, List<Recipient> recipients)
            throws IOException {
        Map<Long, Recipient> byOffset = new LinkedHashMap<>();
        for (Recipient r : recipients) byOffset.put(r.offset(), r);
        List<DeliveryStatus> out = new ArrayList<>();
        for (int n = 0; ; n++) {
            String[] w = next(in, n);
            if (w[0].equals("end")) return out;
            if (w[0].equals("pass") && pass != null) {
                need(w, 8);
                if (!byOffset.containsKey(number(w[2]))) throw new ProtocolException("pass for an unknown recipient offset " + w[2]);
                Recipient r = new Recipient(w[7], w[6], number(w[2]), w[4], w[5]);
                writeStatuses(answer, List.of(pass.pass(w[1], request, r)));
                continue;
            }
            if (!w[0].equals("status")) throw new ProtocolException("unexpected line: " + w[0]);
            if (w.length < 10 || w.length > 13) throw new ProtocolException("bad status line");
            Recipient r = byOffset.get(number(w[1]));
            if (r == null) throw new ProtocolException("status for an unknown recipient offset " + w[1]);
            try {
                out.add(new DeliveryStatus(r, DeliveryStatus.Outcome.valueOf(w[2]), Dsn.parse(w[3]), w[4], w[5],
                        Double.parseDouble(w[6]), Double.parseDouble(w[7]), "1".equals(w[8]), Integer.parseInt(w[9]),
                        w.length > 10 && "1".equals(w[10]), w.length > 11 && "1".equals(w[11]),
                        w.length > 12 ? DeliveryStatus.Stage.valueOf(w[12]) : DeliveryStatus.Stage.NONE));
            } catch (IllegalArgumentException e) {
                throw new ProtocolException("bad status line: " + e.getMessage());
            }
        }
    }

    /**
     * The server's side of a hand-over: a {@link DeliveryPass} that asks the client on the other end
     * of {@code in} and {@code out}. A broken connection defers the recipient.
     */
    public static DeliveryPass passBack(BufferedReader in, Writer out) {
        return (transport, request, r) -> {
            try {
                line(out, "pass", transport, Long.toString(r.offset()), "0", r.dsnNotify(), r.dsnOrcpt(),
                        r.original(), r.address());
                out.flush();
                List<DeliveryStatus> st = readStatuses(in, List.of(r));
                if (st.size() == 1) return st.get(0);
            } catch (IOException e) {
                // the client went away: the recipient waits for the next attempt
            }
            return DeliveryStatus.deferred(r, Dsn.TEMPORARY_SYSTEM_ERROR, "none", "mail transport unavailable");
        };
    }

    private static void line(Writer out, String keyword, String... values) throws IOException {
        StringBuilder sb = new StringBuilder(keyword);
        for (String v : values) sb.append(' ').append(encode(v));
        out.write(sb.append('\n').toString());
    }

    private static String[] next(BufferedReader in, int n) throws IOException {
        if (n > MAX_LINES) throw new ProtocolException("too many lines");
        String l = in.readLine();
        if (l == null) throw new java.io.EOFException("unexpected end of input");
        String[] w = l.split(" ", -1);
        for (int i = 1; i < w.length; i++) w[i] = decode(w[i]);
        return w;
    }

    private static void need(String[] w, int n) throws ProtocolException {
        if (w.length != n) throw new ProtocolException("bad " + w[0] + " line");
    }

    private static long number(String s) throws ProtocolException {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new ProtocolException("bad number: " + s);
        }
    }

    static String encode(String s) {
        if (s == null) return "!";
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c == 0x7f || c == '%' || c == '!') sb.append('%').append(String.format("%02X", (int) c));
            else sb.append(c);
        }
        return sb.toString();
    }

    static String decode(String s) throws ProtocolException {
        if (s.equals("!")) return null;
        if (s.indexOf('%') < 0) return s;
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                sb.append(c);
                continue;
            }
            if (i + 2 >= s.length()) throw new ProtocolException("bad escape");
            try {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
            } catch (NumberFormatException e) {
                throw new ProtocolException("bad escape");
            }
            i += 2;
        }
        return sb.toString();
    }
}
