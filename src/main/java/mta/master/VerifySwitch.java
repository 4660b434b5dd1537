package mta.master;

import java.io.IOException;
import java.time.Duration;
import mta.config.Config;
import mta.config.MasterCf;
import mta.config.Params;
import mta.queue.VerifyClient;
import mta.util.MailLog;
import mta.verify.Verify;

/**
 * VerifySwitch - the address verification service as smtpd and the queue manager see it, across reloads.
 *
 * <p>Reads master.cf: the service runs (in this JVM) while an entry named
 * {@code address_verify_service_name} (default {@code verify}) has the command {@code verify};
 * {@code postfix reload} starts it, reconfigures it or stops it to match. Without it every request
 * fails as a service failure, as a Postfix whose master.cf lacks the verify line:
 * reject_unverified_* then answer with their tempfail action ("address verification problem").
 */
final class VerifySwitch implements VerifyClient, AutoCloseable {
    private volatile Verify current;

    /** Starts, reconfigures or stops the service to match master.cf and main.cf. */
    void update(MasterCf masterCf, Config config, mta.cleanup.CleanupService cleanup, MailLog mailLog) {
        String name = config.str(Params.ADDRESS_VERIFY_SERVICE_NAME).strip();
        boolean wanted = masterCf.services().stream()
                .anyMatch(s -> s.name().equals(name) && s.command().equals("verify"));
        Verify v = current;
        if (!wanted) {
            current = null;
            if (v != null) v.close();
        } else if (v == null) {
            current = new Verify(config, cleanup, mailLog);
        } else {
            v.reconfigure(config);
        }
    }

    private Verify service() throws IOException {
        Verify v = current;
        if (v == null) throw new IOException("the verify service is not configured in master.cf");
        return v;
    }

    @Override
    public Result query(String address) throws IOException {
        return service().query(address);
    }

    @Override
    public boolean update(String address, Status status, String text) throws IOException {
        return service().update(address, status, text);
    }

    @Override
    public void awaitUpdate(String address, Duration maxWait) throws InterruptedException {
        Verify v = current;
        if (v != null) v.awaitUpdate(address, maxWait);
    }

    @Override
    public boolean isProbeSender(String address) {
        Verify v = current;
        return v != null && v.isProbeSender(address);
    }

    @Override
    public void close() {
        Verify v = current;
        current = null;
        if (v != null) v.close();
    }
}
