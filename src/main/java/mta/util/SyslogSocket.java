package mta.util;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * SyslogSocket - the way to the system logger: RFC 3164 messages, one datagram each, to the
 * UNIX-domain socket {@code /dev/log}, where rsyslogd or systemd-journald listens, as glibc's
 * syslog() sends them.
 *
 * <p>Java 21 has UNIX-domain stream sockets but no datagram ones, and /dev/log takes datagrams
 * only. So the lines go through a small helper process, perl (Essential on Debian, and the thin
 * sendmail client's language), using only its built-in socket calls: it reads lines from its
 * standard input and sends each as one datagram, reconnecting when the logger restarts and
 * dropping a line the logger cannot take, as glibc does. The caller writes whole lines
 * ({@code <PRI>Mmm dd hh:mm:ss tag[pid]: text\n}, without the line end on the wire), many at once
 * when it likes: one pipe write carries them all. Closing the stream ends the helper.
 *
 * <p>The socket is {@code /dev/log} unless the system property {@code mta.syslog.socket} names
 * another (tests put a private rsyslogd or receiver there).
 */
public final class SyslogSocket {
    private SyslogSocket() {}

    /** The helper: one datagram per line read; the socket path is its argument. */
    static final String HELPER = String.join("\n",
            "my $path = shift; my $up = 0;",
            "sub up { socket(S, 1, 2, 0) or return 0; connect(S, pack('S Z108', 1, $path)) or return 0; 1 }",
            "$up = up();",
            "while (my $line = <STDIN>) {",
            "  chomp $line; next if $line eq '';",
            "  $up = up() unless $up;",
            "  next if $up && defined send(S, $line, 0);",
            "  close S; $up = up(); send(S, $line, 0) if $up;",
            "}");

    /** Postfix's syslog_facility names and their numbers (RFC 3164). */
    private static final Map<String, Integer> FACILITIES = Map.ofEntries(
            Map.entry("kern", 0), Map.entry("user", 1), Map.entry("mail", 2), Map.entry("daemon", 3),
            Map.entry("auth", 4), Map.entry("security", 4), Map.entry("syslog", 5), Map.entry("lpr", 6),
            Map.entry("news", 7), Map.entry("uucp", 8), Map.entry("cron", 9), Map.entry("authpriv", 10),
            Map.entry("ftp", 11), Map.entry("local0", 16), Map.entry("local1", 17), Map.entry("local2", 18),
            Map.entry("local3", 19), Map.entry("local4", 20), Map.entry("local5", 21), Map.entry("local6", 22),
            Map.entry("local7", 23));

    /** Severities of RFC 3164, as Postfix's msg kinds use them. */
    public static final int CRIT = 2;
    public static final int ERR = 3;
    public static final int WARNING = 4;
    public static final int INFO = 6;

    /** The facility number of a {@code syslog_facility} name; -1 when it is not one. */
    public static int facility(String name) {
        Integer f = FACILITIES.get(name.strip().toLowerCase(Locale.ROOT));
        return f == null ? -1 : f;
    }

    /** The socket the lines go to: {@code mta.syslog.socket}, else /dev/log. */
    public static Path path() {
        return Path.of(System.getProperty("mta.syslog.socket", "/dev/log"));
    }

    /**
     * Starts the helper for {@code socket}; its standard input is returned. Throws when the socket
     * is not there (no system logger) or the helper cannot run.
     */
    public static OutputStream open(Path socket) throws IOException {
        if (!Files.exists(socket)) throw new IOException(socket + ": no system logger listens there");
        Process p = new ProcessBuilder("perl", "-e", HELPER, socket.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        return p.getOutputStream();
    }
}
