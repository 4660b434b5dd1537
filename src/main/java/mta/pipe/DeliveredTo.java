package mta.pipe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import mta.deliver.DeliveryRequest;

/**
 * DeliveredTo - the mail-loop test of flag {@code D}: does the message already carry
 * {@code Delivered-To: recipient}?
 *
 * <p>Reads the message headers from the queue file (up to the empty line that ends them); writes
 * nothing. The comparison ignores case, as pipe(8)'s does.
 */
final class DeliveredTo {
    private DeliveredTo() {}

    /** Stops the line walk at the end of the headers. */
    private static final class EndOfHeaders extends IOException {
        EndOfHeaders() {
            super("end of headers");
        }
    }

    static boolean contains(DeliveryRequest req, String recipient) throws IOException {
        String prefix = "delivered-to:";
        boolean[] found = {false};
        try {
            req.forEachLine((buf, len) -> {
                if (len == 0) throw new EndOfHeaders();
                if (len > prefix.length()) {
                    String line = new String(buf, 0, len, StandardCharsets.UTF_8);
                    if (line.regionMatches(true, 0, prefix, 0, prefix.length())
                            && line.substring(prefix.length()).strip().equalsIgnoreCase(recipient)) {
                        found[0] = true;
                        throw new EndOfHeaders();
                    }
                }
            });
        } catch (EndOfHeaders done) {
            // the rest is body
        }
        return found[0];
    }
}
