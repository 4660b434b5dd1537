package mta.deliver;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import mta.queue.QueueFile;
import mta.queue.TraceFlags;

/**
 * DeliveryRequest - what the queue manager asks a delivery agent to do (Postfix DELIVER_REQUEST).
 *
 * <p>One message, one next-hop, and the recipients for that next-hop. The agent reads the content
 * through {@link #forEachLine}; it never moves or changes the queue file: the queue manager applies
 * the returned statuses. A request that is {@link #verifyOnly} asks the agent only whether it
 * could deliver: a SENT status then means deliverable.
 *
 * @param queueId     the message's queue ID, first in every log line
 * @param queueFile   the file in {@code active/}
 * @param transport   the transport name from master.cf ("smtp", "relay", "local")
 * @param nexthop     where to send: a domain (MX lookup), {@code [host]:port}, or the local host name
 * @param sender      the envelope sender; empty for the null sender
 * @param recipients  the recipients to attempt
 * @param arrival     when the message entered the queue
 * @param activated   when the queue manager took it into the active queue
 * @param contentOffset where the content records start
 * @param contentSize the content size in bytes
 * @param attributes  named attributes of the message (client, protocol, DSN fields, ...)
 * @param contentRecords the file's content records in memory, from the envelope cleanup handed
 *                    over ({@link QueueFile.Envelope#contentRecords}); null: read from the file.
 *                    Never sent to the privileged delivery process: it reads the file.
 */
public record DeliveryRequest(String queueId, Path queueFile, String transport, String nexthop, String sender,
                              List<Recipient> recipients, Instant arrival, Instant activated,
                              long contentOffset, long contentSize, java.util.Map<String, String> attributes,
                              byte[] contentRecords) {

    /** A request whose agent reads the content from the queue file. */
    public DeliveryRequest(String queueId, Path queueFile, String transport, String nexthop, String sender,
                           List<Recipient> recipients, Instant arrival, Instant activated,
                           long contentOffset, long contentSize, java.util.Map<String, String> attributes) {
        this(queueId, queueFile, transport, nexthop, sender, recipients, arrival, activated, contentOffset,
                contentSize, attributes, null);
    }

    /**
     * True for an address verification probe: the agent finds out whether it could deliver to
     * each recipient, and delivers nothing ({@link TraceFlags}).
     */
    public boolean verifyOnly() {
        return TraceFlags.of(attributes).probe();
    }

    /** Receives the message's lines without their CRLF. */
    public interface LineConsumer {
        void line(byte[] buf, int len) throws IOException;
    }

    /**
     * The same message through {@code transport} to {@code nexthop} for {@code recipients}: a part of
     * this request (a retry on another connection, one recipient passed to another transport), its
     * content read from where this request reads it.
     */
    public DeliveryRequest to(String transport, String nexthop, List<Recipient> recipients) {
        return new DeliveryRequest(queueId, queueFile, transport, nexthop, sender, recipients, arrival, activated,
                contentOffset, contentSize, attributes, contentRecords);
    }

    /** Feeds each line of the message (headers, blank line, body), without CRLF. */
    public void forEachLine(LineConsumer consumer) throws IOException {
        if (contentRecords == null) QueueFile.forEachLine(queueFile, contentOffset, consumer::line);
        else QueueFile.forEachLine(contentRecords, queueFile.toString(), contentOffset, consumer::line);
    }
}
