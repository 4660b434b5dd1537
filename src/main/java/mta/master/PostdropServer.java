package mta.master;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import mta.config.Config;
import mta.config.Params;
import mta.postdrop.Postdrop;
import mta.postdrop.Poster;
import mta.postdrop.SendmailOptions;
import mta.postdrop.SendmailRequest;
import mta.queue.Queues;
import mta.util.MailLog;
import mta.util.ServiceLoops;
import mta.util.PosixAccounts;
import mta.util.TimedInputStream;

/**
 * PostdropServer - the posting service on {@code public/postdrop}: {@code sendmail} without a JVM
 * of its own. {@code bin/sendmail} runs the small client {@code bin/.postdrop-client}, which hands
 * the arguments and the message to this service in the running master; the master writes the
 * maildrop file exactly as the command would have (the same {@link Postdrop} core), for the caller it learns from the socket.
 *
 * <p>Who may connect: the socket is 0666 inside {@code public/} (2710 mail_owner:postdrop), so
 * only root and members of postdrop reach it, as Postfix's public services. The caller is named by
 * the socket's peer credentials ({@code SO_PEERCRED}): its login name is the default envelope
 * sender and the name in error texts, its uid (from /etc/passwd) is the {@code uid} attribute that
 * pickup logs. The service never runs anything but the posting: other modes are refused.
 *
 * <p>The protocol (all strings are bytes; ⟨NUL⟩ is a zero byte):
 * <pre>
 *   client: "1"⟨NUL⟩ MAIL_CONFIG⟨NUL⟩ argc⟨NUL⟩ arg1⟨NUL⟩ ... argN⟨NUL⟩     (the version, the
 *           client's MAIL_CONFIG or "", the arguments as given to sendmail)
 *   server: "fallback\n"           and closes: the client runs the JVM command, standard input untouched
 *       or  "exit N\n" text         and closes: done without a message (a usage error); text is
 *                                   what sendmail prints on standard error, N its exit code
 *       or  "post\n"               send the message:
 *   client: chunks: a 4-byte big-endian length and that many bytes; a zero length ends the message
 *   server: "exit N\n" text         and closes.
 * </pre>
 * The message is chunked, not ended by the client's shutdown, so that a client killed half-way
 * leaves no maildrop file (a lost connection aborts the file). The service falls back when the
 * request is malformed or over {@link #MAX_REQUEST} bytes, when the mode is not plain posting
 * (-bs, -bp, -bi, -I, -q...), when the configuration directory (-C, a directory or its main.cf,
 * else the client's MAIL_CONFIG, else /etc/postfix) is not the master's own, and when the caller's login name is
 * not in /etc/passwd. The configuration is the one the command would load ({@link PostingConfig}:
 * main.cf read and checked once per version of the file). The message is streamed into the maildrop file as it arrives;
 * message_size_limit applies as for the JVM command: cleanup enforces it when pickup reads the
 * file. Each read from the client waits at most {@code ipc_timeout} (Postfix's 3600s): a client
 * that stops sending loses its connection and its unfinished file.
 */
final class PostdropServer implements AutoCloseable {
    /** The largest request (version, configuration directory, arguments) accepted. */
    static final int MAX_REQUEST = 1 << 20;
    /** The largest message chunk accepted. */
    static final int MAX_CHUNK = 1 << 20;

    private final Path configDir;
    private final Supplier<Config> config;
    private final PostingConfig postingConfig;
    private final MailLog.Channel log;
    private final PublicService service;

    PostdropServer(Queues queues, Path configDir, Supplier<Config> config, MailLog.Channel log, ServiceLoops loops)
            throws IOException {
        this.configDir = configDir.toAbsolutePath().normalize();
        this.config = config;
        this.postingConfig = new PostingConfig(this.configDir);
        this.log = log;
        this.service = new PublicService(queues.root().resolve("public").resolve("postdrop"), this::serve, log, loops);
    }

    private void serve(SocketChannel ch) {
        long timeoutMs = config.get().time(Params.IPC_TIMEOUT).toMillis();
        TimedInputStream timed = new TimedInputStream(Channels.newInputStream(ch));
        timed.setTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs));
        try (ch; OutputStream out = Channels.newOutputStream(ch);
             InputStream in = new BufferedInputStream(timed, 65536)) {
            Optional<Poster> poster = poster(ch);
            List<String> request = readRequest(in);
            if (poster.isEmpty() || request == null) {
                answer(out, "fallback\n");
                return;
            }
            String[] args = request.subList(2, request.size()).toArray(String[]::new);
            ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
            PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
            SendmailRequest r = SendmailOptions.parse("sendmail", args, err);
            if (r.exit() >= 0) {
                answer(out, "exit " + r.exit() + "\n" + errBytes.toString(StandardCharsets.UTF_8));
                return;
            }
            if (!r.posting() || !ourConfigDirectory(r.dashC(), request.get(1))) {
                answer(out, "fallback\n");
                return;
            }
            Config c = postingConfig.current(err);
            Postdrop.Posting p = c == null ? null : Postdrop.prepare(r, c, poster.get(), err);
            if (p == null || p.exit() >= 0) {
                int exit = p == null ? 75 : p.exit();
                answer(out, "exit " + exit + "\n" + errBytes.toString(StandardCharsets.UTF_8));
                return;
            }
            answer(out, "post\n");
            ChunkedInput message = new ChunkedInput(in);
            int exit = Postdrop.post(p, message, err);
            if (timed.timedOut() || message.lost) {
                log.warn((timed.timedOut() ? "timeout after " + timeoutMs / 1000 + "s reading" : "lost connection before the end of")
                        + " a message from uid=" + poster.get().uid() + "; discarded");
                return;
            }
            answer(out, "exit " + exit + "\n" + errBytes.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            if (!service.isClosed()) {
                log.warn((timed.timedOut() ? "timeout after " + timeoutMs / 1000 + "s" : "lost connection")
                        + " reading a request" + (e.getMessage() != null ? ": " + e.getMessage() : ""));
            }
        } catch (RuntimeException e) {
            // A bug: the connection closes; before the verdict the client falls back to the JVM command.
            log.warn("postdrop: " + e);
        }
    }

    private static void answer(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The caller: login name and uid from the peer credentials; empty when they cannot be told. */
    private static Optional<Poster> poster(SocketChannel ch) {
        try {
            UnixDomainPrincipal p = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
            String login = p.user().getName();
            return PosixAccounts.user(login).map(u -> new Poster(login, Integer.toString(u.uid())));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** The configuration directory the command would use is the master's own. */
    private boolean ourConfigDirectory(String dashC, String mailConfig) {
        String named = dashC != null && !dashC.isEmpty() ? dashC
                : !mailConfig.isEmpty() ? mailConfig : Params.CONFIG_DIRECTORY.defaultValue();
        Path p = Path.of(named);
        if (!p.isAbsolute()) return false;
        p = p.normalize();
        if (Files.isRegularFile(p) && p.getParent() != null) p = p.getParent(); // -C may name main.cf
        try {
            return p.equals(configDir) || Files.isSameFile(p, configDir);
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads version, MAIL_CONFIG, argc and the arguments; null when malformed or too long. */
    static List<String> readRequest(InputStream in) throws IOException {
        List<String> fields = new ArrayList<>();
        ByteArrayOutputStream field = new ByteArrayOutputStream();
        int total = 0;
        int wanted = 3;
        while (fields.size() < wanted) {
            int c = in.read();
            if (c < 0 || ++total > MAX_REQUEST) return null;
            if (c != 0) {
                field.write(c);
                continue;
            }
            fields.add(field.toString(StandardCharsets.UTF_8));
            field.reset();
            if (fields.size() == 1 && !fields.get(0).equals("1")) return null;
            if (fields.size() == 3) {
                try {
                    int argc = Integer.parseInt(fields.get(2));
                    if (argc < 0 || argc > MAX_REQUEST) return null;
                    wanted = 3 + argc;
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        List<String> out = new ArrayList<>(fields.subList(0, 2));
        out.addAll(fields.subList(3, fields.size()));
        return out;
    }

    /** The message: length-prefixed chunks up to a zero length; EOF before it is a lost connection. */
    private static final class ChunkedInput extends InputStream {
        private final InputStream in;
        private int left;
        private boolean done;
        /** The connection ended before the zero-length chunk. */
        boolean lost;

        ChunkedInput(InputStream in) {
            this.in = in;
        }

        private boolean fill() throws IOException {
            while (left == 0 && !done) {
                int n = 0;
                for (int i = 0; i < 4; i++) {
                    int b = in.read();
                    if (b < 0) throw lost();
                    n = (n << 8) | b;
                }
                if (n < 0 || n > MAX_CHUNK) throw new IOException("malformed message chunk");
                if (n == 0) done = true;
                left = n;
            }
            return !done;
        }

        private EOFException lost() {
            lost = true;
            return new EOFException("lost connection before the end of the message");
        }

        @Override
        public int read() throws IOException {
            if (!fill()) return -1;
            int b = in.read();
            if (b < 0) throw lost();
            left--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (!fill()) return -1;
            int n = in.read(b, off, Math.min(len, left));
            if (n < 0) throw lost();
            left -= n;
            return n;
        }
    }

    @Override
    public void close() throws IOException {
        service.close();
    }
}
