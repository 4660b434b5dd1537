package mta.smtpd;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mta.cleanup.CleanupService;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.Params;
import mta.mail.Address;
import mta.mail.Dsn;
import mta.mail.Reply;
import mta.util.MailLog;
import mta.util.TimedInputStream;

/**
 * SmtpdProxy - the before-queue content filter of {@code smtpd_proxy_filter}: the client's MAIL,
 * RCPT and DATA go on to another SMTP server, whose replies the client gets.
 *
 * <p>Reads {@code smtpd_proxy_filter} ({@code host:port}, {@code inet:host:port} or
 * {@code unix:pathname}, relative to {@code queue_directory}), {@code smtpd_proxy_timeout},
 * {@code smtpd_proxy_ehlo} and {@code smtpd_proxy_options}; writes to the filter's connection,
 * and warnings to the mail log. It stands where the queue file would
 * ({@link CleanupService.Transaction}): nothing of a proxied message is queued here; the filter
 * passes it on (usually to a second smtpd, which queues it).
 *
 * <p>Without {@code speed_adjust} the filter is connected at the first recipient that passes our
 * checks: its greeting, our EHLO, XFORWARD with the client's facts (when the filter offers it),
 * the client's MAIL FROM command as it was sent, then each RCPT TO as sent, DATA, the content
 * (dot-stuffed, with our Received: header) and the final dot; every reply of the filter is the
 * client's reply. With {@code speed_adjust} our own checks decide MAIL and RCPT, the content is
 * received in full into a temporary file, and the whole conversation is replayed at its end, so a
 * slow client does not hold a filter process; the filter's replies must then be the same for all
 * recipients. A filter that cannot be reached, times out, hangs up or answers out of protocol
 * gives {@code 451 4.3.0 Error: queue file write error}, never an acceptance. One connection per
 * message; QUIT ends it.
 */
final class SmtpdProxy implements CleanupService.Transaction {
    /** What the client gets when the filter cannot be talked to (Postfix's CLEANUP_STAT_PROXY). */
    static final Reply UNAVAILABLE = Reply.QUEUE_FILE_ERROR;

    /** The listener's proxy settings; null (from {@link #from}) when there is no filter. */
    record Settings(String service, SocketAddress address, Duration timeout, String ehlo, boolean speedAdjust) {}

    /**
     * The settings of {@code c}, or null when {@code smtpd_proxy_filter} is empty.
     *
     * @throws ConfigException for a malformed endpoint or an unknown option
     */
    static Settings from(Config c) {
        String service = c.str(Params.SMTPD_PROXY_FILTER).strip();
        if (service.isEmpty()) return null;
        boolean speedAdjust = false;
        String options = c.str(Params.SMTPD_PROXY_OPTIONS);
        for (String o : Config.splitList(options)) {
            if (!o.equalsIgnoreCase("speed_adjust")) {
                throw new ConfigException("unknown " + Params.SMTPD_PROXY_OPTIONS.name() + " value \"" + o + "\" in \""
                        + options + "\"");
            }
            speedAdjust = true;
        }
        return new Settings(service, address(service, c), c.time(Params.SMTPD_PROXY_TIMEOUT),
                c.str(Params.SMTPD_PROXY_EHLO).strip(), speedAdjust);
    }

    /** {@code unix:path}, {@code inet:host:port} or {@code host:port}; an IPv6 host in brackets. */
    private static SocketAddress address(String service, Config c) {
        if (service.regionMatches(true, 0, "unix:", 0, 5)) {
            Path p = Path.of(service.substring(5));
            return UnixDomainSocketAddress.of(p.isAbsolute() ? p : c.path(Params.QUEUE_DIRECTORY).resolve(p));
        }
        String endpoint = service.regionMatches(true, 0, "inet:", 0, 5) ? service.substring(5) : service;
        int colon = endpoint.lastIndexOf(':');
        String host = colon < 0 ? "localhost" : endpoint.substring(0, colon);
        String port = colon < 0 ? endpoint : endpoint.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        if (host.isEmpty()) host = "localhost";
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) == 0 || Integer.parseInt(port) > 65535) {
            throw new ConfigException(Params.SMTPD_PROXY_FILTER.name() + " = " + service + ": need host:port");
        }
        return InetSocketAddress.createUnresolved(host, Integer.parseInt(port));
    }

    private final Settings settings;
    private final SmtpdState state;
    private final MailLog.Channel log;
    private String mailCommand;
    private final List<String> rcptCommands = new ArrayList<>();
    /** Set once the filter failed or refused for good: every later step answers with it. */
    private Reply failure;
    private Socket socket;
    private SocketChannel channel;
    private InputStream in;
    private OutputStream out;
    /** speed_adjust: the dot-stuffed content, received before the filter is asked. */
    private Path spool;
    private OutputStream spoolOut;
    private boolean atLineStart = true;
    private boolean quitSent;

    SmtpdProxy(Settings settings, SmtpdState state, MailLog.Channel log) {
        this.settings = settings;
        this.state = state;
        this.log = log;
    }

    // ------------------------------------------------------------------ the conversation

    /**
     * Starts the message with the client's MAIL FROM command ({@code MAIL FROM:<a> SIZE=...});
     * null when the filter took it (or, with speed_adjust, will be asked later), else the
     * client's reply.
     */
    Reply mail(String command) throws IOException {
        mailCommand = command;
        if (settings.speedAdjust()) {
            spool = Files.createTempFile("smtpd-proxy", ".tmp");
            spoolOut = new BufferedOutputStream(Files.newOutputStream(spool));
            return null;
        }
        return connect();
    }

    /** One RCPT TO command as the client sent it: null when the filter accepted it, else the client's reply. */
    Reply rcpt(String command) {
        if (settings.speedAdjust()) {
            rcptCommands.add(command);
            return null;
        }
        return command(command, '2');
    }

    /** DATA: null when the filter is ready for the content (354), else the client's reply. */
    Reply data() {
        return settings.speedAdjust() ? null : command("DATA", '3');
    }

    /**
     * The end of the content: the filter's reply to the final dot, which is the client's; its
     * verdict about the message. With speed_adjust the whole conversation happens now.
     */
    Reply endOfData() {
        try {
            if (settings.speedAdjust()) {
                spoolOut.close();
                spoolOut = null;
                Reply r = connect();
                for (String rcpt : rcptCommands) if (r == null) r = command(rcpt, '2');
                if (r == null) r = command("DATA", '3');
                if (r != null) return r;
                try (InputStream content = Files.newInputStream(spool)) {
                    content.transferTo(out);
                }
            } else if (failure != null) {
                return failure;
            } else if (!atLineStart) {
                out.write(CRLF);
            }
            return command(".", '\0');
        } catch (IOException e) {
            return lost(e);
        } finally {
            quit();
        }
    }

    /** Connects, reads the greeting, says EHLO, sends XFORWARD when offered, then MAIL FROM. */
    private Reply connect() {
        try {
            SocketAddress target = settings.address();
            int millis = (int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis());
            if (target instanceof UnixDomainSocketAddress) {
                channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                channel.connect(target);
                TimedInputStream timed = new TimedInputStream(Channels.newInputStream(channel));
                timed.setTimeout(millis);
                in = timed;
                out = new BufferedOutputStream(Channels.newOutputStream(channel));
            } else {
                InetSocketAddress isa = (InetSocketAddress) target;
                socket = new Socket();
                socket.connect(new InetSocketAddress(isa.getHostString(), isa.getPort()), millis);
                socket.setSoTimeout(millis);
                in = socket.getInputStream();
                out = new BufferedOutputStream(socket.getOutputStream());
            }
        } catch (IOException e) {
            log.warn("connect to proxy filter " + settings.service() + ": " + reason(e));
            return fail(UNAVAILABLE);
        }
        // Trouble before MAIL FROM is ours, not the client's: a generic reply, not the filter's.
        if (command(null, '2') != null || command("EHLO " + settings.ehlo(), '2') != null) return unavailable();
        List<String> xforward = xforwardAttributes(lastReply);
        if (!xforward.isEmpty() && command("XFORWARD " + String.join(" ", xforward), '2') != null) return unavailable();
        return command(mailCommand, '2');
    }

    private Reply unavailable() {
        failure = UNAVAILABLE;
        close(false);
        return failure;
    }

    private List<String> lastReply = List.of();

    /**
     * Sends {@code command} (null: none, read the greeting) and reads the reply; null when its
     * first digit is {@code expect} ('\0': any reply is the answer, returned as it is), else the
     * reply for the client (the filter's refusal, or {@link #UNAVAILABLE} for a reply out of
     * protocol or a connection that failed), logged.
     */
    private Reply command(String command, char expect) {
        if (failure != null) return failure;
        try {
            if (command != null) {
                out.write(command.getBytes(StandardCharsets.UTF_8));
                out.write(CRLF);
                out.flush();
            }
            lastReply = readReply();
        } catch (IOException e) {
            return lost(e);
        }
        String last = lastReply.get(lastReply.size() - 1);
        Reply reply = parse(last);
        if (reply == null) {
            log.warn("proxy " + settings.service() + " sent a malformed reply to \"" + what(command) + "\": \"" + last + "\"");
            return fail(UNAVAILABLE);
        }
        if (expect == '\0' && last.charAt(0) != '3') return reply; // the filter's verdict, as it is
        if (last.charAt(0) == expect) return null;
        log.warn("proxy " + settings.service() + " rejected \"" + what(command) + "\": \"" + last + "\"");
        // an unexpected success (a 354 to RCPT, a 250 to DATA) is no answer for the client
        return fail(last.charAt(0) == '4' || last.charAt(0) == '5' ? reply : UNAVAILABLE);
    }

    /** The reply lines, without CRLF: up to the line whose fourth character is not '-'. */
    private List<String> readReply() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine();
            if (line == null) throw new IOException("lost connection");
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-' || lines.size() > 100) return lines;
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') break;
            if (b.size() < 4096) b.write(c);
        }
        if (c < 0 && b.size() == 0) return null;
        String s = b.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** {@code 250 2.0.0 Ok: queued as X} as a reply; null when it is no SMTP reply line. */
    static Reply parse(String line) {
        if (line.length() < 3 || !line.substring(0, 3).chars().allMatch(Character::isDigit)
                || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
            return null;
        }
        int code = Integer.parseInt(line.substring(0, 3));
        if (code < 200 || code > 599) return null;
        String text = line.length() > 4 ? line.substring(4) : "";
        java.util.regex.Matcher m = DSN.matcher(text);
        if (m.lookingAt() && m.group(1).charAt(0) == line.charAt(0)) {
            return new Reply(code, Dsn.parse(m.group(1)), text.substring(m.end()).stripLeading());
        }
        return new Reply(code, null, text);
    }

    private static final java.util.regex.Pattern DSN = java.util.regex.Pattern.compile("([245]\\.\\d{1,3}\\.\\d{1,3})(?:\\s|$)");
    private static final byte[] CRLF = {'\r', '\n'};

    /** The XFORWARD attributes the filter's EHLO reply asks for, with the client's facts (xtext). */
    private List<String> xforwardAttributes(List<String> ehlo) {
        List<String> wanted = new ArrayList<>();
        for (String l : ehlo) {
            if (l.length() < 4) continue;
            String[] w = l.substring(4).strip().split("\\s+");
            if (w.length > 0 && w[0].equalsIgnoreCase("XFORWARD")) {
                for (int i = 1; i < w.length; i++) wanted.add(w[i].toUpperCase(Locale.ROOT));
            }
        }
        List<String> out = new ArrayList<>();
        SmtpdState.Client c = state.client;
        for (String name : wanted) {
            String value = switch (name) {
                case "NAME" -> c.name;
                case "ADDR" -> c.address instanceof java.net.Inet6Address ? "IPV6:" + c.addressText : c.addressText;
                case "PORT" -> c.port > 0 ? Integer.toString(c.port) : "[UNAVAILABLE]";
                case "PROTO" -> c.protocol;
                case "HELO" -> c.helo != null ? c.helo : "[UNAVAILABLE]";
                case "SOURCE" -> c.inMynetworks ? "LOCAL" : "REMOTE";
                default -> null;
            };
            if (value != null) out.add(name + "=" + xtext(value));
        }
        return out;
    }

    /** RFC 3461 xtext: '+', '=' and characters outside '!'..'~' as +XX. */
    static String xtext(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int ch = x & 0xff;
            if (ch < '!' || ch > '~' || ch == '+' || ch == '=') b.append(String.format("+%02X", ch));
            else b.append((char) ch);
        }
        return b.toString();
    }

    private Reply lost(IOException e) {
        if (failure == null) {
            log.warn((e instanceof SocketTimeoutException ? "timeout talking to proxy " : "lost connection with proxy ")
                    + settings.service() + (e instanceof SocketTimeoutException ? "" : ": " + reason(e)));
        }
        return fail(UNAVAILABLE);
    }

    private Reply fail(Reply r) {
        if (failure == null) failure = r;
        close(false);
        return failure;
    }

    private static String what(String command) {
        return command == null ? "connection request" : command;
    }

    private static String reason(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private void quit() {
        if (out != null && !quitSent && failure == null) {
            quitSent = true;
            try {
                out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                readReply(); // a polite filter answers 221; no matter if it does not
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        close(true);
    }

    private void close(boolean spoolToo) {
        try {
            if (socket != null) socket.close();
            if (channel != null) channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        socket = null;
        channel = null;
        if (spoolToo && spool != null) {
            try {
                if (spoolOut != null) spoolOut.close();
                Files.deleteIfExists(spool);
            } catch (IOException ignored) {
                // a temporary file in the temporary directory
            }
            spool = null;
            spoolOut = null;
        }
    }

    // ------------------------------------------------------------------ CleanupService.Transaction

    @Override
    public String queueId() {
        return "NOQUEUE";
    }

    /** The envelope goes to the filter as the client's commands; nothing to record here. */
    @Override
    public void sender(Address sender, String fullName) {
    }

    @Override
    public void recipient(Address rcpt, String original) {
    }

    @Override
    public void attribute(String name, String value) {
    }

    @Override
    public void arrivalTime(long epochMillis) {
    }

    /** One content line (or a piece of one), dot-stuffed, to the filter or the speed_adjust file. */
    @Override
    public void line(byte[] buf, int len, boolean more) throws IOException {
        OutputStream o = settings.speedAdjust() ? spoolOut : out;
        if (o == null || (failure != null && !settings.speedAdjust())) return; // the filter is gone: the end says so
        try {
            if (atLineStart && len > 0 && buf[0] == '.') o.write('.');
            o.write(buf, 0, len);
            if (!more) o.write(CRLF);
            atLineStart = !more;
        } catch (IOException e) {
            if (settings.speedAdjust()) throw e; // our own disk
            lost(e);
        }
    }

    /** Not used: {@link #endOfData} gives the filter's verdict. */
    @Override
    public String commit() {
        throw new UnsupportedOperationException("a proxied message ends with endOfData()");
    }

    /** The message is not sent: QUIT, close, and remove the speed_adjust file. */
    @Override
    public void abort() {
        quit();
    }
}
