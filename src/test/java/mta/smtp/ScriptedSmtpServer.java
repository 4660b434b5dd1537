package mta.smtp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * ScriptedSmtpServer - an SMTP server for tests that answers from a script.
 *
 * <p>Reads commands from its clients and records them ({@link #commands()}), and the raw content
 * lines between DATA and the final dot, still dot-stuffed ({@link #dataLines()}). Writes the
 * scripted replies: sensible defaults (250 for MAIL and RCPT, 354 for DATA, 221 for QUIT), unless
 * {@link #on} gives another reply for commands starting with some text, for example
 * {@code on("RCPT TO:<bad@", "550 5.1.1 <bad@example.test>: Recipient address rejected")}. A reply
 * may span lines separated by {@code "\n"}. Listens on a loopback address, one connection at a time,
 * and counts them ({@link #connections()}). With {@link #startTls} it offers STARTTLS and records
 * which commands arrived inside TLS ({@link #tlsCommands()}); with {@link #hangUpAfterMessages}
 * it drops a connection silently after that many messages (a cached connection that died).
 */
public final class ScriptedSmtpServer implements AutoCloseable {
    private final ServerSocket listener;
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<String> dataLines = new CopyOnWriteArrayList<>();
    /** Commands the client followed with more input before this server replied (pipelined). */
    private final List<String> followedAtOnce = new CopyOnWriteArrayList<>();
    private volatile String greeting = "220 scripted.test ESMTP";
    private volatile String ehlo = "250-scripted.test\n250-PIPELINING\n250-SIZE 10240000\n250 8BITMIME";
    private volatile String finalReply = "250 2.0.0 Ok: queued as SCRIPT1";
    private volatile boolean closed;
    private final List<String> tlsCommands = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
    private volatile javax.net.ssl.SSLContext tls;
    private volatile int hangUpAfter;

    private ScriptedSmtpServer(ServerSocket listener) {
        this.listener = listener;
        Thread.ofPlatform().daemon().name("scripted-smtp").start(this::serve);
    }

    /** A server on 127.0.0.1 and a free port. */
    public static ScriptedSmtpServer start() throws IOException {
        return start("127.0.0.1", 0);
    }

    public static ScriptedSmtpServer start(String address, int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getByName(address), port));
        return new ScriptedSmtpServer(s);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** {@code [127.0.0.1]:port}: the next-hop that reaches this server. */
    public String nexthop() {
        return "[" + listener.getInetAddress().getHostAddress() + "]:" + port();
    }

    /** The greeting, or null to say nothing at all (a server that hangs). */
    public ScriptedSmtpServer greeting(String reply) {
        greeting = reply;
        return this;
    }

    /** The whole EHLO reply, lines separated by "\n". */
    public ScriptedSmtpServer ehlo(String reply) {
        ehlo = reply;
        return this;
    }

    /** The reply to the final dot. */
    public ScriptedSmtpServer finalReply(String reply) {
        finalReply = reply;
        return this;
    }

    /** Answers {@code reply} to commands that start with {@code prefix} (case-insensitive). */
    public ScriptedSmtpServer on(String prefix, String reply) {
        overrides.put(prefix.toUpperCase(Locale.ROOT), reply);
        return this;
    }

    /** Offers STARTTLS and performs the server side of the handshake with {@code context}. */
    public ScriptedSmtpServer startTls(javax.net.ssl.SSLContext context) {
        tls = context;
        return this;
    }

    /** Closes each connection without a word once {@code n} messages went over it and the next command arrives. */
    public ScriptedSmtpServer hangUpAfterMessages(int n) {
        hangUpAfter = n;
        return this;
    }

    /** How many connections were accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** The commands received inside TLS. */
    public List<String> tlsCommands() {
        return List.copyOf(tlsCommands);
    }

    public List<String> commands() {
        return List.copyOf(commands);
    }

    /**
     * The commands that more input followed before this server had replied to them: a client
     * that pipelines sends them in one write with the next ones.
     */
    public List<String> followedAtOnce() {
        return List.copyOf(followedAtOnce);
    }

    public List<String> dataLines() {
        return List.copyOf(dataLines);
    }

    private void serve() {
        while (!closed) {
            try (Socket s = listener.accept()) {
                connections.incrementAndGet();
                s.setSoTimeout(10_000);
                converse(s);
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private void converse(Socket s) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = s.getOutputStream();
        boolean inTls = false;
        int messages = 0;
        if (greeting == null) {
            while (in.readLine() != null) {
                // a server that never speaks: wait for the client to give up
            }
            return;
        }
        reply(out, greeting);
        if (!greeting.startsWith("2")) {
            String line = in.readLine();
            if (line != null) commands.add(line);
            reply(out, "221 2.0.0 Bye");
            return;
        }
        String line;
        while ((line = in.readLine()) != null) {
            if (hangUpAfter > 0 && messages >= hangUpAfter) return; // the socket closes, no reply
            commands.add(line);
            if (in.ready()) followedAtOnce.add(line);
            if (inTls) tlsCommands.add(line);
            if (line.equalsIgnoreCase("STARTTLS") && tls != null && !inTls && !overridden(line)) {
                reply(out, "220 2.0.0 Ready to start TLS");
                javax.net.ssl.SSLSocket t = (javax.net.ssl.SSLSocket) tls.getSocketFactory()
                        .createSocket(s, "localhost", s.getPort(), false);
                t.setUseClientMode(false);
                t.startHandshake();
                in = new BufferedReader(new InputStreamReader(t.getInputStream(), StandardCharsets.UTF_8));
                out = t.getOutputStream();
                inTls = true;
                continue;
            }
            String reply = replyTo(line);
            if (line.toUpperCase(Locale.ROOT).startsWith("EHLO") && tls != null && !inTls) {
                reply = reply.replaceFirst("\n", "\n250-STARTTLS\n");
            }
            reply(out, reply);
            if (line.equalsIgnoreCase("QUIT")) return;
            if (line.equalsIgnoreCase("DATA") && reply.startsWith("354")) {
                String data;
                while ((data = in.readLine()) != null && !data.equals(".")) dataLines.add(data);
                reply(out, finalReply);
                messages++;
            }
        }
    }

    private boolean overridden(String line) {
        String upper = line.toUpperCase(Locale.ROOT);
        return overrides.keySet().stream().anyMatch(upper::startsWith);
    }

    private String replyTo(String line) {
        String upper = line.toUpperCase(Locale.ROOT);
        for (Map.Entry<String, String> e : new ArrayList<>(overrides.entrySet())) {
            if (upper.startsWith(e.getKey())) return e.getValue();
        }
        String verb = upper.split(" ", 2)[0];
        return switch (verb) {
            case "EHLO" -> ehlo;
            case "HELO" -> "250 scripted.test";
            case "MAIL" -> "250 2.1.0 Ok";
            case "RCPT" -> "250 2.1.5 Ok";
            case "DATA" -> "354 End data with <CR><LF>.<CR><LF>";
            case "RSET", "NOOP" -> "250 2.0.0 Ok";
            case "QUIT" -> "221 2.0.0 Bye";
            default -> "502 5.5.2 Error: command not recognized";
        };
    }

    /** Writes a reply; "\n" separates lines, each sent with CRLF. */
    private static void reply(OutputStream out, String reply) throws IOException {
        out.write((reply.replace("\n", "\r\n") + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // a test's listening socket
        }
    }
}
