package mta.lookup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.SocketFactory;

/**
 * UnixSocketFactory - sockets that reach a database over a UNIX-domain socket, for drivers that
 * only know TCP ({@code hosts = unix:/run/postgresql} in {@code pgsql:}).
 *
 * <p>Reads and writes the socket given to the constructor, whatever address the driver connects
 * to. The sockets honour {@code setSoTimeout}, so a stuck server cannot hold a lookup forever:
 * reads and writes wait in a {@link Selector} for at most that long.
 */
public final class UnixSocketFactory extends SocketFactory {
    private final Path path;

    /** Made by the JDBC driver from its {@code socketFactoryArg}: the socket's path. */
    public UnixSocketFactory(String path) {
        this.path = Path.of(path);
    }

    /** PostgreSQL's socket for {@code unix:DIR}: {@code DIR/.s.PGSQL.PORT}, or the path itself when it is not a directory. */
    static String pgsqlSocket(String path, int port) {
        Path p = Path.of(path);
        return Files.isDirectory(p) ? p.resolve(".s.PGSQL." + port).toString() : path;
    }

    @Override
    public Socket createSocket() {
        return new UnixSocket(path);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        UnixSocket s = new UnixSocket(path);
        s.connect(null, 0);
        return s;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return createSocket((String) null, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return createSocket((String) null, port);
    }

    /** A {@link Socket} over a non-blocking UNIX-domain channel. */
    static final class UnixSocket extends Socket {
        private final Path path;
        private SocketChannel channel;
        private Selector readSelector;
        private Selector writeSelector;
        private volatile int timeoutMillis;
        private volatile boolean closed;

        UnixSocket(Path path) {
            this.path = path;
        }

        @Override
        public void connect(SocketAddress ignored) throws IOException {
            connect(ignored, 0);
        }

        @Override
        public void connect(SocketAddress ignored, int timeout) throws IOException {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(path));
                channel.configureBlocking(false);
                readSelector = Selector.open();
                writeSelector = Selector.open();
            } catch (IOException e) {
                channel.close();
                throw new IOException(path + ": " + e.getMessage(), e);
            }
        }

        /** Waits until the channel can be read (or written); a reader and a writer may wait at once. */
        private void await(int op) throws IOException {
            Selector selector = op == SelectionKey.OP_READ ? readSelector : writeSelector;
            try {
                SelectionKey key = channel.register(selector, op);
                int t = timeoutMillis;
                int n = t > 0 ? selector.select(t) : selector.select();
                selector.selectedKeys().clear();
                if (key.isValid()) key.interestOps(0);
                if (n == 0 && t > 0) throw new SocketTimeoutException("timed out after " + t + "ms on " + path);
            } catch (java.nio.channels.ClosedSelectorException | java.nio.channels.CancelledKeyException e) {
                throw new java.net.SocketException("Socket closed");
            }
        }

        @Override
        public InputStream getInputStream() {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    int n = read(one, 0, 1);
                    return n < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (len == 0) return 0;
                    while (true) {
                        if (closed) throw new java.net.SocketException("Socket closed");
                        int n = channel.read(ByteBuffer.wrap(b, off, len));
                        if (n != 0) return n;
                        await(SelectionKey.OP_READ);
                    }
                }
            };
        }

        @Override
        public OutputStream getOutputStream() {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                    while (buf.hasRemaining()) {
                        if (channel.write(buf) == 0) await(SelectionKey.OP_WRITE);
                    }
                }
            };
        }

        @Override
        public void setSoTimeout(int timeout) {
            this.timeoutMillis = timeout;
        }

        @Override
        public int getSoTimeout() {
            return timeoutMillis;
        }

        @Override
        public void setTcpNoDelay(boolean on) {
            // not a TCP socket
        }

        @Override
        public void setKeepAlive(boolean on) {
            // not a TCP socket
        }

        @Override
        public void setReceiveBufferSize(int size) {
            // the kernel's default
        }

        @Override
        public void setSendBufferSize(int size) {
            // the kernel's default
        }

        @Override
        public void setSoLinger(boolean on, int linger) {
            // nothing to linger for
        }

        @Override
        public boolean isConnected() {
            return channel != null && channel.isConnected();
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public InetAddress getInetAddress() {
            return InetAddress.getLoopbackAddress();
        }

        @Override
        public void shutdownInput() throws IOException {
            if (channel != null) channel.shutdownInput();
        }

        @Override
        public void shutdownOutput() throws IOException {
            if (channel != null) channel.shutdownOutput();
        }

        @Override
        public void close() throws IOException {
            closed = true;
            if (channel != null) channel.close();
            if (readSelector != null) readSelector.close();
            if (writeSelector != null) writeSelector.close();
        }

        @Override
        public String toString() {
            return "unix:" + path;
        }
    }
}
