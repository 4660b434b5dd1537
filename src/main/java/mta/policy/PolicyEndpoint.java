package mta.policy;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import mta.config.ConfigException;

/**
 * PolicyEndpoint - where a policy server listens: {@code inet:host:port} or {@code unix:pathname}.
 *
 * <p>Reads only its argument. A relative UNIX-domain path is relative to {@code queue_directory},
 * as Postfix's are ({@code unix:private/policyd-spf}); an IPv6 host is written in brackets
 * ({@code inet:[::1]:10023}). {@link #name()} is the endpoint as Postfix's warnings show it, without
 * the transport ({@code 127.0.0.1:10023}, {@code private/policyd-spf}).
 *
 * @param name    the endpoint as written after {@code inet:} or {@code unix:}
 * @param address the socket address to connect to
 */
public record PolicyEndpoint(String name, SocketAddress address) {

    /**
     * Parses {@code transport:endpoint}.
     *
     * @throws ConfigException for a transport other than inet or unix, or a malformed endpoint
     */
    public static PolicyEndpoint parse(String text, Path queueDirectory) {
        int colon = text.indexOf(':');
        String transport = colon < 0 ? "" : text.substring(0, colon);
        String endpoint = colon < 0 ? "" : text.substring(colon + 1);
        if (transport.isEmpty() || endpoint.isEmpty()) {
            throw new ConfigException("need service transport:endpoint instead of \"" + text + "\"");
        }
        switch (transport) {
            case "unix" -> {
                Path p = Path.of(endpoint);
                return new PolicyEndpoint(endpoint, UnixDomainSocketAddress.of(p.isAbsolute() ? p : queueDirectory.resolve(p)));
            }
            case "inet" -> {
                int c = endpoint.lastIndexOf(':');
                String host = c < 0 ? "" : endpoint.substring(0, c);
                String port = c < 0 ? "" : endpoint.substring(c + 1);
                if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
                if (host.isEmpty() || !port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535
                        || Integer.parseInt(port) == 0) {
                    throw new ConfigException("policy service " + text + ": need inet:host:port");
                }
                return new PolicyEndpoint(endpoint, InetSocketAddress.createUnresolved(host, Integer.parseInt(port)));
            }
            default -> throw new ConfigException("policy service " + text + ": unsupported transport type: " + transport
                    + " (use inet: or unix:)");
        }
    }

    /** A new unconnected blocking channel of the endpoint's family. */
    SocketChannel open(SocketAddress target) throws IOException {
        if (target instanceof UnixDomainSocketAddress) return SocketChannel.open(StandardProtocolFamily.UNIX);
        return SocketChannel.open(((InetSocketAddress) target).getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
    }

    /** The address to connect to; a host name is looked up now, at each connection. */
    SocketAddress target() throws IOException {
        if (address instanceof InetSocketAddress isa && isa.isUnresolved()) {
            InetSocketAddress resolved = new InetSocketAddress(isa.getHostString(), isa.getPort());
            if (resolved.isUnresolved()) throw new IOException("Name or service not known: " + isa.getHostString());
            return resolved;
        }
        return address;
    }
}
