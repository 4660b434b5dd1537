package mta.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import mta.cleanup.CleanupService;
import mta.config.Config;
import mta.deliver.DeliveryAgent;
import mta.deliver.DeliveryPass;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;
import mta.deliver.Recipient;
import mta.lookup.TableException;
import mta.mail.Dsn;
import mta.util.MailLog;

/**
 * LocalAgent - the local delivery agent (Postfix local(8)): loop checks, then one
 * {@link LocalDelivery} per recipient.
 *
 * <p>Reads the message headers once per request, then the parameters in {@link LocalSettings},
 * alias tables, the password file, .forward and :include: files. Writes mailboxes, files, the
 * standard input of commands, and forwarded copies through {@link CleanupService}. A message with
 * more than {@code hopcount_limit} {@code Received:} headers, or with a {@code Delivered-To:} header
 * that names the recipient, bounces with {@code 5.4.6 mail forwarding loop for <recipient>}. An
 * alias table that cannot be read defers the recipient (4.3.0). An address verification probe
 * only looks the recipient up ({@link LocalVerify}). With {@code mailbox_transport} (or
 * {@code fallback_transport}) a mailbox delivery is handed to that transport through the queue
 * manager ({@link DeliveryPass}); it logs the delivery, so a recipient whose every delivery was
 * handed over gets that status, already logged.
 */
public final class LocalAgent implements DeliveryAgent {
    private final LocalSettings settings;

    /** The agent; its warnings go to {@code log} ({@code postfix/local}). */
    public LocalAgent(Config config, CleanupService cleanup, MailLog.Channel log) {
        this(config, cleanup, Path.of("/etc/passwd"), log);
    }

    LocalAgent(Config config, CleanupService cleanup, Path passwdFile, MailLog.Channel log) {
        this.settings = LocalSettings.from(config, cleanup, passwdFile, log);
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public List<DeliveryStatus> deliver(DeliveryRequest req) throws IOException {
        return deliver(req, DeliveryPass.NONE);
    }

    /**
     * Delivers each recipient; {@code pass} takes what mailbox_transport and fallback_transport
     * hand over. A recipient whose every delivery was handed over gets that transport's status.
     */
    @Override
    public List<DeliveryStatus> deliver(DeliveryRequest req, DeliveryPass pass) throws IOException {
        Headers headers = Headers.read(req);
        List<DeliveryStatus> out = new ArrayList<>();
        for (Recipient r : req.recipients()) {
            long t0 = System.nanoTime();
            LocalResult result = deliverOne(req, r, headers, pass);
            double secs = (System.nanoTime() - t0) / 1e9;
            // delivered here: a success notice says "delivered"; a deferral is this recipient's. A
            // recipient handed to another transport gets that transport's status.
            out.add(result.passed() != null ? result.passed().forRecipient(r)
                    : new DeliveryStatus(r, result.outcome(), result.dsn(), "local", result.reason(), 0, secs)
                            .asFinalDelivery().at(DeliveryStatus.Stage.DELIVERY));
        }
        return out;
    }

    private LocalResult deliverOne(DeliveryRequest req, Recipient r, Headers headers, DeliveryPass pass) {
        String deliveredTo = r.address().toLowerCase(Locale.ROOT);
        if (headers.received() > settings.hopcountLimit() || headers.deliveredTo().contains(deliveredTo)) {
            return LocalResult.bounced(Dsn.ROUTING_LOOP, "mail forwarding loop for " + r.address());
        }
        try {
            if (req.verifyOnly()) return LocalVerify.check(settings, req, r, pass); // a probe: look, do not deliver
            return new LocalDelivery(settings, req, r, deliveredTo, pass).run();
        } catch (TableException e) {
            return LocalResult.deferred(Dsn.TEMPORARY_SYSTEM_ERROR, "alias database unavailable");
        }
    }

    /** What the loop checks need from the message header: Delivered-To values and the Received count. */
    private record Headers(Set<String> deliveredTo, int received) {
        static Headers read(DeliveryRequest req) throws IOException {
            Set<String> delivered = new HashSet<>();
            int[] received = {0};
            boolean[] inBody = {false};
            req.forEachLine((buf, len) -> {
                if (inBody[0]) return;
                if (len == 0) {
                    inBody[0] = true;
                    return;
                }
                String line = new String(buf, 0, len, StandardCharsets.UTF_8);
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("received:")) received[0]++;
                else if (lower.startsWith("delivered-to:")) delivered.add(lower.substring(13).strip());
            });
            return new Headers(delivered, received[0]);
        }
    }
}
