package mta.smtp;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * MailHost - one address of one mail server to try: the name it was found under, its IP, a port.
 *
 * <p>Pure data. {@link #label()} is the {@code name[ip]} that reasons show, {@link #relay()} the
 * {@code name[ip]:port} that the log shows after {@code relay=}.
 */
public record MailHost(String name, InetAddress address, int port) {

    public String label() {
        return name + "[" + address.getHostAddress() + "]";
    }

    public String relay() {
        return label() + ":" + port;
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(address, port);
    }
}
