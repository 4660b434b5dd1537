package mta.smtpd;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import mta.util.TimedInputStream;

/**
 * XsaslDovecot - a client of Dovecot's authentication protocol (version 1.x), as Postfix's xsasl_dovecot_server.
 *
 * <p>Talks to Dovecot's {@code auth} service over a UNIX-domain socket, or TCP for
 * {@code inet:host:port}. {@link #connect} sends {@code VERSION 1 1} and {@code CPID}, and reads
 * the server's handshake up to {@code DONE}, keeping the {@code MECH} lines: each mechanism with
 * its properties ({@code plaintext}, {@code anonymous}, ...). {@link #start} sends one
 * {@code AUTH} request (service, {@code nologin}, local and remote IP, {@code secured} under TLS,
 * the initial response); {@link #next} sends a {@code CONT}. Each answer is a {@link Step}:
 * a challenge to relay in a 334 reply, success with the login name, or failure with Dovecot's
 * reason. One connection serves one SMTP session; requests on it run one at a time. Every answer
 * must arrive within the timeout given to {@link #connect} ({@code ipc_timeout}).
 * The client's responses pass through base64-encoded, as the client sent them: this class never
 * decodes or logs them.
 */
final class XsaslDovecot implements XsaslServer {

    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;
    private final List<Mechanism> mechanisms;
    private int lastId;

    private XsaslDovecot(SocketChannel channel, List<Mechanism> mechanisms, BufferedReader in, OutputStream out) {
        this.channel = channel;
        this.mechanisms = mechanisms;
        this.in = in;
        this.out = out;
    }

    /** The socket address of {@code endpoint}: {@code inet:host:port}, or a UNIX-domain socket path. */
    static SocketAddress address(String endpoint) {
        if (endpoint.startsWith("inet:")) {
            String hp = endpoint.substring(5);
            int colon = hp.lastIndexOf(':');
            if (colon < 0) throw new IllegalArgumentException("missing port in " + endpoint);
            String host = hp.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            return new InetSocketAddress(host, Integer.parseInt(hp.substring(colon + 1)));
        }
        return UnixDomainSocketAddress.of(Path.of(endpoint.startsWith("unix:") ? endpoint.substring(5) : endpoint));
    }

    /** Connects to Dovecot at {@code address} and reads its handshake. */
    static XsaslDovecot connect(SocketAddress address, java.time.Duration timeout) throws IOException {
        SocketChannel ch = SocketChannel.open(address);
        try {
            // Every answer must come within the timeout (ipc_timeout): a read then fails with SocketTimeoutException.
            TimedInputStream timed = new TimedInputStream(Channels.newInputStream(ch));
            timed.setTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            BufferedReader in = new BufferedReader(new InputStreamReader(timed, StandardCharsets.UTF_8));
            OutputStream out = Channels.newOutputStream(ch);
            out.write(("VERSION\t1\t1\nCPID\t" + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            List<Mechanism> mechs = new ArrayList<>();
            while (true) {
                String line = in.readLine();
                if (line == null) throw new IOException("Connection lost to authentication server");
                String[] f = line.split("\t", -1);
                switch (f[0]) {
                    case "VERSION" -> {
                        if (f.length < 2 || !f[1].equals("1")) {
                            throw new IOException("SASL: Protocol version mismatch (" + (f.length > 1 ? f[1] : "?") + " vs. 1)");
                        }
                    }
                    case "MECH" -> {
                        if (f.length < 2) continue;
                        Set<String> props = new java.util.HashSet<>();
                        for (int i = 2; i < f.length; i++) props.add(f[i].toLowerCase(Locale.ROOT));
                        mechs.add(new Mechanism(f[1].toUpperCase(Locale.ROOT), Set.copyOf(props)));
                    }
                    case "DONE" -> {
                        return new XsaslDovecot(ch, List.copyOf(mechs), in, out);
                    }
                    default -> {
                        // SPID, CUID, COOKIE: nothing we need
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The mechanisms Dovecot announced, in its order. */
    @Override
    public List<Mechanism> mechanisms() {
        return mechanisms;
    }

    /**
     * Starts an authentication.
     *
     * @param mechanism       the mechanism name as the client gave it
     * @param initialResponse the base64 initial response, "" for an empty one ({@code =}), or null for none
     * @param service         smtpd_sasl_service
     * @param localIp         our address on the connection, or null
     * @param remoteIp        the client's address
     * @param secured         true under TLS
     */
    @Override
    public Step start(String mechanism, String initialResponse, String service, String localIp, String remoteIp,
                      boolean secured) throws IOException {
        lastId++;
        StringBuilder sb = new StringBuilder("AUTH\t").append(lastId).append('\t').append(mechanism)
                .append("\tservice=").append(service).append("\tnologin");
        if (localIp != null) sb.append("\tlip=").append(localIp);
        if (remoteIp != null) sb.append("\trip=").append(remoteIp);
        if (secured) sb.append("\tsecured");
        if (initialResponse != null) sb.append("\tresp=").append(initialResponse);
        return send(sb.append('\n').toString());
    }

    /** Sends the client's answer (base64) to the last challenge. */
    @Override
    public Step next(String response) throws IOException {
        return send("CONT\t" + lastId + "\t" + response + "\n");
    }

    private Step send(String request) throws IOException {
        out.write(request.getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (true) {
            String line = in.readLine();
            if (line == null) throw new IOException("Connection lost to authentication server");
            String[] f = line.split("\t", -1);
            if (f.length < 2 || !f[1].equals(Integer.toString(lastId))) continue; // not ours (or a notice)
            switch (f[0]) {
                case "CONT" -> {
                    return new Step(Kind.CONTINUE, f.length > 2 ? f[2] : "", null);
                }
                case "OK" -> {
                    String user = field(f, "user=");
                    if (user == null) throw new IOException("missing Dovecot server OK username field");
                    return new Step(Kind.OK, null, user);
                }
                case "FAIL" -> {
                    boolean temp = false;
                    for (int i = 2; i < f.length; i++) if (f[i].equals("temp")) temp = true;
                    return new Step(temp ? Kind.TEMPORARY : Kind.FAIL, field(f, "reason="), field(f, "user="));
                }
                default -> throw new IOException("SASL: Protocol error");
            }
        }
    }

    private static String field(String[] f, String name) {
        for (int i = 2; i < f.length; i++) if (f[i].startsWith(name)) return f[i].substring(name.length());
        return null;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
