package mta.queue;

/**
 * QueueName - the queue directories under {@code queue_directory}, as Postfix names them.
 *
 * <p>A message's state is the directory its file is in (see package-info). {@code defer} and
 * {@code bounce} are not queues but logs, one file per message, that say why a recipient is
 * delayed or failed. {@code hashed} queues keep files in one-character subdirectories.
 */
public enum QueueName {
    MAILDROP("maildrop", false),
    INCOMING("incoming", false),
    ACTIVE("active", false),
    DEFERRED("deferred", true),
    HOLD("hold", false),
    CORRUPT("corrupt", false),
    DEFER("defer", true),
    BOUNCE("bounce", false);

    public final String dir;
    public final boolean hashed;

    QueueName(String dir, boolean hashed) {
        this.dir = dir;
        this.hashed = hashed;
    }

    /** The queue named {@code name} ("deferred"), or null. */
    public static QueueName of(String name) {
        for (QueueName q : values()) if (q.dir.equals(name)) return q;
        return null;
    }
}
