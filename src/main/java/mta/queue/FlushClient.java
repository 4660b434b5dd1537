package mta.queue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * FlushClient - asks the running mail system's flush service (on {@code public/flush}) to deliver a site's mail.
 *
 * <p>The request is one line, {@code send_site example.com}; the answer one word, a
 * {@link Status}. Used by {@code postqueue -s} and {@code sendmail -qR}; the protocol's other end
 * is the master's flush service (package {@code flush}).
 */
public final class FlushClient {
    /** The flush service's answers, as Postfix's FLUSH_STAT_*. */
    public enum Status {
        /** The site's deferred mail is due now (or there was none). */
        OK,
        /** The site is not in fast_flush_domains. */
        DENY,
        /** The site is no domain name or address literal. */
        BAD,
        /** The service failed, or is not running (the mail system is down). */
        FAIL;

        /** The word on the wire. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The status a word names; FAIL for anything else. */
        public static Status of(String word) {
            for (Status s : values()) if (s.word().equals(word)) return s;
            return FAIL;
        }
    }

    private FlushClient() {}

    /** Asks for the delivery of {@code site}'s deferred mail. */
    public static Status sendSite(Queues queues, String site) {
        Path path = TriggerClient.socket(queues, "flush");
        if (!Files.exists(path)) return Status.FAIL;
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(path));
            ch.write(ByteBuffer.wrap(("send_site " + site + "\n").getBytes(StandardCharsets.UTF_8)));
            String answer = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8))
                    .readLine();
            return answer == null ? Status.FAIL : Status.of(answer.strip());
        } catch (IOException | UnsupportedOperationException e) {
            return Status.FAIL;
        }
    }
}
