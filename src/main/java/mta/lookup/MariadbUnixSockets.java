package mta.lookup;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Properties;
import org.mariadb.jdbc.Configuration;
import org.mariadb.jdbc.util.ConfigurableSocketFactory;

/**
 * MariadbUnixSockets - lets MariaDB's JDBC driver reach a server over a UNIX-domain socket
 * ({@code hosts = unix:/run/mysqld/mysqld.sock} in {@code mysql:}) without a native library.
 *
 * <p>Reads and writes nothing itself. The driver makes this factory by class name and hands it
 * the connection's options; the option {@value #OPTION} holds the socket's path, and the
 * sockets are {@link UnixSocketFactory}'s.
 */
public final class MariadbUnixSockets extends ConfigurableSocketFactory {
    static final String OPTION = "mtaUnixSocket";
    private Path path;

    /** Sets the driver options that make it connect through {@code socketPath}. */
    static void use(Properties p, String socketPath) {
        p.setProperty("socketFactory", MariadbUnixSockets.class.getName());
        p.setProperty(OPTION, socketPath);
    }

    @Override
    public void setConfiguration(Configuration conf, String host) {
        this.path = Path.of(conf.nonMappedOptions().getProperty(OPTION));
    }

    @Override
    public Socket createSocket() {
        return new UnixSocketFactory.UnixSocket(path);
    }

    @Override
    public Socket createSocket(String host, int port) throws java.io.IOException {
        Socket s = createSocket();
        s.connect(null, 0);
        return s;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws java.io.IOException {
        return createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws java.io.IOException {
        return createSocket((String) null, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws java.io.IOException {
        return createSocket((String) null, port);
    }
}
