package mta.postdrop;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.ConfigLoader;
import mta.config.Params;
import mta.mail.AddressList;
import mta.mail.MailAttributes;
import mta.queue.MaildropFile;
import mta.queue.QueueName;
import mta.queue.Queues;

/**
 * Postdrop - the posting core of sendmail(1): checks a parsed posting ({@link #prepare}), then
 * streams the message from an input stream into a new {@code maildrop/} file and wakes pickup
 * ({@link #post}), as Postfix's postdrop(1). Used by the {@code sendmail} command for its own
 * process and by the master's {@code public/postdrop} service for the caller the socket names.
 * Reads the message; writes {@code maildrop/ID} and the errors ({@code sendmail: fatal: ...}).
 */
public final class Postdrop {
    static final int EX_OK = 0;
    static final int EX_TEMPFAIL = SendmailOptions.EX_TEMPFAIL;

    private Postdrop() {}

    /** A posting ready to read its message: the checks passed, the sender defaulted. */
    public record Posting(int exit, Queues queues, Config config, Poster poster, String sender, String fullName,
                          List<String> rcpts, boolean extract, boolean dotEnds, SendmailRequest.DsnRequest dsn) {}

    /** Loads the configuration of {@code dir}; null after printing {@code prog: fatal: ...} (exit EX_TEMPFAIL). */
    public static Config loadConfig(String prog, Path dir, PrintStream err) {
        try {
            return ConfigLoader.load(dir).config();
        } catch (ConfigException e) {
            err.println(prog + ": fatal: " + e.getMessage());
            return null;
        }
    }

    /** The checks of a posting before its message is read: recipients given; the default sender. */
    public static Posting prepare(SendmailRequest r, Config config, Poster poster, PrintStream err) {
        Queues queues = new Queues(config.path(Params.QUEUE_DIRECTORY));
        if (r.rcpts().isEmpty() && !r.extract()) {
            err.println("sendmail: fatal: " + poster.login() + "(" + poster.uid() + "): Recipient addresses must be"
                    + " specified on the command line or via the -t option");
            return new Posting(EX_TEMPFAIL, null, null, null, null, null, null, false, true, null);
        }
        String sender = r.sender() == null ? poster.login() : r.sender();
        if (sender.equals("<>")) sender = "";
        String fullName = r.fullName() == null ? "" : r.fullName();
        return new Posting(-1, queues, config, poster, sender, fullName, r.rcpts(), r.extract(), r.dotEnds(), r.dsn());
    }

    /** postdrop: writes the message to maildrop/ (pickup sees it); the message is streamed, never held. */
    public static int post(Posting p, InputStream in, PrintStream err) {
        Queues queues = p.queues();
        Config config = p.config();
        SendmailRequest.DsnRequest dsn = p.dsn();
        MaildropFile m;
        try {
            m = MaildropFile.create(queues, config.bool(Params.ENABLE_LONG_QUEUE_IDS),
                    config.integer(Params.LINE_LENGTH_LIMIT), p.poster().uid());
        } catch (IOException e) {
            err.println("sendmail: fatal: cannot create a file in " + queues.dir(QueueName.MAILDROP) + ": " + e.getMessage());
            return EX_TEMPFAIL;
        }
        boolean pickupWoken;
        try (m) {
            m.fullName(p.fullName());
            if (p.extract()) m.attribute(MailAttributes.EXTRACT_RECIPIENTS, "yes");
            if (dsn.ret() != null) m.attribute(MailAttributes.DSN_RET, dsn.ret());
            if (dsn.envid() != null) m.attribute(MailAttributes.DSN_ENVID, dsn.envid());
            m.sender(p.sender());
            for (String r : p.rcpts()) {
                for (String one : AddressList.parse(r)) {
                    // An empty address (<>) is empty_address_recipient's, as Postfix's cleanup makes it.
                    m.recipient(one.isEmpty() ? config.str(Params.EMPTY_ADDRESS_RECIPIENT) : one, dsn.notifyEach());
                }
            }
            copyMessage(in, m, p.dotEnds());
            pickupWoken = m.commit();
        } catch (IOException e) {
            err.println("sendmail: fatal: cannot write the message: " + e.getMessage());
            return EX_TEMPFAIL;
        }
        if (!pickupWoken) {
            err.println("postdrop: warning: unable to look up public/pickup: No such file or directory");
        }
        return EX_OK;
    }

    /** Copies standard input line by line: LF or CRLF ends a line; "." alone ends the message unless -i. */
    private static void copyMessage(InputStream raw, MaildropFile w, boolean dotEnds) throws IOException {
        InputStream in = new BufferedInputStream(raw, 65536);
        byte[] line = new byte[1024];
        int len = 0;
        int c;
        boolean any = false;
        while ((c = in.read()) != -1) {
            any = true;
            if (c == '\n') {
                if (len > 0 && line[len - 1] == '\r') len--;
                if (dotEnds && len == 1 && line[0] == '.') return;
                w.line(line, 0, len);
                len = 0;
                any = false;
                continue;
            }
            if (len == line.length) line = Arrays.copyOf(line, line.length * 2);
            line[len++] = (byte) c;
        }
        if (any) {
            if (len > 0 && line[len - 1] == '\r') len--;
            if (!(dotEnds && len == 1 && line[0] == '.')) w.line(line, 0, len);
        }
    }
}
