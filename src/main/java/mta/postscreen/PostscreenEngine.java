package mta.postscreen;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;
import mta.mail.Reply;
import mta.util.LineReader;

/**
 * PostscreenEngine - postscreen's own small SMTP engine: the deep protocol tests, and the refusals of ENFORCE.
 *
 * <p>Reads command lines from the client and writes replies; it never accepts mail. It runs when
 * a test after the 220 greeting is due (pipelining, non-SMTP command, bare newline) or when a
 * test failed with the ENFORCE action. HELO, EHLO (without PIPELINING, STARTTLS or AUTH), MAIL,
 * RSET, NOOP and QUIT are answered as a server would; every RCPT gets the failed test's 550
 * reply, or, once the deep tests are passed, {@link Reply#SCREEN_COME_BACK} (450): the
 * client is on the temporary allow list now and must come back on a new connection to talk to
 * smtpd. Each refusal is logged as {@code NOQUEUE: reject: RCPT from [ip]:port: REPLY; from=<>,
 * to=<>, proto=ESMTP, helo=<>}. Logs {@code COMMAND PIPELINING}, {@code NON-SMTP COMMAND},
 * {@code BARE NEWLINE}, the limit lines, {@code HANGUP} and {@code DISCONNECT} in Postfix's words.
 * The test results go back to {@link PostscreenSession} through {@link Tests}.
 */
final class PostscreenEngine {
    /** A line with the shape of a message header ("Subject: ..."): content sent after ignored refusals. */
    private static final Pattern HEADER = Pattern.compile("^[!-9;-~]+:");

    /** What the engine reports back: the deep tests' outcome, and the reply a failure put in place. */
    interface Tests {
        /** True while a deep test is due (enabled and not passed). */
        boolean due(PostscreenCache.Test t);

        /** The client failed {@code t}; returns false when the connection must end (DROP). */
        boolean failed(PostscreenCache.Test t, Reply enforceReply) throws IOException;

        /** The client reached RCPT: the deep tests that are still due are passed now. */
        void passed();

        /** The 550 reply of a failed test, or null. */
        Reply failReply();

        void log(String text);

        /** Seconds since the given start, as {@code 0.05}. */
        String elapsed(long startNanos);
    }

    private final PostscreenSettings s;
    private final String label;
    private final LineReader in;
    private final InputStream raw;
    private final OutputStream out;
    private final Tests tests;
    private String helo = "";
    private String proto = "SMTP";
    private String sender;
    private String after = "CONNECT";
    private int commands;
    private boolean loggedPipelining;
    private boolean loggedNonSmtp;
    private boolean loggedBareNewline;

    PostscreenEngine(PostscreenSettings s, String label, InputStream in, OutputStream out, Tests tests) {
        this.s = s;
        this.label = label;
        this.raw = in;
        this.in = new LineReader(in);
        this.out = out;
        this.tests = tests;
    }

    /** Runs the conversation until the client leaves or the engine ends it. */
    void run(java.net.Socket socket) throws IOException {
        long start = System.nanoTime();
        reply(Reply.greeting(s.smtpdBanner));
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, s.commandTimeLimit.toMillis()));
        try {
            while (true) {
                if (!in.next(s.lineLengthLimit)) {
                    tests.log("HANGUP after " + tests.elapsed(start) + " from " + label + " in tests after SMTP handshake");
                    break;
                }
                if (!command(start)) break;
            }
        } catch (SocketTimeoutException e) {
            tests.log("COMMAND TIME LIMIT from " + label + " after " + after);
            quietly(Reply.TIMEOUT.withHost(s.myhostname));
        } catch (IOException e) {
            tests.log("HANGUP after " + tests.elapsed(start) + " from " + label + " in tests after SMTP handshake");
        }
        tests.log("DISCONNECT " + label);
    }

    /** One command line; false when the session ends. */
    private boolean command(long start) throws IOException {
        if (in.end() == LineReader.End.TOO_LONG) {
            tests.log("COMMAND LENGTH LIMIT from " + label + " after " + after);
            quietly(Reply.SCREEN_COMMAND_TOO_LONG.withHost(s.myhostname));
            return false;
        }
        String line = new String(in.bytes(), 0, in.length(), StandardCharsets.ISO_8859_1);
        if (++commands > s.commandCountLimit) {
            tests.log("COMMAND COUNT LIMIT from " + label + " after " + after);
            quietly(Reply.SCREEN_TOO_MANY_COMMANDS.withHost(s.myhostname));
            return false;
        }
        if (in.end() == LineReader.End.BARE_LF && !loggedBareNewline) {
            loggedBareNewline = true;
            tests.log("BARE NEWLINE from " + label + " after " + after);
            if (tests.due(PostscreenCache.Test.BARE_NEWLINE)
                    && !tests.failed(PostscreenCache.Test.BARE_NEWLINE, Reply.SCREEN_PROTOCOL_ERROR)) return false;
        }
        String text = line.strip();
        int sp = text.indexOf(' ');
        String verb = (sp < 0 ? text : text.substring(0, sp)).toUpperCase(Locale.ROOT);
        String arg = sp < 0 ? "" : text.substring(sp + 1).strip();
        if (!loggedNonSmtp && (s.forbiddenCommands.contains(verb) || (HEADER.matcher(text).find()
                && !verb.equals("MAIL") && !verb.equals("RCPT")))) {
            loggedNonSmtp = true;
            tests.log("NON-SMTP COMMAND from " + label + " after " + after + ": " + printable(text));
            if (tests.due(PostscreenCache.Test.NON_SMTP_COMMAND)
                    && !tests.failed(PostscreenCache.Test.NON_SMTP_COMMAND, Reply.SCREEN_PROTOCOL_ERROR)) return false;
        }
        if (!loggedPipelining && (in.hasBufferedInput() || raw.available() > 0)) {
            loggedPipelining = true;
            byte[] rest = in.pollInput() ? in.peekBuffered(100) : new byte[0];
            tests.log("COMMAND PIPELINING from " + label + " after " + verbName(verb) + ": "
                    + PostscreenSession.escape(rest, rest.length));
            if (tests.due(PostscreenCache.Test.PIPELINING)
                    && !tests.failed(PostscreenCache.Test.PIPELINING, Reply.SCREEN_PROTOCOL_ERROR)) return false;
        }
        after = verbName(verb);
        switch (verb) {
            case "HELO", "EHLO" -> {
                if (arg.isEmpty()) {
                    reply(Reply.heloSyntax(verb));
                    return true;
                }
                helo = arg;
                proto = verb.equals("EHLO") ? "ESMTP" : "SMTP";
                sender = null;
                if (verb.equals("HELO")) reply(Reply.heloOk(s.myhostname));
                else reply(ehlo());
            }
            case "MAIL" -> {
                if (s.heloRequired && helo.isEmpty()) reply(Reply.BAD_SEQUENCE_HELO);
                else if (sender != null) reply(Reply.NESTED_MAIL);
                else {
                    sender = address(arg, "FROM:");
                    reply(Reply.OK_MAIL);
                }
            }
            case "RCPT" -> {
                if (sender == null) {
                    reply(Reply.NEED_MAIL);
                    return true;
                }
                tests.passed();
                Reply r = tests.failReply() != null ? tests.failReply() : Reply.SCREEN_COME_BACK;
                tests.log("NOQUEUE: reject: RCPT from " + label + ": " + r + "; from=<" + sender + ">, to=<"
                        + address(arg, "TO:") + ">, proto=" + proto + ", helo=<" + helo + ">");
                reply(r);
            }
            case "DATA", "BDAT" -> reply(sender == null ? Reply.NEED_RCPT : Reply.NO_VALID_RECIPIENTS);
            case "RSET" -> {
                sender = null;
                reply(Reply.OK);
            }
            case "NOOP" -> reply(Reply.OK);
            case "VRFY" -> reply(s.disableVrfy ? Reply.VRFY_DISABLED
                    : tests.failReply() != null ? tests.failReply() : Reply.SCREEN_COME_BACK);
            case "QUIT" -> {
                reply(Reply.BYE);
                return false;
            }
            default -> reply(Reply.SCREEN_NOT_RECOGNIZED);
        }
        return true;
    }

    private String ehlo() {
        StringBuilder sb = new StringBuilder("250-").append(s.myhostname);
        for (String k : new String[] {"SIZE" + (s.messageSizeLimit > 0 ? " " + s.messageSizeLimit : ""), "VRFY", "ETRN",
                "ENHANCEDSTATUSCODES", "8BITMIME", "DSN", "SMTPUTF8", "CHUNKING"}) {
            String word = k.split(" ")[0];
            if (s.discardEhloKeywords.contains(word) || (word.equals("VRFY") && s.disableVrfy)) continue;
            sb.append("\r\n250-").append(k);
        }
        int last = sb.lastIndexOf("\r\n250-");
        if (last >= 0) sb.replace(last, last + 6, "\r\n250 ");
        else sb.replace(0, 4, "250 ");
        return sb.toString();
    }

    /** The address of {@code FROM:<a>} or {@code TO:<a>}, without the brackets; as given when malformed. */
    private static String address(String arg, String prefix) {
        String a = arg;
        if (a.regionMatches(true, 0, prefix, 0, prefix.length())) a = a.substring(prefix.length()).strip();
        int lt = a.indexOf('<');
        int gt = a.indexOf('>', lt + 1);
        if (lt >= 0 && gt > lt) return a.substring(lt + 1, gt);
        int sp = a.indexOf(' ');
        return sp < 0 ? a : a.substring(0, sp);
    }

    private static String verbName(String verb) {
        return verb.isEmpty() ? "UNKNOWN" : verb.length() > 20 ? verb.substring(0, 20) : verb;
    }

    private static String printable(String text) {
        String t = text.length() > 100 ? text.substring(0, 100) : text;
        StringBuilder sb = new StringBuilder();
        for (char c : t.toCharArray()) sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        return sb.toString();
    }

    void reply(Reply r) throws IOException {
        reply(r.toString());
    }

    /** A reply as it goes on the wire, CRLF added: the multi-line EHLO answer is built as text. */
    void reply(String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private void quietly(Reply text) {
        try {
            reply(text);
        } catch (IOException ignored) {
            // the client is gone
        }
    }
}
