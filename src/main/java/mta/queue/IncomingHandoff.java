package mta.queue;

/**
 * IncomingHandoff - how cleanup gives the queue manager a message it has just committed to {@code incoming/}.
 *
 * <p>Carries the queue ID and the envelope as the writer wrote it ({@link QueueFileWriter#envelope()}),
 * so that the queue manager renames {@code incoming/ID} to {@code active/ID} without listing the
 * directory or reading the file back; for a file of up to 16 KB, with its content records, so
 * that its delivery does not read the content back either ({@link QueueFile.Envelope#contentRecords}).
 * The files stay the truth: the rename decides who owns the
 * message, so the queue manager's scan of {@code incoming/} (woken by {@link Trigger}, at start and
 * every {@code queue_run_delay}) and a hand-off never both take it, and a hand-off that is refused
 * or lost leaves the file for that scan. The master wires cleanup to the queue manager through
 * this interface: the daemons do not import each other.
 */
@FunctionalInterface
public interface IncomingHandoff {
    /** Takes nothing: every message waits for the queue manager's scan. */
    IncomingHandoff NONE = (id, envelope) -> false;

    /**
     * Offers the message committed as {@code incoming/<id>}; called only after its commit (file
     * and directory forced).
     *
     * @return true when the queue manager took the offer; false when the caller must wake it
     *     ({@link Trigger#WAKEUP}) so that its scan finds the file
     */
    boolean handOff(String id, QueueFile.Envelope envelope);
}
