package mta.postscreen;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import mta.mail.Reply;
import mta.postscreen.PostscreenCache.Test;
import mta.util.HaproxyHeader;

/**
 * PostscreenSession - one client's way through postscreen, on its own virtual thread, ending in smtpd or a refusal.
 *
 * <p>In order: the PROXY header when a proxy is in front ({@code postscreen_upstream_proxy_protocol});
 * {@code CONNECT from [ip]:port to [ip]:port}; the permanent access list
 * ({@code ALLOWLISTED}: straight to smtpd; {@code DENYLISTED}: the denylist action); the cache
 * (every due test passed before: {@code PASS OLD}, straight to smtpd); the tests before the 220
 * greeting: the {@code 220-} teaser line and the greet wait, during which a client that talks is
 * logged as {@code PREGREET n after t from [ip]:port: text} and the DNSBL answers come in
 * ({@code DNSBL rank n for [ip]:port} at or above the threshold). Then: a DROP failure has
 * already ended the connection with a 521 reply; an ENFORCE failure or a due deep test goes to
 * {@link PostscreenEngine}; otherwise {@code PASS NEW} (when every due test passed), the cache
 * is updated and the client goes to smtpd through {@link PostscreenHandoff}, with any bytes it
 * sent too early. Reads and writes the client's socket; reads and writes the cache.
 */
final class PostscreenSession implements PostscreenEngine.Tests {
    private final Socket socket;
    private final PostscreenListener.Current cur;
    private final PostscreenSettings s;
    private InetSocketAddress client;
    private InetSocketAddress server;
    private String label;
    private String ip;
    private long[] times;
    private long now;
    private final Set<Test> due = EnumSet.noneOf(Test.class);
    /** Tests whose failure was ignored: no PASS NEW this time. */
    private boolean ignoredFailure;
    private Reply failReply;
    private boolean deepConcluded;
    private OutputStream out;

    PostscreenSession(Socket socket, PostscreenListener.Current cur) {
        this.socket = socket;
        this.cur = cur;
        this.s = cur.settings();
    }

    /** Runs the screening and, when the client may go on, its smtpd session; closes the socket at the end. */
    void run() {
        boolean handedOff = false;
        try {
            handedOff = screen();
        } catch (IOException e) {
            // the client is gone; what is worth a line was logged where it happened
        } finally {
            if (!handedOff) close();
        }
    }

    /** True when the connection went to smtpd (which closed it). */
    private boolean screen() throws IOException {
        client = (InetSocketAddress) socket.getRemoteSocketAddress();
        server = (InetSocketAddress) socket.getLocalSocketAddress();
        out = socket.getOutputStream();
        socket.setTcpNoDelay(true);
        if (s.upstreamProxy && !proxied()) return false;
        ip = client.getAddress().getHostAddress();
        label = "[" + ip + "]:" + client.getPort();
        log("CONNECT from " + label + " to [" + server.getAddress().getHostAddress() + "]:" + server.getPort());
        switch (cur.access().check(client.getAddress())) {
            case PERMIT -> {
                log((s.respectfulLogging ? "ALLOWLISTED " : "WHITELISTED ") + label);
                return handOff(new byte[0]);
            }
            case REJECT -> {
                log((s.respectfulLogging ? "DENYLISTED " : "BLACKLISTED ") + label);
                if (s.denylistAction == PostscreenAction.DROP) return drop(Reply.SCREEN_DENIED.dropping());
                if (s.denylistAction == PostscreenAction.ENFORCE) failReply = Reply.SCREEN_DENIED;
            }
            case DUNNO -> { }
        }
        now = System.currentTimeMillis() / 1000;
        times = cur.cache().get(ip);
        due(Test.PREGREET, true);
        due(Test.DNSBL, !s.dnsblSites.isEmpty());
        due(Test.PIPELINING, s.pipeliningEnable);
        due(Test.NON_SMTP_COMMAND, s.nonSmtpEnable);
        due(Test.BARE_NEWLINE, s.bareNewlineEnable);
        if (due.isEmpty() && failReply == null) {
            log("PASS OLD " + label);
            return handOff(new byte[0]);
        }
        if (!cur.admitScreening()) {
            log("NOQUEUE: reject: CONNECT from " + label + ": all screening ports busy");
            return drop(Reply.SCREENING_PORTS_BUSY);
        }
        try {
            return beforeGreeting();
        } finally {
            cur.endScreening();
        }
    }

    /**
     * Reads the PROXY header of {@code postscreen_upstream_proxy_protocol = haproxy}: the real
     * client and server replace the socket's ends. False (logged) when it is missing or bad.
     */
    private boolean proxied() {
        try {
            HaproxyHeader.Addresses a = HaproxyHeader.read(socket, s.upstreamProxyTimeout);
            if (a != null) {
                client = a.client();
                server = a.server();
            }
            return true;
        } catch (SocketTimeoutException e) {
            cur.log().warn("haproxy read: timeout error");
        } catch (java.io.EOFException e) {
            cur.log().info("haproxy read: lost connection from [" + client.getAddress().getHostAddress() + "]");
        } catch (IOException e) {
            cur.log().warn("haproxy read: " + e.getMessage());
        }
        return false;
    }

    private void due(Test t, boolean enabled) {
        if (enabled && times[t.ordinal()] <= now) due.add(t);
    }

    /** The pregreet and DNSBL tests, then the engine or smtpd. */
    private boolean beforeGreeting() throws IOException {
        long start = System.nanoTime();
        PostscreenDnsbl.Lookup dnsbl = due.contains(Test.DNSBL)
                ? cur.dnsbl().start(client.getAddress(), s.dnsblSites) : null;
        ByteArrayOutputStream early = new ByteArrayOutputStream();
        long deadline = start + s.greetWait.toNanos();
        boolean allowlisted = false;
        if (due.contains(Test.PREGREET)) {
            if (!s.greetBanner.isEmpty()) send("220-" + s.greetBanner);
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[1024];
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) break;
                if (dnsbl != null && dnsbl.all.isDone() && early.size() == 0 && allowlisted(dnsbl)) {
                    allowlisted = true;
                    break;
                }
                socket.setSoTimeout((int) Math.max(1, Math.min(left, dnsbl != null && !dnsbl.all.isDone() ? 50 : left)));
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (n < 0) {
                    log("HANGUP after " + elapsed(start) + " from " + label + " in tests before SMTP handshake");
                    return false;
                }
                if (early.size() == 0) {
                    log("PREGREET " + n + " after " + elapsed(start) + " from " + label + ": " + escape(buf, n));
                    if (s.greetAction == PostscreenAction.DROP) return drop(Reply.SCREEN_PROTOCOL_ERROR.dropping());
                    if (s.greetAction == PostscreenAction.ENFORCE) failReply = Reply.SCREEN_PROTOCOL_ERROR;
                    else ignoredFailure = true;
                }
                early.write(buf, 0, n);
                if (early.size() > 65536) break; // enough to judge; the rest stays in the socket
            }
            if (early.size() == 0) times[Test.PREGREET.ordinal()] = now + s.greetTtl.toSeconds();
        } else if (dnsbl != null) {
            dnsbl.await(s.greetWait.toMillis());
        }
        if (dnsbl != null) {
            dnsbl.await(0);
            PostscreenDnsbl.Score score = dnsbl.score();
            if (allowlisted || allowlisted(dnsbl)) {
                allowlisted = true;
            } else if (score.score() >= s.dnsblThreshold) {
                log("DNSBL rank " + score.score() + " for " + label);
                Reply reply = Reply.screenBlocked(ip, cur.replyName(score.domain()));
                if (s.dnsblAction == PostscreenAction.DROP) return drop(reply.dropping());
                if (s.dnsblAction == PostscreenAction.ENFORCE) failReply = reply;
                else ignoredFailure = true;
            } else {
                times[Test.DNSBL.ordinal()] = now + s.dnsblTtl.toSeconds();
            }
        }
        if (allowlisted && failReply == null) {
            // a good enough DNS reputation: every other test counts as passed
            for (Test t : Test.values()) times[t.ordinal()] = Math.max(times[t.ordinal()], now + ttl(t));
            log("PASS NEW " + label);
            cur.cache().put(ip, times);
            return handOff(early.toByteArray());
        }
        boolean deepDue = due.contains(Test.PIPELINING) || due.contains(Test.NON_SMTP_COMMAND)
                || due.contains(Test.BARE_NEWLINE);
        if (failReply != null || deepDue) {
            cur.cache().put(ip, times); // the tests passed so far
            InputStream in = new SequenceInputStream(new ByteArrayInputStream(early.toByteArray()), socket.getInputStream());
            new PostscreenEngine(s, label, in, out, this).run(socket);
            return false;
        }
        if (!ignoredFailure) log("PASS NEW " + label);
        cur.cache().put(ip, times);
        return handOff(early.toByteArray());
    }

    private boolean allowlisted(PostscreenDnsbl.Lookup dnsbl) {
        return s.dnsblAllowlistThreshold < 0 && dnsbl.score().score() <= s.dnsblAllowlistThreshold;
    }

    private long ttl(Test t) {
        return switch (t) {
            case PREGREET -> s.greetTtl.toSeconds();
            case DNSBL -> s.dnsblTtl.toSeconds();
            case PIPELINING -> s.pipeliningTtl.toSeconds();
            case NON_SMTP_COMMAND -> s.nonSmtpTtl.toSeconds();
            case BARE_NEWLINE -> s.bareNewlineTtl.toSeconds();
        };
    }

    /** Hands the connection to smtpd, unless too many clients are talking to it through postscreen. */
    private boolean handOff(byte[] early) throws IOException {
        if (!cur.admitSmtpd()) {
            log("NOQUEUE: reject: CONNECT from " + label + ": all server ports busy");
            drop(Reply.SERVER_PORTS_BUSY);
            return false;
        }
        try {
            socket.setSoTimeout(0);
            cur.handoff().pass(socket, early, client, server);
        } finally {
            cur.endSmtpd();
        }
        return true;
    }

    private boolean drop(Reply reply) {
        try {
            send(reply.toString());
        } catch (IOException ignored) {
            // the client is gone
        }
        return false;
    }

    private void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    // ------------------------------------------------------------------ PostscreenEngine.Tests

    @Override
    public boolean due(Test t) {
        return due.contains(t);
    }

    @Override
    public boolean failed(Test t, Reply enforceReply) throws IOException {
        PostscreenAction a = switch (t) {
            case PIPELINING -> s.pipeliningAction;
            case NON_SMTP_COMMAND -> s.nonSmtpAction;
            case BARE_NEWLINE -> s.bareNewlineAction;
            default -> PostscreenAction.IGNORE;
        };
        due.remove(t);
        switch (a) {
            case DROP -> {
                send(Reply.SCREEN_PROTOCOL_ERROR.dropping().toString());
                return false;
            }
            case ENFORCE -> failReply = enforceReply;
            case IGNORE -> times[t.ordinal()] = now + ttl(t); // not repeated before another result expires
        }
        return true;
    }

    @Override
    public void passed() {
        if (deepConcluded) return;
        deepConcluded = true;
        if (failReply != null) return;
        for (Test t : due) times[t.ordinal()] = now + ttl(t);
        due.clear();
        if (!ignoredFailure) log("PASS NEW " + label);
        cur.cache().put(ip, times);
    }

    @Override
    public Reply failReply() {
        return failReply;
    }

    @Override
    public void log(String text) {
        cur.log().info(text);
    }

    @Override
    public String elapsed(long startNanos) {
        return String.format(Locale.ROOT, "%.2f", (System.nanoTime() - startNanos) / 1e9);
    }

    /** Up to 100 bytes as text: CR and LF as {@code \r} and {@code \n}, other control bytes as {@code ?}. */
    static String escape(byte[] b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(n, 100); i++) {
            int c = b[i] & 0xff;
            if (c == '\r') sb.append("\\r");
            else if (c == '\n') sb.append("\\n");
            else if (c == '\t') sb.append("\\t");
            else if (c == '\\') sb.append("\\\\");
            else sb.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        return sb.toString();
    }
}
