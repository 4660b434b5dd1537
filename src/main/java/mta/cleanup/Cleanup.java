package mta.cleanup;

import java.io.IOException;
import java.nio.file.Path;
import mta.config.Config;
import mta.config.Params;
import mta.queue.IncomingHandoff;
import mta.queue.QueueFileWriter;
import mta.queue.QueueName;
import mta.queue.Queues;
import mta.queue.Trigger;
import mta.rewrite.TrivialRewrite;
import mta.util.MailLog;

/**
 * Cleanup - the cleanup service: turns a submission into a complete queue file in incoming/.
 *
 * <p>Reads {@code myhostname}, {@code myorigin}, the address maps ({@link CleanupMaps}), header
 * address rewriting for local mail ({@link CleanupRewrite}), {@code message_size_limit},
 * {@code line_length_limit}, {@code header_size_limit}, {@code hopcount_limit},
 * {@code cleanup_replace_stray_cr_lf}, {@code always_add_missing_headers},
 * {@code undisclosed_recipients_header}, {@code enable_long_queue_ids},
 * {@code content_filter} (recorded as the message attribute {@code content_filter}),
 * {@code non_smtpd_milters} (run by {@link CleanupMilters} for mail from pickup), and the
 * SMTPUTF8 settings ({@link CleanupEncoding}: the attributes {@code encoding} and {@code smtputf8}). Writes
 * {@code incoming/<ID>} through {@link QueueFileWriter} and hands the committed message to the
 * queue manager ({@link IncomingHandoff}), or wakes it when it does not take the hand-off. The
 * per-message work (headers, -t, missing headers) is in {@link CleanupMessage}.
 */
public final class Cleanup implements CleanupService {
    final Queues queues;
    final MailLog.Channel log;
    final Trigger qmgr;
    final IncomingHandoff handoff;
    final TrivialRewrite rewrite;
    final CleanupMaps maps;
    final CleanupRewrite headerRewrite;
    final CleanupChecks checks;
    final CleanupEncoding encoding;
    final String myhostname;
    final long messageSizeLimit;
    final int lineLengthLimit;
    final int headerSizeLimit;
    final int hopcountLimit;
    final boolean replaceStrayCrLf;
    final boolean alwaysAddMissingHeaders;
    final String undisclosedRecipientsHeader;
    final boolean longIds;
    /** content_filter: transport:nexthop recorded in each message unless the client sets its own. */
    final String contentFilter;
    /** non_smtpd_milters: the milters of mail from sendmail and pickup. */
    final mta.milter.MilterSettings nonSmtpdMilters;

    public Cleanup(Config config, Queues queues, MailLog log, Trigger qmgr) {
        this(config, queues, log, qmgr, IncomingHandoff.NONE);
    }

    /** The same, offering each message committed to incoming/ to the queue manager through {@code handoff}. */
    public Cleanup(Config config, Queues queues, MailLog log, Trigger qmgr, IncomingHandoff handoff) {
        this.queues = queues;
        this.handoff = handoff;
        this.log = log.channel(config.str(Params.SYSLOG_NAME), "cleanup");
        this.qmgr = qmgr;
        this.rewrite = new TrivialRewrite(config);
        this.maps = new CleanupMaps(config, rewrite);
        this.headerRewrite = new CleanupRewrite(config, maps, rewrite);
        this.checks = new CleanupChecks(config);
        this.encoding = new CleanupEncoding(config);
        this.myhostname = config.str(Params.MYHOSTNAME);
        this.messageSizeLimit = config.size(Params.MESSAGE_SIZE_LIMIT);
        this.lineLengthLimit = config.integer(Params.LINE_LENGTH_LIMIT);
        this.headerSizeLimit = config.integer(Params.HEADER_SIZE_LIMIT);
        this.hopcountLimit = config.integer(Params.HOPCOUNT_LIMIT);
        this.replaceStrayCrLf = config.bool(Params.CLEANUP_REPLACE_STRAY_CR_LF);
        this.alwaysAddMissingHeaders = config.bool(Params.ALWAYS_ADD_MISSING_HEADERS);
        this.undisclosedRecipientsHeader = config.str(Params.UNDISCLOSED_RECIPIENTS_HEADER).strip();
        this.longIds = config.bool(Params.ENABLE_LONG_QUEUE_IDS);
        this.contentFilter = config.str(Params.CONTENT_FILTER);
        this.nonSmtpdMilters = mta.milter.MilterSettings.nonSmtpd(config);
    }

    /**
     * A message's file: with a queue manager in this process, written in active/ (over a spare when
     * there is one), where it is committed when the queue manager has room; without one (the
     * privileged delivery process), written in incoming/, where it is always committed.
     */
    @Override
    public Transaction open(Source source) throws IOException {
        Path incoming = queues.dir(QueueName.INCOMING);
        QueueFileWriter w = handoff == IncomingHandoff.NONE ? QueueFileWriter.create(incoming, longIds)
                : QueueFileWriter.create(queues.spares(), incoming, longIds);
        return new CleanupMessage(this, source, w);
    }
}
