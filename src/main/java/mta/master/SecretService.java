package mta.master;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.ConfigLoader;
import mta.config.MasterCf;
import mta.queue.Queues;
import mta.util.MailLog;
import mta.util.PosixAccounts;
import mta.util.SecretClient;
import mta.util.SecretFiles;

/**
 * SecretService - the privileged process's file server for secret material: serves the content of
 * root-only files that the configuration names (TLS keys and certificates, DH parameters, tables
 * with passwords) to the unprivileged master, on {@code $queue_directory/private/secrets}.
 *
 * <p>The protocol is {@link SecretClient}'s: {@code read PATH}, answered by {@code ok LENGTH} and
 * the bytes, or {@code error REASON}. A peer that is not {@code mail_owner} or root (by
 * {@code SO_PEERCRED}) is refused; so is a path that main.cf and master.cf do not name in one of
 * {@link SecretFileNames}'s parameters. main.cf and master.cf are read again for every request
 * (requests come only at start and on {@code postfix reload}), so what may be read always follows
 * the configuration the master has just loaded. Refusals are logged as warnings; file content is
 * never logged.
 */
final class SecretService implements AutoCloseable {
    private final Path configDir;
    private final PosixAccounts.User owner;
    private final MailLog.Channel log;
    private final Path socket;
    private final ServerSocketChannel server;
    private final IdleExit idle;

    private SecretService(Path configDir, PosixAccounts.User owner, MailLog.Channel log, Path socket,
                          ServerSocketChannel server, IdleExit idle) {
        this.idle = idle;
        this.configDir = configDir;
        this.owner = owner;
        this.log = log;
        this.socket = socket;
        this.server = server;
    }

    /** {@code $queue_directory/private/secrets}. */
    static Path socketPath(Queues queues) {
        return queues.root().resolve("private").resolve("secrets");
    }

    /**
     * Binds the socket (owned by mail_owner, in the mail_owner-only {@code private/}) and starts
     * serving; each request counts as activity for {@code idle} (max_idle).
     */
    static SecretService start(Path configDir, Queues queues, PosixAccounts.User owner, MailLog.Channel log,
                               IdleExit idle) throws IOException {
        Path socket = socketPath(queues);
        ServerSocketChannel server = PrivilegedSocket.bind(socket, owner);
        SecretService s = new SecretService(configDir, owner, log, socket, server, idle);
        Thread.ofVirtual().name("private-secrets")
                .start(() -> PrivilegedSocket.serve(server, "private/secrets", log, "secrets-", idle, s::handle));
        return s;
    }

    private void handle(SocketChannel ch) {
        try (ch) {
            if (PrivilegedSocket.peer(ch, owner, "private/secrets", log) == null) return;
            idle.request();
            OutputStream out = Channels.newOutputStream(ch);
            InputStream in = Channels.newInputStream(ch);
            String request = SecretClient.line(in);
            if (!request.startsWith("read /")) {
                answerError(out, "bad request");
                return;
            }
            Path file = Path.of(request.substring(5)).normalize();
            String refusal = refusal(file);
            if (refusal != null) {
                log.warn("private/secrets: refused to read " + file + ": " + refusal);
                answerError(out, refusal);
                return;
            }
            byte[] content;
            try {
                content = SecretFiles.DIRECT.read(file);
            } catch (IOException e) {
                answerError(out, e.getMessage());
                return;
            }
            try {
                out.write(("ok " + content.length + "\n").getBytes(StandardCharsets.US_ASCII));
                out.write(content);
                out.flush();
            } finally {
                Arrays.fill(content, (byte) 0);
            }
        } catch (IOException e) {
            log.warn("private/secrets: " + e.getMessage());
        } catch (RuntimeException e) {
            log.warn("private/secrets: unexpected error: " + e);
        }
    }

    /** Why {@code file} may not be served, or null when the configuration names it. */
    private String refusal(Path file) {
        Set<Path> named;
        try {
            Config config = ConfigLoader.load(configDir).config();
            named = SecretFileNames.of(config, MasterCf.read(configDir.resolve("master.cf")));
        } catch (ConfigException e) {
            return "cannot read the configuration: " + e.getMessage();
        }
        return named.contains(file) ? null : "not named by the configuration";
    }

    private static void answerError(OutputStream out, String reason) throws IOException {
        out.write(("error " + reason.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Removes the socket's name: new connections fail, those already queued are still accepted. */
    void unlink() throws IOException {
        Files.deleteIfExists(socket);
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
    }
}
