// IdleFloor.java - the least a JVM server with one virtual thread per session does for an idle
// SMTP client: accept, a 220 line, a blocking read until the client leaves. No log line, no
// client name lookup, no session state: bench/compare.sh runs it beside our MTA's idle-session
// rows, with the master's own JVM options and the same client (bench/idle_sessions.py), so that
// the time and CPU it takes are what the JDK and the kernel ask of any such server on this
// machine, and the rest of ours is our per-session work.
//
// Usage: java [JVM options] bench/IdleFloor.java PORT[,PORT...]   (a single-file program)
// Listens on 127.0.0.1 (one platform accept thread per port, as our smtpd listeners), prints
// "ready PID" once every port is bound, and runs until killed.
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

public class IdleFloor {
    private static final byte[] GREETING = "220 floor.localdomain ESMTP\r\n".getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws IOException {
        ExecutorService sessions = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().factory());
        for (String port : args[0].split(",")) {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(port)), 65535);
            Thread.ofPlatform().start(() -> {
                while (true) {
                    Socket s;
                    try {
                        s = server.accept();
                    } catch (IOException e) {
                        return;
                    }
                    sessions.execute(() -> session(s));
                }
            });
        }
        System.out.println("ready " + ProcessHandle.current().pid());
        System.out.flush();
    }

    private static void session(Socket s) {
        try (s) {
            s.getOutputStream().write(GREETING);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[512];
            while (in.read(buf) > 0) {
                // an idle client sends nothing; whatever comes is dropped
            }
        } catch (IOException e) {
            // the client left
        }
    }
}
