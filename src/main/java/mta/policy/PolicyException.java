package mta.policy;

import java.io.IOException;

/**
 * PolicyException - a policy server could not be asked: timeout, lost connection, malformed reply.
 *
 * <p>The message is the reason shown in {@code warning: problem talking to server NAME: reason}.
 */
final class PolicyException extends IOException {
    PolicyException(String reason) {
        super(reason);
    }
}
