package mta.milter;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import mta.util.ChannelDeadline;

/**
 * MilterConnection - the socket to one milter: packets out, packets in, each step under a deadline.
 *
 * <p>Writes packets (32-bit length in network byte order, command byte, data) and reads reply
 * packets of at most {@link MilterProtocol#MAX_PACKET} bytes. Connecting, and each exchange, must
 * finish within its time limit: the shared watchdog ({@link mta.util.ChannelDeadline}) closes the
 * channel when it passes, which ends a blocked connect or read; the caller then sees
 * {@link TimeoutException}. Reads nothing else, logs nothing.
 */
final class MilterConnection implements AutoCloseable {
    /** A deadline passed: Postfix's words for it are "Connection timed out". */
    static final class TimeoutException extends IOException {
        TimeoutException() {
            super("Connection timed out");
        }
    }

    /** One reply packet: its code and data. */
    record Packet(byte code, byte[] data) {
    }

    private final SocketChannel channel;
    private final ByteBuffer lengthBuf = ByteBuffer.allocate(4);

    private MilterConnection(SocketChannel channel) {
        this.channel = channel;
    }

    static MilterConnection open(SocketAddress address, Duration timeout) throws IOException {
        SocketAddress target = address;
        if (address instanceof InetSocketAddress isa && isa.isUnresolved()) {
            target = new InetSocketAddress(isa.getHostString(), isa.getPort());
            if (((InetSocketAddress) target).isUnresolved()) {
                throw new IOException("Name or service not known: " + isa.getHostString());
            }
        }
        SocketChannel ch = target instanceof UnixDomainSocketAddress ? SocketChannel.open(StandardProtocolFamily.UNIX)
                : SocketChannel.open(((InetSocketAddress) target).getAddress() instanceof Inet6Address
                        ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        SocketAddress to = target;
        try {
            within(timeout, ch, () -> {
                ch.connect(to);
                return null;
            });
            return new MilterConnection(ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Runs {@code io}; closes the channel if it takes longer than {@code timeout}. */
    <T> T within(Duration timeout, ChannelDeadline.Io<T> io) throws IOException {
        return within(timeout, channel, io);
    }

    private static <T> T within(Duration timeout, SocketChannel ch, ChannelDeadline.Io<T> io) throws IOException {
        return ChannelDeadline.within(timeout, ch, TimeoutException::new, io);
    }

    /** Writes one packet. */
    void send(byte command, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(5 + data.length);
        b.putInt(1 + data.length).put(command).put(data).flip();
        while (b.hasRemaining()) channel.write(b);
    }

    /** Reads one reply packet. */
    Packet read() throws IOException {
        lengthBuf.clear();
        fill(lengthBuf);
        int len = lengthBuf.flip().getInt();
        if (len < 1) throw new IOException("bad packet length: " + len);
        if (len > MilterProtocol.MAX_PACKET) {
            throw new IOException("unreasonable packet length: " + len + " > " + MilterProtocol.MAX_PACKET);
        }
        ByteBuffer body = ByteBuffer.allocate(len);
        fill(body);
        byte[] all = body.array();
        return new Packet(all[0], java.util.Arrays.copyOfRange(all, 1, len));
    }

    private void fill(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) throw new EOFException("Connection reset by peer");
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to do with it
        }
    }

    /** Builds packet data: strings end with NUL, numbers are 32 or 16 bits in network byte order. */
    static final class Data {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Data string(String s) {
            byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
            out.write(0);
            return this;
        }

        Data octet(int v) {
            out.write(v);
            return this;
        }

        Data int32(int v) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Data int16(int v) {
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Data bytes(byte[] b, int off, int len) {
            out.write(b, off, len);
            return this;
        }

        byte[] toBytes() {
            return out.toByteArray();
        }
    }
}
