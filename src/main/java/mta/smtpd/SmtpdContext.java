package mta.smtpd;

import java.io.IOException;
import java.io.InterruptedIOException;
import mta.mail.Reply;
import mta.util.MailLog;

/**
 * SmtpdContext - what a command handler works with: the session's state, its chat, the server's parts, a replier.
 *
 * <p>One per session, made by {@link SmtpdSession} once the client is known, and handed to each
 * handler of the command table {@link SmtpdCommand} with the text after the verb. A handler reads
 * and changes {@link #state} (per connection, and the current transaction), talks through
 * {@link #chat}, asks {@link #server} (settings, restrictions, TLS, cleanup, ETRN's flush service,
 * the rate counters), and answers with {@link #ok} or {@link #fail}: the replier counts the command
 * for the {@code disconnect from} line and the client's errors, and past
 * {@code smtpd_soft_error_limit} makes each error reply wait {@code smtpd_error_sleep_time}. A
 * handler that must end the session says {@link #hangUp}. Handlers never see the session itself.
 */
final class SmtpdContext {
    final SmtpdState state;
    final SmtpdChat chat;
    final SmtpdServices server;
    /** Shorthands for {@code server.settings()} and {@code server.log()}. */
    final SmtpdSettings settings;
    final MailLog.Channel log;
    private boolean hangUp;

    SmtpdContext(SmtpdState state, SmtpdChat chat, SmtpdServices server) {
        this.state = state;
        this.chat = chat;
        this.server = server;
        this.settings = server.settings();
        this.log = server.log();
    }

    /** Counts {@code verb} as accepted and sends {@code r}. */
    void ok(String verb, Reply r) throws IOException {
        state.count(verb, true);
        chat.reply(r);
    }

    /** Counts {@code verb} as refused and sends {@code r} as an error reply. */
    void fail(String verb, Reply r) throws IOException {
        state.count(verb, false);
        error(r);
    }

    /**
     * The way a stage's check refuses: when {@code refusal} is not null, {@link #fail}s {@code verb}
     * with it and returns true (the handler returns); null means go on.
     */
    boolean refused(String verb, Reply refusal) throws IOException {
        if (refusal == null) return false;
        fail(verb, refusal);
        return true;
    }

    /**
     * Sends an error reply and counts it; past smtpd_soft_error_limit each error reply waits
     * smtpd_error_sleep_time first (cheap on a virtual thread), which slows down probing clients.
     */
    void error(Reply r) throws IOException {
        state.client.errors++;
        if (state.client.errors > settings.softErrorLimit && !settings.errorSleep.isZero()) {
            chat.flush();
            try {
                Thread.sleep(settings.errorSleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
        }
        chat.reply(r);
    }

    /** The session ends after this command's reply (QUIT, a bare LF under "reject", a BDAT that cannot be skipped). */
    void hangUp() {
        hangUp = true;
    }

    boolean hungUp() {
        return hangUp;
    }

    /**
     * Before a reply the client must wait for (DATA's 354, STARTTLS's 220): logs input that is
     * already here as improper pipelining (RFC 2920).
     */
    void checkPipelining() throws IOException {
        logEarlyInput(false);
    }

    /**
     * Logs, once per session, input that arrived before the client could have seen our last reply;
     * with {@code beforeGreeting} the kernel's buffer is looked at too. Postfix logs it and goes on.
     */
    void logEarlyInput(boolean beforeGreeting) throws IOException {
        if (state.client.improperPipelining) return;
        byte[] early = chat.earlyInput(beforeGreeting);
        if (early == null) return;
        state.client.improperPipelining = true;
        StringBuilder sb = new StringBuilder();
        for (byte b : early) {
            if (b == '\r') sb.append("\\r");
            else if (b == '\n') sb.append("\\n");
            else if (b >= 32 && b < 127) sb.append((char) b);
            else sb.append('?');
        }
        log.info("improper command pipelining after " + state.where + " from " + state.client.label() + ": " + sb);
    }
}
