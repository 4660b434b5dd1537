package mta.qmgr;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * CountingSmtpServer - an SMTP sink for scheduling tests that counts parallel sessions.
 *
 * <p>Accepts any number of connections at once (one virtual thread each) and answers 250 to
 * everything. A session counts as open from its accept until just before the reply to the final
 * dot, so the count never includes a session whose client may already have reported success.
 * A connection the client reuses (the SMTP client's connection cache) counts again from its next
 * MAIL FROM: the count is of deliveries in progress.
 * Optionally holds every final reply until the test releases it ({@link #hold}, {@link #release}).
 * Records the number of RCPT TO commands of each transaction.
 */
final class CountingSmtpServer implements AutoCloseable {
    private final ServerSocket listener;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger max = new AtomicInteger();
    private final List<Integer> transactions = new CopyOnWriteArrayList<>();
    private final Semaphore finalReplies = new Semaphore(0);
    private volatile boolean holding;
    private volatile boolean closed;

    CountingSmtpServer() throws IOException {
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        Thread.ofPlatform().daemon().name("counting-smtp").start(this::accept);
    }

    String nexthop() {
        return "[127.0.0.1]:" + listener.getLocalPort();
    }

    /** Holds final replies until {@link #release}; {@code false} lets all through from now on. */
    void hold(boolean on) {
        holding = on;
        if (!on) finalReplies.release(100_000);
    }

    void release(int n) {
        finalReplies.release(n);
    }

    synchronized int open() {
        return open.get();
    }

    synchronized int maxOpen() {
        return max.get();
    }

    /** One more open session; the count and the maximum change together, so a reader never sees one without the other. */
    private synchronized void enter() {
        max.accumulateAndGet(open.incrementAndGet(), Math::max);
    }

    private synchronized void leave() {
        open.decrementAndGet();
    }

    /** RCPT TO count of each completed transaction, in order. */
    List<Integer> transactions() {
        return List.copyOf(transactions);
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = listener.accept();
                enter();
                Thread.ofVirtual().start(() -> converse(s));
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private void converse(Socket s) {
        boolean counted = true;
        try (s) {
            s.setSoTimeout(20_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            reply(out, "220 counting.test ESMTP");
            int rcpts = 0;
            String line;
            while ((line = in.readLine()) != null) {
                String verb = line.toUpperCase(Locale.ROOT);
                if (verb.startsWith("MAIL") && !counted) {
                    counted = true;
                    enter();
                }
                if (verb.startsWith("EHLO")) reply(out, "250-counting.test\r\n250 8BITMIME");
                else if (verb.startsWith("RCPT")) {
                    rcpts++;
                    reply(out, "250 2.1.5 Ok");
                } else if (verb.startsWith("DATA")) {
                    reply(out, "354 go ahead");
                    String data;
                    while ((data = in.readLine()) != null && !data.equals(".")) {
                        // content is not checked here
                    }
                    if (holding) finalReplies.acquireUninterruptibly();
                    transactions.add(rcpts);
                    rcpts = 0;
                    if (counted) leave();
                    counted = false;
                    reply(out, "250 2.0.0 Ok: queued");
                } else if (verb.startsWith("QUIT")) {
                    reply(out, "221 2.0.0 Bye");
                    break;
                } else reply(out, "250 2.0.0 Ok");
            }
        } catch (IOException e) {
            // the client went away
        } finally {
            if (counted) leave();
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        hold(false);
        listener.close();
    }
}
