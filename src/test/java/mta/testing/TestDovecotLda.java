package mta.testing;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * TestDovecotLda - a private Dovecot for {@code dovecot-lda}: its own configuration file (for the
 * LDA's {@code -c}), a passwd-file user database, and the Dovecot auth service that the LDA asks
 * for a user ({@code -d user@domain}), in a directory of the test's own.
 *
 * <p>Writes {@code DIR/dovecot.conf} (no mail protocols, run and state directories inside,
 * {@code mail_location = maildir:~/Maildir}, logging to standard error), {@code DIR/users} (one line per user, with the uid and
 * gid the LDA will run as, and the home {@code DIR/home/DOMAIN/USER}, which the user owns), and
 * runs {@code /usr/sbin/dovecot -F -c DIR/dovecot.conf} until {@link #stop}. The auth-userdb and
 * stats-writer sockets are open to every user, since the LDA runs as the mail's user. The
 * directory must be reachable by that user (not a root-only JUnit temp directory).
 */
public final class TestDovecotLda {
    public static final Path DOVECOT = Path.of("/usr/sbin/dovecot");
    public static final Path LDA = Path.of("/usr/lib/dovecot/dovecot-lda");

    public final Path dir;
    public final Path config;
    private final ServerProcess server;

    /** One user of the database: {@code user@domain}, and the uid and gid the LDA runs as. */
    public record User(String address, int uid, int gid) {}

    private TestDovecotLda(Path dir, Path config, ServerProcess server) {
        this.dir = dir;
        this.config = config;
        this.server = server;
    }

    /** Skips the test where Dovecot is missing (outside CI), fails in CI. */
    public static void require() {
        ServerProcess.require(DOVECOT, "dovecot-core");
        ServerProcess.require(LDA, "dovecot-core");
    }

    public static TestDovecotLda start(Path dir, List<User> users) throws IOException, InterruptedException {
        require();
        boolean root = ServerProcess.ROOT;
        String me = System.getProperty("user.name");
        StringBuilder db = new StringBuilder();
        for (User u : users) {
            String[] ld = u.address().split("@", 2);
            Path home = Files.createDirectories(dir.resolve("home").resolve(ld[1]).resolve(ld[0]));
            if (root) {
                Files.setAttribute(home, "unix:uid", u.uid());
                Files.setAttribute(home, "unix:gid", u.gid());
            }
            db.append(u.address()).append(":{PLAIN}unused:").append(u.uid()).append(':').append(u.gid())
                    .append("::").append(home).append("::\n");
        }
        Files.setPosixFilePermissions(dir.resolve("home"), PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String domain : dir.resolve("home").toFile().list()) {
            Files.setPosixFilePermissions(dir.resolve("home").resolve(domain), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path usersFile = dir.resolve("users");
        Files.writeString(usersFile, db);
        Path config = dir.resolve("dovecot.conf");
        Files.writeString(config, """
                protocols =
                base_dir = %1$s/run
                state_dir = %1$s/state
                log_path = /dev/stderr
                ssl = no
                default_internal_user = %2$s
                default_login_user = %2$s
                mail_location = maildir:~/Maildir
                passdb {
                  driver = passwd-file
                  args = %3$s
                }
                userdb {
                  driver = passwd-file
                  args = %3$s
                }
                service auth {
                  unix_listener auth-userdb {
                    mode = 0666
                  }
                }
                service stats {
                  unix_listener stats-writer {
                    mode = 0666
                  }
                }
                """.formatted(dir, root ? "nobody" : me, usersFile));
        for (Path p : List.of(usersFile, config)) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        ServerProcess server = new ServerProcess("dovecot", dir.resolve("dovecot.out"),
                List.of(DOVECOT.toString(), "-F", "-c", config.toString()));
        Path socket = dir.resolve("run/auth-userdb");
        server.start(() -> {
            if (!Files.exists(socket)) return false;
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
        return new TestDovecotLda(dir, config, server);
    }

    /** The Maildir/new of {@code user@domain}. */
    public Path inbox(String address) {
        String[] ld = address.split("@", 2);
        return dir.resolve("home").resolve(ld[1]).resolve(ld[0]).resolve("Maildir").resolve("new");
    }

    /** Dovecot's own log; the LDA's lines go to its standard error, which the pipe agent reads. */
    public String log() {
        return server.log();
    }

    public void stop() {
        server.stop();
    }
}
