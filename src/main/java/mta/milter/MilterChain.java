package mta.milter;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mta.util.MailLog;

/**
 * MilterChain - the milters of one SMTP session (or one message from sendmail or pickup), called in order.
 *
 * <p>Made from {@link MilterSettings} by smtpd when a session starts (one connection per
 * filter), or by cleanup for a message from sendmail or pickup ({@code non_smtpd_milters}). Each
 * event goes to the filters in the order of the list and stops at the first that does not let it
 * pass: its verdict is the chain's. A HOLD (quarantine, or the default action quarantine) does
 * not stop the list; the chain reports it when all filters have passed the message. At the end
 * of the message each filter gets the message as the ones before it left it ({@link #message}).
 * {@link #close} ends every filter's connection ({@code SMFIC_QUIT}). Not thread-safe: one
 * session's thread uses it, and cleanup uses it on the same thread.
 */
public final class MilterChain implements AutoCloseable {
    private final List<Milter> milters = new ArrayList<>();
    /** The macros of the last SMTP event, for the later stages (the client, the sender...). */
    private MilterMacros session = MilterMacros.NONE;
    private boolean inMessage;

    public MilterChain(MilterSettings settings, MailLog.Channel log) {
        for (MilterSpec s : settings.milters()) milters.add(new Milter(s, settings, log));
    }

    public boolean isEmpty() {
        return milters.isEmpty();
    }

    /** The client connected: its name (or {@code unknown}), address and port. */
    public MilterVerdict connect(MilterMacros m, String hostname, InetAddress address, int port) {
        session = m;
        return each(x -> x.connect(m, hostname, address, port));
    }

    public MilterVerdict helo(MilterMacros m, String helo) {
        session = m;
        return each(x -> x.helo(m, helo));
    }

    /** MAIL FROM: {@code <sender>} and the ESMTP parameters as given. */
    public MilterVerdict mail(MilterMacros m, String sender, List<String> esmtpArgs) {
        session = m;
        inMessage = true;
        List<String> args = new ArrayList<>();
        args.add("<" + sender + ">");
        args.addAll(esmtpArgs);
        return each(x -> x.mail(m, args));
    }

    public MilterVerdict rcpt(MilterMacros m, String recipient, List<String> esmtpArgs) {
        session = m;
        List<String> args = new ArrayList<>();
        args.add("<" + recipient + ">");
        args.addAll(esmtpArgs);
        return each(x -> x.rcpt(m, args));
    }

    public MilterVerdict data(MilterMacros m) {
        session = m;
        return each(x -> x.data(m));
    }

    /**
     * The end of the message: headers, body and end-of-message to each filter in turn, whose
     * changes are applied to {@code msg} before the next one sees it. {@code values} are the
     * macros known only now ({@code i}, the queue ID).
     */
    public MilterVerdict message(Map<String, String> values, MilterMessage msg) {
        MilterMacros m = session.with(values);
        MilterVerdict hold = null;
        for (Milter x : milters) {
            MilterVerdict v = x.message(m, msg);
            if (v.kind() == MilterVerdict.Kind.HOLD) {
                if (hold == null) hold = v;
                continue;
            }
            if (!v.proceeds()) return v;
        }
        return hold != null ? hold : MilterVerdict.CONTINUE;
    }

    /** The current message is given up or done (RSET, a refusal, the end of DATA): the filters forget it. */
    public void abort() {
        if (!inMessage) return;
        inMessage = false;
        for (Milter x : milters) x.abort();
    }

    @Override
    public void close() {
        for (Milter x : milters) x.quit();
    }

    private interface Event {
        MilterVerdict send(Milter m);
    }

    private MilterVerdict each(Event e) {
        MilterVerdict hold = null;
        for (Milter x : milters) {
            MilterVerdict v = e.send(x);
            if (v.kind() == MilterVerdict.Kind.HOLD) {
                if (hold == null) hold = v;
                continue;
            }
            if (!v.proceeds()) return v;
        }
        return hold != null ? hold : MilterVerdict.CONTINUE;
    }
}
