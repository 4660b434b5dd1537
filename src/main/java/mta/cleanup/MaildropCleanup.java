package mta.cleanup;

import java.io.IOException;
import mta.config.Config;
import mta.config.Params;
import mta.mail.Address;
import mta.mail.Reply;
import mta.queue.MaildropFile;
import mta.queue.Queues;
import mta.util.MailLog;

/**
 * MaildropCleanup - a cleanup service that posts into maildrop/, as postdrop does, for a local submitter.
 *
 * <p>The stand-alone SMTP server of {@code sendmail -bs} runs as the user who posts, outside the
 * mail system, so it cannot write incoming/. Each message goes to {@code maildrop/<ID>} in the
 * format {@code sendmail} writes ({@link MaildropFile}) and pickup is woken; pickup then passes
 * the message through the real cleanup with {@code rewrite_context=local}. Reads
 * {@code queue_directory}, {@code enable_long_queue_ids} and {@code line_length_limit}. The
 * maildrop format keeps the sender, the recipients and the content only: DSN requests, attributes
 * and an arrival time given here are not kept.
 */
public final class MaildropCleanup implements CleanupService {
    private final Queues queues;
    private final boolean longIds;
    private final int lineLimit;
    private final MailLog.Channel log;

    public MaildropCleanup(Config config, MailLog log) {
        this.queues = new Queues(config.path(Params.QUEUE_DIRECTORY));
        this.longIds = config.bool(Params.ENABLE_LONG_QUEUE_IDS);
        this.lineLimit = config.integer(Params.LINE_LENGTH_LIMIT);
        this.log = log.channel("postdrop");
    }

    @Override
    public Transaction open(Source source) throws IOException {
        return new Drop(MaildropFile.create(queues, longIds, lineLimit));
    }

    /** One message on its way into maildrop/. */
    private final class Drop implements Transaction {
        private final MaildropFile file;

        Drop(MaildropFile file) {
            this.file = file;
        }

        @Override
        public String queueId() {
            return file.id();
        }

        @Override
        public void sender(Address sender, String fullName) throws IOException {
            file.fullName(fullName);
            file.sender(sender.toString());
        }

        @Override
        public void recipient(Address rcpt, String original) throws IOException {
            file.recipient(rcpt.toString());
        }

        @Override
        public void attribute(String name, String value) {
            // the maildrop format has no room for the client's attributes; pickup sets its own
        }

        @Override
        public void arrivalTime(long epochMillis) {
            // the file records the time it was created
        }

        @Override
        public void line(byte[] buf, int len, boolean more) throws IOException {
            file.line(buf, 0, len, more);
        }

        @Override
        public String commit() throws CleanupException {
            try {
                if (!file.commit()) log.warn("unable to look up public/pickup: No such file or directory");
                return file.id();
            } catch (IOException e) {
                log.warn("cannot write " + file.id() + " to maildrop: " + e.getMessage());
                throw new CleanupException(Reply.QUEUE_FILE_ERROR, e.getMessage(), e);
            }
        }

        @Override
        public void abort() {
            file.abort();
        }
    }
}
