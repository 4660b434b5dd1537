package mta.deliver;

import java.util.List;
import mta.queue.QueueFile;

/**
 * Recipient - one recipient of a delivery request, as an agent sees it (Postfix's RECIPIENT in a
 * DELIVER_REQUEST): the address to deliver to, the original address, where its record is in the
 * queue file (the queue manager marks it done there), and its RFC 3461 NOTIFY and ORCPT. The
 * agents know only this type, not the queue file's records.
 *
 * @param address   the address to deliver to
 * @param original  the address as first received, or null
 * @param offset    the offset of the recipient's record in the queue file
 * @param dsnNotify the NOTIFY request ("SUCCESS,DELAY", "NEVER", ...), or null
 * @param dsnOrcpt  the ORCPT parameter, or null
 */
public record Recipient(String address, String original, long offset, String dsnNotify, String dsnOrcpt) {
    /** The queue file's recipient record, for a delivery request. */
    public static Recipient of(QueueFile.Recipient r) {
        return new Recipient(r.address(), r.original(), r.offset(), r.dsnNotify(), r.dsnOrcpt());
    }

    /** The queue file's recipient records, for a delivery request. */
    public static List<Recipient> of(List<QueueFile.Recipient> rs) {
        return rs.stream().map(Recipient::of).toList();
    }
}
