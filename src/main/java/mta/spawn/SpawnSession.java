package mta.spawn;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import mta.config.CommandUser;
import mta.config.ConfigException;
import mta.util.ExternalCommand;
import mta.util.MailLog;

/**
 * SpawnSession - one connection to a spawn service: the command runs with the connection as its
 * standard input, output and error.
 *
 * <p>Reads the client's bytes and passes them to the command's standard input; passes the
 * command's output (standard output and error together) back to the client. A JVM cannot hand a
 * socket to a child process as its standard input, so two virtual threads copy the bytes, without
 * looking at them: the command reads and writes pipes where Postfix's would have the socket
 * itself. When the client closes, the command's input ends; when the command's output ends, the
 * connection is closed. After {@code SERVICE_time_limit} the command and what it started are killed.
 * Abnormal ends are logged as spawn(8) does: {@code warning: command PROGRAM exit status N},
 * {@code ... killed by signal N}, and a time limit warning.
 */
final class SpawnSession implements Runnable {
    private final SocketChannel client;
    private final SpawnSettings settings;
    private final MailLog.Channel log;

    SpawnSession(SocketChannel client, SpawnSettings settings, MailLog.Channel log) {
        this.client = client;
        this.settings = settings;
        this.log = log;
    }

    @Override
    public void run() {
        try (client) {
            CommandUser user;
            try {
                user = settings.account();
            } catch (ConfigException e) {
                log.fatal(e.getMessage());
                return;
            }
            String program = settings.argv().get(0);
            java.nio.file.Path found = ExternalCommand.find(program);
            if (found == null) {
                log.warn("service " + settings.service() + ": cannot run " + program + ": No such file or directory");
                return;
            }
            java.util.List<String> argv = new java.util.ArrayList<>(settings.argv());
            argv.set(0, found.toString());
            Process p;
            try {
                p = ExternalCommand.builder(argv, user.uid(), user.gid(), settings.exportEnvironment(),
                        settings.workDir()).redirectErrorStream(true).start();
            } catch (IOException e) {
                log.warn("service " + settings.service() + ": cannot run " + program + ": " + e.getMessage());
                return;
            }
            Thread in = Thread.ofVirtual().name("spawn-in").start(() -> toCommand(p.getOutputStream()));
            Thread out = Thread.ofVirtual().name("spawn-out").start(() -> toClient(p.getInputStream()));
            boolean finished;
            try {
                finished = p.waitFor(settings.timeLimit().toMillis(), TimeUnit.MILLISECONDS);
                if (!finished) {
                    log.warn("command " + program + ": time limit of " + settings.timeLimit().toSeconds()
                            + "s exceeded; killed");
                    ExternalCommand.killTree(p);
                }
                out.join(java.time.Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                ExternalCommand.killTree(p);
                Thread.currentThread().interrupt();
                return;
            } finally {
                try {
                    client.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
                in.interrupt();
            }
            if (finished) report(program, p.exitValue());
        } catch (IOException e) {
            // the client went away while we closed: nothing to report
        }
    }

    /** Client to command: until the client closes its side, then the command's input ends. */
    private void toCommand(OutputStream stdin) {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        try (stdin) {
            while (client.read(buf.clear()) > 0) {
                stdin.write(buf.array(), 0, buf.position());
                stdin.flush();
            }
        } catch (IOException e) {
            // the client or the command is gone
        }
    }

    /** Command to client: until the command's output ends, then the connection is closed. */
    private void toClient(InputStream stdout) {
        byte[] buf = new byte[8192];
        try (stdout) {
            for (int n; (n = stdout.read(buf)) > 0; ) {
                ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                while (b.hasRemaining()) client.write(b);
            }
            client.shutdownOutput();
        } catch (IOException e) {
            // the client is gone
        }
    }

    private void report(String program, int status) {
        if (status == 0) return;
        if (status > 128 && status < 128 + 65) log.warn("command " + program + " killed by signal " + (status - 128));
        else log.warn("command " + program + " exit status " + status);
    }
}
