package mta.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mta.deliver.MessageCopy;
import mta.mail.Dsn;

/**
 * LocalCommand - delivers a message to an external command ({@code |command}, {@code mailbox_command}).
 *
 * <p>Runs {@code /bin/sh -c command} (or {@code local_command_shell}), with the recipient's rights
 * ({@link Ownership#commandPrefix}), in the queue directory, with a clean environment made of
 * {@code PATH}, {@code TZ}, {@code LANG} and the delivery's variables ({@code USER}, {@code HOME},
 * {@code EXTENSION}, {@code RECIPIENT}, {@code SENDER}, ...). Writes the message to the command's
 * standard input in {@link MessageCopy.Format#COMMAND} form, reads up to {@value #OUTPUT_LIMIT}
 * bytes of its output (stdout and stderr together) for the bounce text, and kills it after
 * {@code command_time_limit}. The exit status decides the outcome ({@link Sysexits}).
 */
final class LocalCommand {
    static final int OUTPUT_LIMIT = 2048;
    private static final String PATH = "/usr/bin:/bin";

    private LocalCommand() {}

    /**
     * Runs {@code command} and returns its result; {@code shell} is the program and options before the
     * command text, such as {@code [/bin/sh, -c]}.
     */
    static LocalResult run(String command, List<String> shell, Map<String, String> env, MessageCopy msg,
                           Ownership rights, Duration timeLimit, Path workDir) {
        List<String> argv = new ArrayList<>();
        Process p;
        try {
            argv.addAll(rights.commandPrefix());
            argv.addAll(shell);
            argv.add(command);
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
            pb.environment().clear();
            pb.environment().put("PATH", PATH);
            for (String keep : new String[] {"TZ", "LANG"}) {
                String v = System.getenv(keep);
                if (v != null) pb.environment().put(keep, v);
            }
            pb.environment().putAll(env);
            if (workDir != null && Files.isDirectory(workDir)) pb.directory(workDir.toFile());
            p = pb.start();
        } catch (IOException e) {
            return LocalResult.deferred(Dsn.TEMPORARY_SYSTEM_ERROR, "cannot execute command \"" + command + "\": " + e.getMessage());
        }
        Thread feeder = Thread.ofVirtual().name("local-stdin").start(() -> feed(p, msg));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().name("local-stdout").start(() -> drain(p.getInputStream(), output));
        try {
            if (!p.waitFor(timeLimit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
                return LocalResult.bounced(Dsn.PERMANENT_SYSTEM_ERROR, "command time limit exceeded: \"" + command + "\"");
            }
            reader.join(Duration.ofSeconds(5));
            feeder.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return LocalResult.deferred(Dsn.TEMPORARY_SYSTEM_ERROR, "interrupted while running command \"" + command + "\"");
        }
        String text;
        synchronized (output) {
            text = output.toString(StandardCharsets.UTF_8);
        }
        return Sysexits.result(p.exitValue(), command, oneLine(text));
    }

    /** Writes the message to the command; a command that stops reading early is not an error. */
    private static void feed(Process p, MessageCopy msg) {
        try (OutputStream in = p.getOutputStream()) {
            msg.write(in, MessageCopy.Format.COMMAND);
        } catch (IOException e) {
            // broken pipe: the exit status tells whether the command was happy
        }
    }

    /** Keeps the first OUTPUT_LIMIT bytes of the output and reads the rest away. */
    private static void drain(InputStream out, ByteArrayOutputStream keep) {
        byte[] buf = new byte[4096];
        try (out) {
            for (int n; (n = out.read(buf)) > 0; ) {
                synchronized (keep) {
                    int room = OUTPUT_LIMIT - keep.size();
                    if (room > 0) keep.write(buf, 0, Math.min(room, n));
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    /** Output made fit for a log line: control characters and runs of space become one space. */
    static String oneLine(String text) {
        return text.replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
    }
}
