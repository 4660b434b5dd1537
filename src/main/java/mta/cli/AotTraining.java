package mta.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import mta.config.ConfigLoader;
import mta.config.Params;

/**
 * AotTraining - the training run from which {@code bin/.build-aot} makes the start-up cache of the
 * short-lived commands (the JDK's ahead-of-time cache, or a CDS archive on older JDKs).
 *
 * <pre>
 * SYNOPSIS
 *     java -XX:AOTCacheOutput=mta.aot -cp mta.jar mta.cli.AotTraining
 * </pre>
 *
 * <p>Runs, in one JVM and against a throwaway configuration in a temporary directory, what the
 * commands of a script do most: {@code sendmail -t -i} and {@code sendmail rcpt} posting into
 * maildrop (once with a listener on {@code public/pickup}, as when the mail system runs, once
 * without), {@code mailq} on a queue, {@code postqueue -p}, {@code postconf -h} and {@code -n}.
 * The JVM records the classes they load and link; later launches map them from the cache
 * instead of reading, verifying and linking them from the jar. Writes nothing outside the
 * temporary directory, which it removes; prints nothing (the commands' output is discarded).
 */
public final class AotTraining {
    private AotTraining() {}

    private static final String MESSAGE = """
            From: cron@example.test
            To: root@example.test, Other <other@example.test>
            Subject: training

            A message as cron sends it.
            .. a line with a dot
            """;

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("mta-aot");
        PrintStream devNull = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        try {
            train(dir, devNull);
        } finally {
            delete(dir);
        }
        System.exit(0);
    }

    private static void train(Path dir, PrintStream out) throws IOException {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(etc.resolve("main.cf"), "myhostname = aot.example.test\n"
                + "queue_directory = " + dir.resolve("spool") + "\n"
                + "data_directory = " + dir.resolve("data") + "\n");
        String c = etc.toString();
        ConfigLoader.directory(null); // as without -C: MAIL_CONFIG from the environment
        // The mail system down: no pickup socket (creates the queue directories on the way).
        Sendmail.run(new String[] {"-C", c, "-t", "-i"}, message(), out, out);
        // The mail system up: pickup listens on public/pickup.
        Path pickup = dir.resolve("spool/public/pickup");
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(pickup));
            for (int i = 0; i < 3; i++) {
                Sendmail.run(new String[] {"-C", c, "-t", "-i"}, message(), out, out);
                Sendmail.run(new String[] {"-C", c, "-f", "cron@example.test", "root@example.test"}, message(), out, out);
            }
        } finally {
            Files.deleteIfExists(pickup);
        }
        Sendmail.run(new String[] {"-C", c, "-bp"}, message(), out, out);
        Postqueue.run(new String[] {"-c", c, "-p"}, out, out);
        Postconf.run(new String[] {"-c", c, "-h", Params.QUEUE_DIRECTORY.name(), Params.MAIL_VERSION.name()}, out, out);
        Postconf.run(new String[] {"-c", c, "-n"}, out, out);
    }

    private static InputStream message() {
        return new ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.UTF_8));
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
