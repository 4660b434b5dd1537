package mta.queue;

/**
 * Trigger - a one-letter wake-up request to a service, as on Postfix's {@code public/} sockets.
 *
 * <p>Carries no data: the state is in the queue directories, and the letter says which to look at.
 */
@FunctionalInterface
public interface Trigger {
    /** New mail in incoming/ (qmgr), or in maildrop/ (pickup). */
    char WAKEUP = 'W';
    /** Scan the incoming queue. */
    char SCAN_INCOMING = 'I';
    /** Scan the deferred queue. */
    char SCAN_DEFERRED = 'D';
    /** Scan all queues, ignoring the retry times (postqueue -f). */
    char SCAN_ALL = 'A';
    /**
     * Forget which destinations are dead ("delivery temporarily suspended"), so that the next scan
     * tries them at once (postqueue -f and sendmail -q send F, then A; postqueue -i and -s send F, then D).
     */
    char FLUSH = 'F';

    void trigger(char request);
}
