package mta.master;

import java.io.IOException;
import mta.cleanup.CleanupService;

/**
 * CleanupSwitch - the cleanup service as the other services see it, across reloads.
 *
 * <p>smtpd, pickup, bounce and local hold this object; {@code postfix reload} points it at a
 * cleanup built from the new main.cf, so new messages get the new settings while messages
 * already open finish with the old ones.
 */
final class CleanupSwitch implements CleanupService {
    private volatile CleanupService current;

    void set(CleanupService c) {
        this.current = c;
    }

    @Override
    public Transaction open(Source source) throws IOException {
        return current.open(source);
    }
}
