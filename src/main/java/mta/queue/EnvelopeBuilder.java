package mta.queue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * EnvelopeBuilder - the envelope records of a queue file, in file order, into a {@link QueueFile.Envelope}.
 *
 * <p>Reads nothing itself: {@link QueueFile#readEnvelope} feeds it the records it reads back, and
 * {@link QueueFileWriter} the records it writes, so that the envelope cleanup hands to the queue
 * manager ({@link IncomingHandoff}) is the one a reader of the file would find. A record that a
 * reader would refuse raises {@link QueueFile.Corrupt}.
 */
final class EnvelopeBuilder {
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private final String file;
    private boolean versionSeen;
    private long arrival;
    private String sender;
    private String fullName = "";
    private String original;
    private String notify;
    private String orcpt;
    private long size;
    private final Map<String, String> attrs = new LinkedHashMap<>();
    private final List<QueueFile.Recipient> rcpts = new ArrayList<>();

    EnvelopeBuilder(String file) {
        this.file = file;
    }

    /** One record before MESSAGE: its offset in the file, its type and its text. */
    void add(long offset, RecordType t, String s) throws QueueFile.Corrupt {
        if (!versionSeen) {
            if (t != RecordType.VERSION) throw new QueueFile.Corrupt(file + ": no version record");
            versionSeen = true;
            return;
        }
        try {
            switch (t) {
                case SIZE -> size = Long.parseLong(SPACES.split(s.strip())[0]);
                case TIME -> arrival = Long.parseLong(s.strip());
                case FULLNAME -> fullName = s;
                case ATTRIBUTE -> {
                    int eq = s.indexOf('=');
                    if (eq > 0) attrs.put(s.substring(0, eq), s.substring(eq + 1));
                }
                case SENDER -> sender = s;
                case ORIGINAL_RECIPIENT -> original = s;
                case DSN_NOTIFY -> notify = s;
                case DSN_ORCPT -> orcpt = s;
                case RECIPIENT, DONE -> {
                    rcpts.add(new QueueFile.Recipient(s, original, offset, t == RecordType.DONE, notify, orcpt));
                    original = null;
                    notify = null;
                    orcpt = null;
                }
                case END -> throw new QueueFile.Corrupt(file + ": no message content");
                default -> throw new QueueFile.Corrupt(file + ": unexpected record type " + t.label + " in envelope");
            }
        } catch (NumberFormatException e) {
            throw new QueueFile.Corrupt(file + ": bad number in envelope");
        }
    }

    /** The envelope, at the MESSAGE record that starts the content at {@code contentOffset}. */
    QueueFile.Envelope build(long contentOffset) throws QueueFile.Corrupt {
        return envelope(contentOffset, null);
    }

    /**
     * As {@link #build}, with the content size the writer filled in at commit (its SIZE record then
     * says so too), and the content records it still holds (null when it does not).
     */
    QueueFile.Envelope build(long contentOffset, long contentSize, byte[] contentRecords) throws QueueFile.Corrupt {
        size = contentSize;
        return envelope(contentOffset, contentRecords);
    }

    private QueueFile.Envelope envelope(long contentOffset, byte[] contentRecords) throws QueueFile.Corrupt {
        if (!versionSeen) throw new QueueFile.Corrupt(file + ": no version record");
        if (sender == null) throw new QueueFile.Corrupt(file + ": no sender record");
        return new QueueFile.Envelope(arrival, sender, fullName, attrs, rcpts, contentOffset, size, contentRecords);
    }
}
