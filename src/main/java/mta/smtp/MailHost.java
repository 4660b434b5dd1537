package mta.smtp;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * MailHost - one address of one mail server to try: the name it was found under, its IP, a port;
 * or, for LMTP, a UNIX-domain socket.
 *
 * <p>Pure data. {@link #label()} is the {@code name[ip]} that reasons show, {@link #relay()} the
 * {@code name[ip]:port} that the log shows after {@code relay=}. A socket has no address and no
 * port: {@code socket} is its path as the next-hop wrote it, {@code name} this host's name, and
 * both label and relay are {@code mail.example.com[private/dovecot-lmtp]}, as Postfix shows them.
 */
public record MailHost(String name, InetAddress address, int port, String socket) {

    public MailHost(String name, InetAddress address, int port) {
        this(name, address, port, null);
    }

    /** The UNIX-domain socket {@code path} (as written) of this host, called {@code myhostname}. */
    public static MailHost unix(String myhostname, String path) {
        return new MailHost(myhostname, null, 0, path);
    }

    public boolean isUnix() {
        return socket != null;
    }

    public String label() {
        return name + "[" + (socket != null ? socket : address.getHostAddress()) + "]";
    }

    public String relay() {
        return socket != null ? label() : label() + ":" + port;
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(address, port);
    }
}
