package mta.queue;

/**
 * IncomingHandoff - how cleanup gives the queue manager a message it commits.
 *
 * <p>Before the commit, cleanup asks for room in the active queue ({@link #reserve}, with the
 * message's queue ID). With room, it commits the file straight into {@code active/ID} (a rename
 * inside {@code active/}, where its spare file was: {@link SpareFiles}), and then hands the queue
 * manager the queue ID and the envelope as the writer wrote it ({@link QueueFileWriter#envelope()};
 * for a file of up to 16 KB with its content records, {@link QueueFile.Envelope#contentRecords}):
 * the message is delivered without being renamed again, listed or read back. The scan of
 * {@code incoming/} never sees such a file, so the two never both take a message. Without room
 * (the queue manager stopped, or {@code qmgr_message_active_limit} reached) the file goes to
 * {@code incoming/ID} and the queue manager's scan finds it (woken by {@link Trigger}, at start
 * and every {@code queue_run_delay}); so does a message the queue manager could not take after
 * all, which cleanup moves back there. One left in {@code active/} when the queue manager stops
 * before delivering it is moved back to {@code incoming/} at the next start, as after a crash. The master wires cleanup to the queue manager through this interface: the daemons do
 * not import each other.
 */
public interface IncomingHandoff {
    /** Takes nothing: every message goes to incoming/ and waits for the queue manager's scan. */
    IncomingHandoff NONE = new IncomingHandoff() {
        @Override
        public boolean reserve(String id) {
            return false;
        }

        @Override
        public void release(String id) {
        }

        @Override
        public boolean handOff(String id, QueueFile.Envelope envelope) {
            return false;
        }
    };

    /**
     * Makes room in the active queue for the message cleanup is about to commit as {@code id}.
     *
     * @return true: commit it to {@code active/}, then call {@link #handOff} (or {@link #release}
     *     when the commit fails); false: commit it to {@code incoming/} and wake the scan
     */
    boolean reserve(String id);

    /** Gives back the room {@link #reserve} made, for a message whose commit failed. */
    void release(String id);

    /**
     * Delivers the message committed as {@code active/<id>} after {@link #reserve}; called only
     * after its commit (file and directory forced). {@code envelope} is null when the writer kept
     * none (the queue manager then reads the file).
     *
     * @return false when the queue manager is stopping and did not take it: the caller moves the
     *     file back to {@code incoming/} and wakes the scan
     */
    boolean handOff(String id, QueueFile.Envelope envelope);
}
