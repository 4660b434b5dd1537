package mta.policy;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import mta.util.ChannelDeadline;

/**
 * PolicyConnection - one open connection to a policy server, used by one SMTP session at a time.
 *
 * <p>Writes a request and reads the reply attributes up to the empty line that ends them. Every
 * step (connecting, writing, reading) must finish within the time limit: a watchdog virtual
 * thread closes the channel when it passes, which ends a blocked read or connect. Replies are
 * bounded ({@value #MAX_LINE} bytes a line, {@value #MAX_REPLY} in all) and must be
 * {@code name=value} lines in UTF-8; anything else is a {@link PolicyException}. Remembers when it
 * was opened and last used and how many requests it carried, for max_idle, max_ttl and
 * request_limit.
 */
final class PolicyConnection implements AutoCloseable {
    static final int MAX_LINE = 16 * 1024;
    static final int MAX_REPLY = 64 * 1024;

    private final SocketChannel channel;
    private final long openedNanos;
    private long lastUsedNanos;
    private int requests;
    private final ByteBuffer in = ByteBuffer.allocate(8192).flip();

    private PolicyConnection(SocketChannel channel) {
        this.channel = channel;
        this.openedNanos = System.nanoTime();
        this.lastUsedNanos = openedNanos;
    }

    /** Connects within {@code timeout}. */
    static PolicyConnection open(PolicyEndpoint endpoint, Duration timeout) throws IOException {
        SocketAddress target = endpoint.target();
        SocketChannel ch = endpoint.open(target);
        try {
            within(timeout, ch, () -> {
                ch.connect(target);
                return null;
            });
            return new PolicyConnection(ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static <T> T within(Duration timeout, SocketChannel ch, ChannelDeadline.Io<T> io) throws IOException {
        return ChannelDeadline.within(timeout, ch, () -> new PolicyException("Connection timed out"), io);
    }

    /**
     * True when the server closed the connection or sent something unasked while it was idle: the
     * connection cannot carry a request (Postfix checks the same before each request).
     */
    boolean stale() {
        if (!channel.isOpen() || in.hasRemaining()) return true;
        try {
            channel.configureBlocking(false);
            ByteBuffer one = ByteBuffer.allocate(1);
            int n = channel.read(one);
            channel.configureBlocking(true);
            return n != 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** How long ago the connection was last used, and how old it is. */
    Duration idle(long nowNanos) {
        return Duration.ofNanos(nowNanos - lastUsedNanos);
    }

    Duration age(long nowNanos) {
        return Duration.ofNanos(nowNanos - openedNanos);
    }

    int requests() {
        return requests;
    }

    /**
     * Sends {@code request} and reads the reply attributes, all within {@code timeout}.
     *
     * @throws PolicyException for a timeout, a lost connection or a malformed reply
     */
    Map<String, String> exchange(byte[] request, Duration timeout) throws IOException {
        requests++;
        try {
            return within(timeout, channel, () -> {
                ByteBuffer out = ByteBuffer.wrap(request);
                while (out.hasRemaining()) channel.write(out);
                return readReply();
            });
        } finally {
            lastUsedNanos = System.nanoTime();
        }
    }

    private Map<String, String> readReply() throws IOException {
        Map<String, String> attributes = new LinkedHashMap<>();
        int total = 0;
        while (true) {
            byte[] line = readLine();
            total += line.length + 1;
            if (total > MAX_REPLY) throw new PolicyException("reply too long");
            if (line.length == 0) return attributes;
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(line)).toString();
            } catch (CharacterCodingException e) {
                throw new PolicyException("malformed UTF-8 in reply");
            }
            int eq = text.indexOf('=');
            if (eq <= 0) throw new PolicyException("malformed reply: missing '=' after attribute name: " + shown(text));
            attributes.putIfAbsent(text.substring(0, eq), text.substring(eq + 1));
        }
    }

    /** One line without its LF (and without a CR before it). */
    private byte[] readLine() throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        while (true) {
            if (!in.hasRemaining()) {
                in.clear();
                int n = channel.read(in);
                in.flip();
                if (n < 0) throw new PolicyException("lost connection");
            }
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return len == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, len);
                }
                line.write(b);
                if (line.size() > MAX_LINE) throw new PolicyException("reply line too long");
            }
        }
    }

    private static String shown(String text) {
        String t = text.length() > 60 ? text.substring(0, 60) + "..." : text;
        StringBuilder sb = new StringBuilder();
        for (char c : t.toCharArray()) sb.append(c < ' ' || c == 0x7f ? '?' : c);
        return sb.toString();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to do with it
        }
    }
}
