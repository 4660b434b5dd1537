package mta.milter;

import static mta.milter.MilterProtocol.*;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mta.mail.Dsn;
import mta.mail.Reply;
import mta.util.MailLog;

/**
 * Milter - one mail filter for the length of one SMTP session (or one message from sendmail/pickup).
 *
 * <p>Connects and negotiates the protocol version, actions and protocol flags at the first event
 * ({@code SMFIC_OPTNEG}), then reports each event with the macros of its stage and reads the
 * reply. A filter that accepts the connection gets no more events; one that accepts the message
 * gets none until the next. Events it asked not to see are not sent, and replies it said it would
 * not send are not read. At the end of the message ({@link #message}) it sends the headers, the
 * end of the headers and the body in chunks, then {@code SMFIC_BODYEOB}, and applies the changes
 * the filter sends back to the {@link MilterMessage}. A filter that cannot be reached, times out
 * or breaks the protocol is closed, a warning is logged in Postfix's words ({@code connect to
 * Milter service inet:127.0.0.1:8891: Connection refused}), and its default action applies to this
 * event and to every later one of the session.
 */
final class Milter {
    private enum State { NEW, READY, ACCEPT_CONNECTION, ACCEPT_MESSAGE, REJECT_CONNECTION, FAILED, CLOSED }

    private final MilterSpec spec;
    private final MilterSettings settings;
    private final MailLog.Channel log;
    private MilterConnection conn;
    private State state = State.NEW;
    /** The default action's verdict after a failure (CONTINUE for accept), or the refusal of the connection. */
    private MilterVerdict failed;
    private int actions;
    private int protocol;
    /** Macro lists the filter asked for (SMFIR_SETSYMLIST), by stage command. */
    private final Map<Byte, List<String>> symlists = new HashMap<>();
    /** After SMFIR_SKIP: further body chunks are not sent. */
    private boolean skipBody;

    Milter(MilterSpec spec, MilterSettings settings, MailLog.Channel log) {
        this.spec = spec;
        this.settings = settings;
        this.log = log;
    }

    String name() {
        return spec.name();
    }

    // --- the SMTP events

    MilterVerdict connect(MilterMacros m, String hostname, InetAddress address, int port) {
        if (state == State.NEW && !open()) return failed;
        MilterConnection.Data d = new MilterConnection.Data().string(hostname);
        if (address instanceof Inet4Address) d.octet('4').int16(Math.max(port, 0)).string(address.getHostAddress());
        else if (address instanceof Inet6Address) d.octet('6').int16(Math.max(port, 0)).string(address.getHostAddress());
        else d.octet('U');
        MilterVerdict v = event(SMFIC_CONNECT, SMFIP_NOCONNECT, SMFIP_NR_CONN, m, d.toBytes(), spec.commandTimeout());
        if (v.kind() == MilterVerdict.Kind.REJECT && state == State.READY) {
            state = State.REJECT_CONNECTION; // every later event of this connection gets the same answer
            failed = v;
        }
        return v;
    }

    MilterVerdict helo(MilterMacros m, String helo) {
        return event(SMFIC_HELO, SMFIP_NOHELO, SMFIP_NR_HELO, m, new MilterConnection.Data().string(helo).toBytes(),
                spec.commandTimeout());
    }

    MilterVerdict mail(MilterMacros m, List<String> args) {
        if (state == State.ACCEPT_MESSAGE) state = State.READY; // a new message
        MilterConnection.Data d = new MilterConnection.Data();
        for (String a : args) d.string(a);
        return event(SMFIC_MAIL, SMFIP_NOMAIL, SMFIP_NR_MAIL, m, d.toBytes(), spec.commandTimeout());
    }

    MilterVerdict rcpt(MilterMacros m, List<String> args) {
        MilterConnection.Data d = new MilterConnection.Data();
        for (String a : args) d.string(a);
        MilterVerdict v = event(SMFIC_RCPT, SMFIP_NORCPT, SMFIP_NR_RCPT, m, d.toBytes(), spec.commandTimeout());
        if (state == State.ACCEPT_MESSAGE) state = State.READY; // "accept" at RCPT accepts this recipient only
        return v;
    }

    MilterVerdict data(MilterMacros m) {
        return event(SMFIC_DATA, SMFIP_NODATA, SMFIP_NR_DATA, m, new byte[0], spec.commandTimeout());
    }

    /** The current message is given up (RSET, a refused message): the filter forgets it. */
    void abort() {
        if (state == State.ACCEPT_MESSAGE) state = State.READY;
        if (state != State.READY) return;
        try {
            conn.send(SMFIC_ABORT, new byte[0]);
        } catch (IOException e) {
            fail("error writing command", e);
        }
    }

    /** The session ends. */
    void quit() {
        if (conn != null) {
            try {
                conn.send(SMFIC_QUIT, new byte[0]);
            } catch (IOException ignored) {
                // the filter is gone already
            }
            conn.close();
        }
        conn = null;
        if (state != State.FAILED) state = State.CLOSED;
    }

    // --- the end of the message

    /** Sends the message's headers, body and end; applies the filter's changes to {@code msg}. */
    MilterVerdict message(MilterMacros m, MilterMessage msg) {
        if (state == State.NEW && !open()) return failed;
        if (state == State.FAILED || state == State.REJECT_CONNECTION) return failed;
        if (state != State.READY) {
            if (state == State.ACCEPT_MESSAGE) state = State.READY;
            return MilterVerdict.CONTINUE;
        }
        try {
            MilterVerdict v = content(m, msg);
            if (state == State.ACCEPT_MESSAGE) state = State.READY;
            return v;
        } catch (IOException e) {
            return fail("can't read SMFIC_BODYEOB reply packet header", e);
        }
    }

    private MilterVerdict content(MilterMacros m, MilterMessage msg) throws IOException {
        Duration t = spec.contentTimeout();
        skipBody = false;
        if ((protocol & SMFIP_NOHDRS) == 0) {
            for (String h : List.copyOf(msg.headers())) {
                MilterVerdict v = event(SMFIC_HEADER, 0, SMFIP_NR_HDR, null, header(h), t);
                if (!v.proceeds() || state != State.READY) return v;
            }
        }
        MilterVerdict v = event(SMFIC_EOH, SMFIP_NOEOH, SMFIP_NR_EOH, m, new byte[0], t);
        if (!v.proceeds() || state != State.READY) return v;
        if ((protocol & SMFIP_NOBODY) == 0) {
            try (InputStream in = msg.body().open()) {
                byte[] chunk = new byte[BODY_CHUNK];
                int n;
                while (!skipBody && (n = in.readNBytes(chunk, 0, chunk.length)) > 0) {
                    v = event(SMFIC_BODY, 0, SMFIP_NR_BODY, null, java.util.Arrays.copyOf(chunk, n), t);
                    if (!v.proceeds() || state != State.READY) return v;
                }
            }
        }
        return endOfMessage(m, msg);
    }

    /** {@code SMFIC_HEADER} data: name NUL value NUL, the value's lines joined by LF. */
    private byte[] header(String h) {
        int colon = h.indexOf(':');
        String name = colon < 0 ? h : h.substring(0, colon).strip();
        String value = colon < 0 ? "" : h.substring(colon + 1).replace("\r\n", "\n");
        if ((protocol & SMFIP_HDR_LEADSPC) == 0) value = value.stripLeading();
        return new MilterConnection.Data().string(name).string(value).toBytes();
    }

    private MilterVerdict endOfMessage(MilterMacros m, MilterMessage msg) throws IOException {
        if (!sendMacros(SMFIC_BODYEOB, m) || !send(SMFIC_BODYEOB, new byte[0])) return failed;
        MilterSpool newBody = null;
        String quarantine = null;
        try {
            while (true) {
                MilterConnection.Packet p;
                try {
                    p = conn.within(spec.contentTimeout(), conn::read);
                } catch (IOException e) {
                    return fail("can't read SMFIC_BODYEOB reply packet header", e);
                }
                Edit edit = new Edit(p.data());
                switch (p.code()) {
                    case SMFIR_PROGRESS -> { } // the filter is still working: wait again
                    case SMFIR_ADDHEADER -> {
                        if (!allowed(SMFIF_ADDHDRS, p)) return failed;
                        msg.addHeader(headerText(edit.string(), edit.string()));
                    }
                    case SMFIR_INSHEADER -> {
                        if (!allowed(SMFIF_ADDHDRS, p)) return failed;
                        int index = edit.int32();
                        msg.insertHeader(index, headerText(edit.string(), edit.string()));
                    }
                    case SMFIR_CHGHEADER -> {
                        if (!allowed(SMFIF_CHGHDRS, p)) return failed;
                        int index = edit.int32();
                        String name = edit.string();
                        String value = edit.string();
                        msg.changeHeader(name, Math.max(index, 1), value.isEmpty() ? null : headerText(name, value));
                    }
                    case SMFIR_ADDRCPT -> {
                        if (!allowed(SMFIF_ADDRCPT, p)) return failed;
                        msg.addRecipient(unbracket(edit.string()), "");
                    }
                    case SMFIR_ADDRCPT_PAR -> {
                        if (!allowed(SMFIF_ADDRCPT_PAR, p)) return failed;
                        String rcpt = edit.string();
                        msg.addRecipient(unbracket(rcpt), edit.more() ? edit.string() : "");
                    }
                    case SMFIR_DELRCPT -> {
                        if (!allowed(SMFIF_DELRCPT, p)) return failed;
                        msg.deleteRecipient(unbracket(edit.string()));
                    }
                    case SMFIR_CHGFROM -> {
                        if (!allowed(SMFIF_CHGFROM, p)) return failed;
                        String from = edit.string();
                        msg.changeSender(unbracket(from), edit.more() ? edit.string() : "");
                    }
                    case SMFIR_REPLBODY -> {
                        if (!allowed(SMFIF_CHGBODY, p)) return failed;
                        if (newBody == null) newBody = new MilterSpool();
                        newBody.write(p.data(), 0, p.data().length);
                    }
                    case SMFIR_QUARANTINE -> {
                        if (!allowed(SMFIF_QUARANTINE, p)) return failed;
                        quarantine = edit.more() ? edit.string() : "";
                    }
                    default -> {
                        MilterVerdict v = finalReply(p, SMFIC_BODYEOB);
                        if (v == null) return failed;
                        if (v.kind() == MilterVerdict.Kind.CONTINUE) {
                            if (newBody != null) {
                                msg.replaceBody(newBody);
                                newBody = null; // the message owns it now
                            }
                            if (quarantine != null) msg.quarantine(quarantine);
                        }
                        return v;
                    }
                }
            }
        } finally {
            if (newBody != null) newBody.close();
        }
    }

    /** {@code Name: value} as cleanup keeps a header, its lines joined by CRLF. */
    private String headerText(String name, String value) {
        String v = value.replace("\r\n", "\n").replace("\n", "\r\n");
        boolean leadingSpace = (protocol & SMFIP_HDR_LEADSPC) != 0;
        return name + ":" + (leadingSpace || v.startsWith(" ") || v.startsWith("\t") ? "" : " ") + v;
    }

    private static String unbracket(String a) {
        String s = a.strip();
        if (s.startsWith("<") && s.endsWith(">")) s = s.substring(1, s.length() - 1);
        return s;
    }

    private boolean allowed(int action, MilterConnection.Packet p) {
        if ((actions & action) != 0) return true;
        log.warn("milter " + spec.name() + ": unexpected filter response " + MilterProtocol.name(p.code(), false)
                + " after event SMFIC_BODYEOB (action not negotiated)");
        fail(null, null);
        return false;
    }

    // --- one event

    /**
     * Sends the stage's macros and the event (unless the filter asked not to see it), and reads the
     * reply (unless the filter said it would not send one). {@code m} null: no macros for this event.
     */
    private MilterVerdict event(byte cmd, int skipFlag, int noReplyFlag, MilterMacros m, byte[] data, Duration timeout) {
        if (state == State.FAILED || state == State.REJECT_CONNECTION) return failed;
        if (state != State.READY) return MilterVerdict.CONTINUE; // accepted, or closed
        if (m != null && !sendMacros(cmd, m)) return failed;
        if (skipFlag != 0 && (protocol & skipFlag) != 0) return MilterVerdict.CONTINUE;
        if (!send(cmd, data)) return failed;
        if ((protocol & noReplyFlag) != 0) return MilterVerdict.CONTINUE;
        while (true) {
            MilterConnection.Packet p;
            try {
                p = conn.within(timeout, conn::read);
            } catch (IOException e) {
                return fail("can't read " + MilterProtocol.name(cmd, true) + " reply packet header", e);
            }
            if (p.code() == SMFIR_PROGRESS) continue;
            if (p.code() == SMFIR_SKIP && cmd == SMFIC_BODY && (protocol & SMFIP_SKIP) != 0) {
                skipBody = true;
                return MilterVerdict.CONTINUE;
            }
            MilterVerdict v = finalReply(p, cmd);
            return v == null ? failed : v;
        }
    }

    /** The verdict of a final reply; null after a protocol error (the default action applies). */
    private MilterVerdict finalReply(MilterConnection.Packet p, byte cmd) {
        switch (p.code()) {
            case SMFIR_CONTINUE -> {
                return MilterVerdict.CONTINUE;
            }
            case SMFIR_ACCEPT -> {
                state = cmd == SMFIC_CONNECT || cmd == SMFIC_HELO ? State.ACCEPT_CONNECTION : State.ACCEPT_MESSAGE;
                return MilterVerdict.CONTINUE;
            }
            case SMFIR_REJECT -> {
                return cmd == SMFIC_CONNECT ? MilterVerdict.reject(new Reply(554, Dsn.NOT_AUTHORIZED, "Command rejected"))
                        : MilterVerdict.REJECTED;
            }
            case SMFIR_TEMPFAIL, SMFIR_CONN_FAIL -> {
                return MilterVerdict.TEMPFAILED;
            }
            case SMFIR_DISCARD -> {
                return MilterVerdict.DISCARD;
            }
            case SMFIR_SHUTDOWN -> {
                return MilterVerdict.SHUTDOWN_421;
            }
            case SMFIR_REPLYCODE -> {
                String text;
                try {
                    text = new Edit(p.data()).string();
                } catch (IOException e) {
                    text = "";
                }
                Reply r = MilterVerdict.parseReply(text);
                if (r == null) {
                    log.warn("milter " + spec.name() + ": malformed reply: " + text);
                    fail(null, null);
                    return null;
                }
                return r.code() == 421 ? new MilterVerdict(MilterVerdict.Kind.SHUTDOWN, r, null) : MilterVerdict.reject(r);
            }
            default -> {
                log.warn("milter " + spec.name() + ": unexpected filter response " + MilterProtocol.name(p.code(), false)
                        + " after event " + MilterProtocol.name(cmd, true));
                fail(null, null);
                return null;
            }
        }
    }

    private boolean sendMacros(byte cmd, MilterMacros m) {
        List<String> names = symlists.getOrDefault(cmd, settings.macros().getOrDefault(cmd, List.of()));
        MilterConnection.Data d = new MilterConnection.Data().octet(cmd);
        boolean any = false;
        for (String n : names) {
            String name = MilterSettings.braced(n);
            String value = m.get(name);
            if (value == null) value = settings.constants().get(name);
            if (value == null) continue;
            d.string(name).string(value);
            any = true;
        }
        if (!any) return true;
        return send(SMFIC_MACRO, d.toBytes());
    }

    private boolean send(byte cmd, byte[] data) {
        try {
            conn.within(spec.commandTimeout(), () -> {
                conn.send(cmd, data);
                return null;
            });
            return true;
        } catch (IOException e) {
            fail("error writing command", e);
            return false;
        }
    }

    // --- connection and negotiation

    private boolean open() {
        try {
            conn = MilterConnection.open(spec.address(), spec.connectTimeout());
        } catch (IOException e) {
            log.warn("connect to Milter service " + spec.name() + ": " + reason(e));
            fail(null, null);
            return false;
        }
        int version = spec.protocol();
        int offeredActions = actionsOffered(version);
        int offeredProtocol = protocolOffered(version);
        try {
            conn.within(spec.connectTimeout(), () -> {
                conn.send(SMFIC_OPTNEG, new MilterConnection.Data().int32(version).int32(offeredActions)
                        .int32(offeredProtocol).toBytes());
                return null;
            });
            MilterConnection.Packet p = conn.within(spec.connectTimeout(), conn::read);
            if (p.code() != SMFIC_OPTNEG) {
                log.warn("milter " + spec.name() + ": unexpected reply \"" + (char) p.code() + "\" in response to SMFIC_OPTNEG");
                fail(null, null);
                return false;
            }
            Edit e = new Edit(p.data());
            int theirVersion = e.int32();
            int theirActions = e.int32();
            int theirProtocol = e.int32();
            if (theirVersion < 2) {
                log.warn("milter " + spec.name() + ": protocol version " + theirVersion + " is not supported");
                configError();
                return false;
            }
            if ((theirActions & ~offeredActions) != 0) {
                log.warn("milter " + spec.name() + ": requested action 0x" + Integer.toHexString(theirActions & ~offeredActions)
                        + " is not supported");
            }
            int unsupported = theirProtocol & ~offeredProtocol & 0x00ffffff;
            if (unsupported != 0) {
                log.warn("milter " + spec.name() + ": requested protocol 0x" + Integer.toHexString(unsupported)
                        + " is not supported");
                configError();
                return false;
            }
            actions = theirActions & offeredActions;
            protocol = theirProtocol & offeredProtocol;
            while (e.more() && (actions & SMFIF_SETSYMLIST) != 0) {
                int stage = e.int32();
                String list = e.string();
                Byte cmd = switch (stage) {
                    case SMFIM_CONNECT -> SMFIC_CONNECT;
                    case SMFIM_HELO -> SMFIC_HELO;
                    case SMFIM_ENVFROM -> SMFIC_MAIL;
                    case SMFIM_ENVRCPT -> SMFIC_RCPT;
                    case SMFIM_DATA -> SMFIC_DATA;
                    case SMFIM_EOM -> SMFIC_BODYEOB;
                    case SMFIM_EOH -> SMFIC_EOH;
                    default -> null;
                };
                if (cmd != null) symlists.put(cmd, List.of(list.strip().split("\\s+")));
            }
        } catch (IOException ex) {
            log.warn("milter " + spec.name() + ": can't read SMFIC_OPTNEG reply packet header: " + reason(ex));
            fail(null, null);
            return false;
        }
        state = State.READY;
        return true;
    }

    /** Closes the connection and applies the default action from now on (Postfix's communication error). */
    private MilterVerdict fail(String what, IOException e) {
        if (what != null && state != State.FAILED) log.warn("milter " + spec.name() + ": " + what + ": " + reason(e));
        if (conn != null) conn.close();
        conn = null;
        state = State.FAILED;
        failed = switch (spec.defaultAction()) {
            case "accept" -> MilterVerdict.CONTINUE;
            case "reject" -> MilterVerdict.UNAVAILABLE;
            case "quarantine" -> MilterVerdict.hold("milter triggers HOLD action");
            default -> MilterVerdict.TEMPFAILED;
        };
        return failed;
    }

    /** A filter that asks for what this side cannot do: a configuration problem, not a broken connection. */
    private void configError() {
        fail(null, null);
        if (failed.kind() == MilterVerdict.Kind.REJECT) failed = MilterVerdict.CONFIG_ERROR;
    }

    static String reason(IOException e) {
        if (e == null) return "";
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** Reads the data of a reply packet: NUL-terminated strings and 32-bit numbers. */
    private static final class Edit {
        private final ByteBuffer b;

        Edit(byte[] data) {
            b = ByteBuffer.wrap(data);
        }

        boolean more() {
            return b.hasRemaining();
        }

        int int32() throws IOException {
            if (b.remaining() < 4) throw new IOException("input packet too short for network long");
            return b.getInt();
        }

        String string() throws IOException {
            int start = b.position();
            while (b.hasRemaining()) {
                if (b.get() == 0) {
                    return new String(b.array(), start, b.position() - start - 1, StandardCharsets.UTF_8);
                }
            }
            throw new IOException("missing string null terminator");
        }
    }

    /** For tests: the negotiated flags. */
    int protocolFlags() {
        return protocol;
    }

    List<String> symlist(byte cmd) {
        return symlists.getOrDefault(cmd, new ArrayList<>());
    }
}
