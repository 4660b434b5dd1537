package mta.master;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * MasterTraining - the training run from which {@code bin/.build-aot} makes the start-up cache of
 * the master ({@code mta-master.aot} next to the jar, JDK 25 and later; the postfix command
 * passes it to the master when it is there and newer than the jar).
 *
 * <pre>
 * SYNOPSIS
 *     java MASTER_OPTIONS -XX:AOTCacheOutput=mta-master.aot -cp mta.jar mta.master.MasterTraining
 * </pre>
 *
 * <p>Starts the master in this JVM against a throwaway configuration in a temporary directory
 * (smtpd on a free port of 127.0.0.1, the queue, data and log in that directory, everything
 * delivered by the {@code discard} transport), sends one message over SMTP, waits until it is
 * delivered (at most 20 s), stops the master and removes the directory. The JVM records the
 * classes the start and the mail path load and link. Writes nothing outside the temporary
 * directory; prints nothing.
 */
public final class MasterTraining {
    private MasterTraining() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("mta-master-aot");
        try {
            train(dir);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }

    private static void train(Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path maillog = dir.resolve("maillog");
        Files.writeString(etc.resolve("main.cf"), String.join("\n",
                "myhostname = training.example.test",
                "mydestination =",
                "mynetworks = 127.0.0.0/8",
                "queue_directory = " + dir.resolve("spool"),
                "data_directory = " + dir.resolve("data"),
                "maillog_file = " + maillog,
                "maillog_file_prefixes = " + dir,
                "alias_maps =",
                "alias_database =",
                "default_transport = discard",
                "smtpd_peername_lookup = no", ""));
        Files.writeString(etc.resolve("master.cf"), String.join("\n",
                "127.0.0.1:" + port + " inet n - n - 10 smtpd",
                "pickup unix n - n 60 1 pickup",
                "qmgr unix n - n 300 1 qmgr",
                "discard unix - - n - - discard",
                "local unix - n n - - local", ""));
        Master m = Master.start(etc, Master.Options.defaults());
        try {
            session(port);
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (System.nanoTime() < deadline
                    && !(Files.exists(maillog) && Files.readString(maillog).contains("status=sent"))) {
                Thread.sleep(50);
            }
        } finally {
            m.close();
        }
    }

    /** One message, as a client sends it: EHLO, MAIL, RCPT, DATA, QUIT. */
    private static void session(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            reply(in);
            for (String c : new String[] {"EHLO client.example.test", "MAIL FROM:<sender@example.test>",
                    "RCPT TO:<someone@remote.example>", "DATA"}) {
                out.write((c + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                reply(in);
            }
            out.write(("From: sender@example.test\r\nTo: someone@remote.example\r\nSubject: training\r\n\r\n"
                    + "A message.\r\n.\r\nQUIT\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            reply(in);
            reply(in);
        }
    }

    /** Reads one (possibly multi-line) reply. */
    private static void reply(BufferedReader in) throws IOException {
        for (String l; (l = in.readLine()) != null; ) {
            if (l.length() < 4 || l.charAt(3) != '-') return;
        }
    }
}
