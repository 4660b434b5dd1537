package mta.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * ResolvConf - the name servers and retry rules of {@code /etc/resolv.conf}, read the way the
 * system resolver (glibc) reads them.
 *
 * <p>Reads one file (the path is given, so tests use their own); writes nothing. {@code nameserver}
 * lines give up to three servers (port 53); without any, the resolver asks 127.0.0.1.
 * {@code options timeout:N} is how long one try waits for an answer (default 5 s, at most 30),
 * {@code options attempts:N} how many rounds over the servers are made (default 2, at most 5),
 * {@code options rotate} spreads the first try over the servers. Other lines and options
 * (search, domain, ndots, ...) do not matter to a mail system, which looks up absolute names only.
 */
public record ResolvConf(List<InetSocketAddress> servers, Duration timeout, int attempts, boolean rotate) {
    /** The system's file. */
    public static final Path SYSTEM = Path.of("/etc/resolv.conf");
    static final int MAX_SERVERS = 3;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    static final int DEFAULT_ATTEMPTS = 2;

    public ResolvConf {
        servers = List.copyOf(servers);
        if (servers.isEmpty()) throw new IllegalArgumentException("no name servers");
        if (attempts < 1) throw new IllegalArgumentException("attempts must be at least 1");
    }

    /** The system's settings; when the file cannot be read, the defaults, as the system resolver does. */
    public static ResolvConf system() {
        try {
            return read(SYSTEM);
        } catch (IOException e) {
            return parse(List.of());
        }
    }

    /** Reads {@code file}; a missing file means the defaults (127.0.0.1, 5 s, 2 attempts). */
    public static ResolvConf read(Path file) throws IOException {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.ISO_8859_1));
        } catch (NoSuchFileException e) {
            return parse(List.of());
        }
    }

    /** Parses the lines of a resolv.conf file. */
    public static ResolvConf parse(List<String> lines) {
        List<InetSocketAddress> servers = new ArrayList<>();
        long timeout = DEFAULT_TIMEOUT.toSeconds();
        int attempts = DEFAULT_ATTEMPTS;
        boolean rotate = false;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) continue;
            String[] words = line.split("\\s+");
            if (words[0].equals("nameserver") && words.length > 1 && servers.size() < MAX_SERVERS) {
                InetAddress a = IpLiteral.parse(words[1].replaceFirst("%.*$", ""));
                if (a != null) servers.add(new InetSocketAddress(a, 53));
            } else if (words[0].equals("options")) {
                for (int i = 1; i < words.length; i++) {
                    String o = words[i];
                    if (o.startsWith("timeout:")) timeout = Math.min(30, Math.max(1, number(o, timeout)));
                    else if (o.startsWith("attempts:")) attempts = (int) Math.min(5, Math.max(1, number(o, attempts)));
                    else if (o.equals("rotate")) rotate = true;
                }
            }
        }
        if (servers.isEmpty()) servers.add(new InetSocketAddress(IpLiteral.parse("127.0.0.1"), 53));
        return new ResolvConf(servers, Duration.ofSeconds(timeout), attempts, rotate);
    }

    private static long number(String option, long fallback) {
        try {
            return Long.parseLong(option.substring(option.indexOf(':') + 1));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
