package mta.cleanup;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import mta.milter.MilterChain;
import mta.milter.MilterMacros;
import mta.milter.MilterMessage;
import mta.milter.MilterSpool;
import mta.milter.MilterVerdict;
import mta.queue.QueueFileWriter;

/**
 * CleanupMilters - the end of a message in cleanup when milters look at it (Postfix's cleanup_milter).
 *
 * <p>Runs the chain over a message whose envelope and headers {@link CleanupMessage} still holds
 * and whose body it spooled: the SMTP session's chain ({@code smtpd_milters}, whose SMTP stages
 * smtpd has already reported), or a chain of its own for mail from pickup
 * ({@code non_smtpd_milters}), which first hears of a client {@code localhost} at
 * {@code 127.0.0.1}, {@code HELO localhost}, the sender, each recipient and DATA, as Postfix's
 * cleanup tells its non-SMTP milters. The filters' changes reach the message through its
 * {@link MilterMessage} view as they arrive. Logs the verdicts in Postfix's words
 * ({@code QID: milter-reject: END-OF-MESSAGE from host[ip]: 5.7.1 text; from=<s> to=<r>
 * proto=ESMTP helo=<name>}, {@code milter-discard}, {@code milter-hold}), and writes a spooled
 * body into the queue file.
 */
final class CleanupMilters {
    private CleanupMilters() {}

    /** The verdict of the milters for {@code msg}; a chain of our own (non_smtpd_milters) is closed after. */
    static MilterVerdict run(MilterChain chain, boolean own, MilterMessage msg, String queueId) {
        MilterVerdict v = MilterVerdict.CONTINUE;
        MilterVerdict hold = null;
        if (own) {
            MilterMacros m = name -> name.equals("i") ? queueId : null;
            InetAddress localhost = InetAddress.getLoopbackAddress();
            v = chain.connect(m, "localhost", localhost, 0);
            if (v.kind() == MilterVerdict.Kind.HOLD) hold = v;
            if (v.proceeds() || hold == v) v = chain.helo(m, "localhost");
            if (v.kind() == MilterVerdict.Kind.HOLD) hold = v;
            if (v.proceeds() || hold == v) v = chain.mail(m.with(Map.of("{mail_addr}", msg.sender())), msg.sender(), List.of());
            for (String r : List.copyOf(msg.recipients())) {
                if (v.kind() == MilterVerdict.Kind.HOLD) hold = v;
                if (!v.proceeds() && hold != v) break;
                v = chain.rcpt(m.with(Map.of("{rcpt_addr}", r)), r, List.of());
            }
            if (v.kind() == MilterVerdict.Kind.HOLD) hold = v;
            if (v.proceeds() || hold == v) v = chain.data(m);
        }
        try {
            if (v.kind() == MilterVerdict.Kind.HOLD) hold = v;
            if (v.proceeds() || hold == v) v = chain.message(Map.of("i", queueId), msg);
            if (v.proceeds() && hold != null) v = hold;
            return v;
        } finally {
            if (own) chain.close();
            else chain.abort(); // the message is done: the session's filters forget it
        }
    }

    /** {@code QID: milter-reject: END-OF-MESSAGE from host[ip]: text; from=<s> to=<r> proto=P helo=<h>}. */
    static String logLine(String queueId, String action, String client, String text, String tail) {
        return queueId + ": " + action + ": END-OF-MESSAGE from " + client + ": " + text + ";" + tail;
    }

    /**
     * Writes {@code body} (CRLF line ends) into the queue file as content lines, after the empty
     * line that ends the headers; a line longer than 64 KiB goes in pieces, as cleanup writes them.
     */
    static void writeBody(QueueFileWriter w, MilterSpool body, boolean separator, int lineLimit) throws IOException {
        if (!separator && body.size() == 0) return;
        w.contentLine(new byte[0], 0, 0, lineLimit);
        try (InputStream in = new BufferedInputStream(body.open(), 65536)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            boolean cr = false;
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n' && cr) {
                    byte[] b = line.toByteArray();
                    w.contentLine(b, 0, b.length - 1, lineLimit);
                    line.reset();
                    cr = false;
                    continue;
                }
                line.write(c);
                cr = c == '\r';
                if (line.size() >= 65536 && !cr) {
                    byte[] b = line.toByteArray();
                    w.contentPart(b, 0, b.length, lineLimit);
                    line.reset();
                }
            }
            if (line.size() > 0) {
                byte[] b = line.toByteArray();
                w.contentLine(b, 0, b.length, lineLimit);
            }
        }
    }
}
