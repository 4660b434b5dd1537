package mta.pipe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mta.config.CommandUser;
import mta.util.ExternalCommand;

/**
 * PipeCommand - runs one pipe command: starts it as the service's user, writes the message to its
 * standard input, keeps the start of its output, and waits for it within the time limit.
 *
 * <p>Reads the command's output (standard output and error together, the first
 * {@value #OUTPUT_LIMIT} bytes; tabs and newlines become spaces, other control characters
 * {@code _}); writes the message to it. The command runs directly (no shell) under
 * {@link ExternalCommand}. A command that stops reading early is not an error; its exit status
 * decides. After {@code TRANSPORT_time_limit} the command and everything it started are killed.
 */
final class PipeCommand {
    static final int OUTPUT_LIMIT = 4096;

    /** What writes the message to the command's standard input. */
    interface Feeder {
        void write(OutputStream in) throws IOException;
    }

    /**
     * How the command ended: its exit {@code status} (128+N after signal N), whether the time limit
     * killed it, its {@code output}, or {@code execError} ({@code No such file or directory}) when
     * it could not be started at all (then status is meaningless).
     */
    record Run(String command, int status, boolean timedOut, String output, String execError) {}

    private PipeCommand() {}

    static Run run(List<String> argv, CommandUser user, List<String> exportEnvironment, Path dir, Duration limit,
                   Feeder feeder) {
        String command = argv.get(0);
        if (ExternalCommand.find(command) == null) return new Run(command, 0, false, "", "No such file or directory");
        if (dir != null && !Files.isDirectory(dir)) {
            return new Run(command, 0, false, "", "cannot change directory to \"" + dir + "\" for uid=" + user.uid()
                    + " gid=" + user.gid() + ": No such file or directory");
        }
        Process p;
        try {
            List<String> resolved = new ArrayList<>(argv);
            resolved.set(0, ExternalCommand.find(command).toString());
            p = ExternalCommand.builder(resolved, user.uid(), user.gid(), exportEnvironment, dir)
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Run(command, 0, false, "", reason(e));
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().name("pipe-output")
                .start(() -> ExternalCommand.drain(p.getInputStream(), output, OUTPUT_LIMIT));
        Thread writer = Thread.ofVirtual().name("pipe-input").start(() -> {
            try (OutputStream in = p.getOutputStream()) {
                feeder.write(in);
            } catch (IOException e) {
                // the command stopped reading (broken pipe): its exit status tells
            }
        });
        boolean timedOut = false;
        try {
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                ExternalCommand.killTree(p);
            }
            // A child of the command may hold the output open; don't wait for it forever.
            reader.join(Duration.ofSeconds(2));
            writer.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            ExternalCommand.killTree(p);
            Thread.currentThread().interrupt();
            timedOut = true;
        }
        String text;
        synchronized (output) {
            text = printable(output.toByteArray());
        }
        int status = timedOut ? -1 : p.exitValue();
        String setpriv = timedOut ? null : ExternalCommand.setprivFailure(status, text);
        if (setpriv != null) return new Run(command, status, false, "", setpriv);
        return new Run(command, status, timedOut, text, null);
    }

    /** Tabs and newlines become spaces, other control characters (and broken UTF-8) {@code _}. */
    static String printable(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\t' || c == '\n') out.append(' ');
            else if (c < ' ' || c == 0x7f || c == '\uFFFD') out.append('_');
            else out.append(c);
        }
        return out.toString();
    }

    private static String reason(IOException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        // "Cannot run program "x": error=13, Permission denied"
        int comma = m.lastIndexOf(", ");
        return m.contains("error=") && comma > 0 ? m.substring(comma + 2) : m;
    }
}
