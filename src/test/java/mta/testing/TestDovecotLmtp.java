package mta.testing;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * TestDovecotLmtp - a private Dovecot LMTP server ({@code dovecot-lmtpd}) with a passwd-file user
 * database and Maildirs, in a directory of the test's own.
 *
 * <p>Writes {@code DIR/dovecot.conf} ({@code protocols = lmtp}, run and state directories inside,
 * {@code mail_location = maildir:~/Maildir}, its log in {@code DIR/dovecot.log}), {@code DIR/users}
 * (one line per user: {@code user@domain}, the uid and gid Dovecot delivers as, the home
 * {@code DIR/home/DOMAIN/USER}, which the user owns; a user called {@code full} has a quota of
 * one byte, so Dovecot refuses each message for it after DATA: {@code 552 5.2.2 <full@...> Quota
 * exceeded}), and runs {@code /usr/sbin/dovecot -F} until
 * {@link #stop}. LMTP listens on the UNIX-domain socket given to {@link #start} (any path, such as
 * {@code $queue_directory/private/dovecot-lmtp}) and on {@code 127.0.0.1:port}. The directory must
 * be reachable by the users (not a root-only JUnit temp directory: {@link ServerProcess#directory}).
 */
public final class TestDovecotLmtp {
    public static final Path DOVECOT = Path.of("/usr/sbin/dovecot");
    public static final Path LMTP = Path.of("/usr/lib/dovecot/lmtp");

    public final Path dir;
    /** The LMTP socket. */
    public final Path socket;
    /** The LMTP port on 127.0.0.1. */
    public final int port;
    private final ServerProcess server;

    private TestDovecotLmtp(Path dir, Path socket, int port, ServerProcess server) {
        this.dir = dir;
        this.socket = socket;
        this.port = port;
        this.server = server;
    }

    /** Skips the test where Dovecot's LMTP server is missing (outside CI), fails in CI. */
    public static void require() {
        ServerProcess.require(DOVECOT, "dovecot-core");
        ServerProcess.require(LMTP, "dovecot-lmtpd");
    }

    /** Starts Dovecot with these users, LMTP on {@code socket} and on a free port. */
    public static TestDovecotLmtp start(Path dir, Path socket, List<TestDovecotLda.User> users)
            throws IOException, InterruptedException {
        return start(dir, socket, users, TestSite.freePort());
    }

    /** The same on a given port (to start again where a stopped one listened). */
    public static TestDovecotLmtp start(Path dir, Path socket, List<TestDovecotLda.User> users, int port)
            throws IOException, InterruptedException {
        require();
        boolean root = ServerProcess.ROOT;
        String me = System.getProperty("user.name");
        StringBuilder db = new StringBuilder();
        Files.createDirectories(dir.resolve("home"));
        for (TestDovecotLda.User u : users) {
            String[] ld = u.address().split("@", 2);
            Path home = Files.createDirectories(dir.resolve("home").resolve(ld[1]).resolve(ld[0]));
            if (root) {
                Files.setAttribute(home, "unix:uid", u.uid());
                Files.setAttribute(home, "unix:gid", u.gid());
            }
            Files.setPosixFilePermissions(home.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
            db.append(u.address()).append(":{PLAIN}unused:").append(u.uid()).append(':').append(u.gid())
                    .append("::").append(home).append("::").append(ld[0].equals("full") ? "userdb_quota_rule=*:storage=1B" : "")
                    .append('\n');
        }
        Files.setPosixFilePermissions(dir.resolve("home"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path usersFile = dir.resolve("users");
        Files.writeString(usersFile, db);
        Path config = dir.resolve("dovecot.conf");
        Files.writeString(config, """
                protocols = lmtp
                base_dir = %1$s/run
                state_dir = %1$s/state
                log_path = %1$s/dovecot.log
                ssl = no
                default_internal_user = %2$s
                default_login_user = %2$s
                mail_location = maildir:~/Maildir
                mail_plugins = quota
                plugin {
                  quota = maildir:User quota
                }
                passdb {
                  driver = passwd-file
                  args = %3$s
                }
                userdb {
                  driver = passwd-file
                  args = %3$s
                }
                service lmtp {
                  unix_listener %4$s {
                    mode = 0666
                  }
                  inet_listener lmtp {
                    address = 127.0.0.1
                    port = %5$d
                  }
                }
                """.formatted(dir, root ? "nobody" : me, usersFile, socket, port));
        for (Path p : List.of(usersFile, config)) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        ServerProcess server = new ServerProcess("dovecot", dir.resolve("dovecot.out"),
                List.of(DOVECOT.toString(), "-F", "-c", config.toString()));
        server.start(() -> {
            if (!Files.exists(socket) || !ServerProcess.canConnect(port)) return false;
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
        return new TestDovecotLmtp(dir, socket, port, server);
    }

    /** The Maildir/new of {@code user@domain}. */
    public Path inbox(String address) {
        String[] ld = address.split("@", 2);
        return dir.resolve("home").resolve(ld[1]).resolve(ld[0]).resolve("Maildir").resolve("new");
    }

    /** Dovecot's own log. */
    public String log() {
        return ServerProcess.read(dir.resolve("dovecot.log")) + server.log();
    }

    public void stop() {
        server.stop();
    }
}
