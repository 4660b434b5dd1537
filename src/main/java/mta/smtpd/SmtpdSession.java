package mta.smtpd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import mta.mail.Reply;
import mta.util.LineReader;
import mta.util.MailLog;

/**
 * SmtpdSession - one SMTP conversation, run on its own virtual thread: the connection's life and the command loop.
 *
 * <p>Takes the {@link SmtpdServices} current when it starts and keeps them to the end. Before the
 * greeting: the HAProxy header ({@link SmtpdHaproxy}), who the client is, the connection limits
 * ({@link Anvil}), TLS on a wrapper-mode port ({@link SmtpdStarttls}) and the connect stage of
 * the restrictions. Then it reads command lines through {@link SmtpdChat}, looks each verb up in
 * the command table {@link SmtpdCommand}, and runs its handler with the session's
 * {@link SmtpdContext}: the handlers live in their own classes and never see this one. Logs
 * {@code connect from}, {@code improper command pipelining}, {@code lost connection after},
 * {@code timeout after}, {@code too many errors after} and {@code disconnect from} with the
 * command counters, in Postfix's words.
 */
final class SmtpdSession implements Runnable {
    private final SmtpdConnection connection;
    private final SmtpdServer server;
    private final SmtpdServices services;
    private final SmtpdSettings settings;
    private final MailLog.Channel log;
    private SmtpdState state;
    private SmtpdChat chat;
    private SmtpdContext context;
    /** The greeting is out: from now on only input we already read counts as improper pipelining. */
    private boolean greeted;
    /** The client's and server's addresses as postscreen saw them; null for a connection of our own. */
    private final SmtpdHandover handover;

    SmtpdSession(SmtpdConnection connection, SmtpdServer server) {
        this(connection, server, null);
    }

    /** A session on a connection that postscreen handed over, with the addresses it saw. */
    SmtpdSession(SmtpdConnection connection, SmtpdServer server, SmtpdHandover handover) {
        this.handover = handover;
        this.connection = connection;
        this.server = server;
        this.services = server.services();
        this.settings = services.settings();
        this.log = services.log();
    }

    /** Counted by Anvil (smtpd_client_connection_count_limit, _rate_limit): told when the session ends. */
    private boolean counted;

    /**
     * The session. Kept short: once the greeting is out, an idle session waits for its first
     * command right here ({@link SmtpdChat#awaitInput}), and its parked virtual thread holds only
     * this frame and those below it, not those of the connect stage or the command loop.
     */
    @Override
    public void run() {
        // Not try-with-resources: the connection must stay open for the timeout reply in the catch below.
        try {
            if (!open()) return;
            checkPipelining(); // before the first command, as before each
            chat.awaitInput();
            commandLoop(true);
            chat.flush();
        } catch (SocketTimeoutException e) {
            timedOut();
        } catch (IOException e) {
            if (state != null) logLostConnection();
        } finally {
            close();
        }
    }

    /**
     * Everything up to the greeting: who the client is, the connection limits, TLS on a
     * wrapper-mode port, the connect stage's checks; false when the session ends before the
     * greeting (refused, stopping, the client gone).
     */
    private boolean open() throws IOException {
        InetAddress client = handover != null ? handover.client().getAddress() // postscreen read any proxy header
                : SmtpdHaproxy.client(connection, settings, log); // the proxy's header, if any
        if (client == null) return false;
        state = new SmtpdState(server.identify(client));
        try {
            state.client.ehloDiscard = settings.ehloDiscard.forClient(client);
        } catch (mta.lookup.TableException e) {
            log.warn(e.getMessage());
            state.client.ehloDiscardUnknown = true;
        }
        java.net.Socket socket = connection.socket();
        if (handover != null) {
            state.client.port = handover.client().getPort();
            state.client.serverAddress = handover.server().getAddress().getHostAddress();
            state.client.serverPort = handover.server().getPort();
        } else if (!settings.upstreamProxy && socket != null) { // behind a proxy, the socket's ports are the proxy's
            state.client.port = socket.getPort();
            state.client.serverAddress = server.localAddress(socket).getHostAddress();
            state.client.serverPort = socket.getLocalPort();
        }
        state.client.bareNewline = SmtpdSettings.matches(settings.bareNewlineExclusions, state.client.address)
                ? SmtpdSettings.BareNewline.NO : settings.bareNewline;
        log.info("connect from " + state.client.label());
        chat = new SmtpdChat(connection, settings.timeout);
        context = new SmtpdContext(state, chat, services);
        if (server.isStopping()) {
            chat.reply(Reply.SHUTDOWN.withHost(settings.myhostname));
            chat.flush();
            return false;
        }
        counted = !SmtpdSettings.matches(settings.eventLimitExceptions, state.client.address)
                && (settings.connectionCountLimit > 0 || settings.connectionRateLimit > 0);
        if (counted && !admit()) return false;
        if (services.tls().wrapperMode() && !SmtpdStarttls.wrapperMode(context)) return false;
        checkPipelining();
        // the connect stage's checks: the client restrictions when rejections are not delayed, then the milters
        Reply denied = services.check().connect(state);
        if (denied == null && !services.milters().isEmpty()) {
            // a milter's refusal is logged here and answers each later command (as the milter
            // keeps refusing); the greeting stays, as in Postfix; only a 421 ends the session now
            state.milters = new mta.milter.MilterChain(services.milters(), log);
            Reply milter = SmtpdMilters.connect(context);
            if (context.hungUp()) {
                chat.reply(milter);
                chat.flush();
                return false;
            }
        }
        chat.reply(denied != null ? denied : Reply.greeting(settings.banner));
        chat.flush();
        greeted = true;
        return true;
    }

    /** The client sent nothing within smtpd_timeout: logged, and told so when it still listens. */
    private void timedOut() {
        if (state == null || chat == null) return;
        log.info("timeout after " + state.whereText() + " from " + state.client.label());
        try {
            chat.reply(Reply.TIMEOUT.withHost(settings.myhostname));
            chat.flush();
        } catch (IOException ignored) {
            // the client is gone
        }
    }

    /** The end of the session, however it ended: the connection closed, the counts logged. */
    private void close() {
        try {
            if (chat != null) chat.close(); // the TLS connection, after STARTTLS
            else connection.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        if (counted) services.anvil().disconnect(state.client.addressText);
        if (state != null) {
            SmtpdSasl.close(state);
            state.resetTransaction();
            state.policyLeases.close(); // the policy server connections go back to their pools
            if (state.milters != null) state.milters.close();
            log.info("disconnect from " + state.client.label() + state.countsText(SmtpdCommand.counters()));
        }
    }

    /**
     * {@code lost connection after RCPT from host[ip]}; not for a client that hangs up once its
     * message was answered, which did nothing wrong (Postfix logs only the disconnect line then).
     */
    private void logLostConnection() {
        if (state.where.equals("END-OF-MESSAGE")) return;
        log.info("lost connection after " + state.whereText() + " from " + state.client.label());
    }

    /** Applies smtpd_client_connection_count_limit and _rate_limit; false after refusing the client. */
    private boolean admit() throws IOException {
        Anvil.Counts c = services.anvil().connect(state.client.addressText);
        String what = null;
        int n = 0;
        if (settings.connectionCountLimit > 0 && c.count() > settings.connectionCountLimit) {
            what = "concurrency";
            n = c.count();
        } else if (settings.connectionRateLimit > 0 && c.rate() > settings.connectionRateLimit) {
            what = "rate";
            n = c.rate();
        }
        if (what == null) return true;
        log.warn("Connection " + what + " limit exceeded: " + n + " from " + state.client.label()
                + " for service " + services.serviceName());
        chat.reply(Reply.tooManyConnections(state.client.addressText).withHost(settings.myhostname));
        chat.flush();
        return false;
    }

    /** Reads and runs commands until the session ends; {@code checked}: the first one's pipelining check was made. */
    private void commandLoop(boolean checked) throws IOException {
        while (!context.hungUp()) {
            LineReader in = chat.reader(); // a new one after STARTTLS
            if (!checked) checkPipelining();
            checked = false;
            if (!chat.next(settings.lineLengthLimit)) {
                logLostConnection();
                return;
            }
            if (in.end() == LineReader.End.TOO_LONG) {
                skipRestOfLine(in);
                context.error(Reply.LINE_TOO_LONG);
            } else if (in.end() == LineReader.End.BARE_LF && state.client.bareNewline == SmtpdSettings.BareNewline.REJECT) {
                context.error(Reply.bareLf(settings.bareNewlineRejectCode));
                context.hangUp();
            } else {
                dispatch(in);
            }
            if (!context.hungUp() && state.client.errors >= settings.hardErrorLimit) {
                log.info("too many errors after " + state.whereText() + " from " + state.client.label());
                chat.reply(Reply.TOO_MANY_ERRORS.withHost(settings.myhostname));
                return;
            }
            if (server.isStopping() && !context.hungUp()) {
                chat.reply(Reply.SHUTDOWN.withHost(settings.myhostname));
                return;
            }
            chat.flushIfIdle();
        }
    }

    private void skipRestOfLine(LineReader in) throws IOException {
        while (in.end() == LineReader.End.TOO_LONG && chat.next(settings.lineLengthLimit)) {
            // discard
        }
    }

    /**
     * Logs input that arrived before the client could have seen our last reply: before the
     * greeting, after a command that ends a pipelining group, or at any point from a client that
     * did not say EHLO (RFC 2920). Postfix logs this once per session and goes on. Called before
     * the greeting and before each command is read.
     */
    private void checkPipelining() throws IOException {
        SmtpdCommand last = SmtpdCommand.find(state.where);
        boolean mustWait = state.where.equals("CONNECT") || (last != null && last.lastInGroup) || !state.client.esmtp
                || state.client.ehloDiscard.contains("PIPELINING"); // not offered: not negotiated
        if (mustWait) context.logEarlyInput(!greeted);
    }

    /** Decodes the line, looks the verb up in the command table and runs its handler. */
    private void dispatch(LineReader in) throws IOException {
        String line = decode(in);
        if (line == null) {
            state.where = "UNKNOWN";
            state.count("unknown", false);
            context.error(Reply.BAD_UTF8);
            return;
        }
        String text = line.strip();
        if (text.isEmpty()) {
            context.error(Reply.BAD_SYNTAX); // no command: not counted, and the stage stays what it was
            return;
        }
        int sp = indexOfSpace(text);
        String verb = sp < 0 ? text : text.substring(0, sp);
        String arg = sp < 0 ? "" : text.substring(sp + 1).strip();
        SmtpdCommand cmd = SmtpdCommand.find(verb);
        if (cmd == null) {
            state.where = "UNKNOWN";
            state.count("unknown", false);
            context.error(Reply.NOT_RECOGNIZED);
            return;
        }
        state.where = cmd.verb;
        if (!cmd.preTls && state.client.tls == null && services.tls().required()) {
            context.fail(cmd.verb.toLowerCase(Locale.ROOT), Reply.STARTTLS_FIRST);
            return;
        }
        try {
            cmd.handler.handle(context, arg);
        } catch (RuntimeException e) {
            internalError(cmd, e);
        }
    }

    /**
     * The last line of defence: a handler failed in a way it did not expect (a table that fails
     * where no check catches it, a bug). The client still gets an answer: a temporary error and a
     * fresh transaction, or, in the middle of message content, whose rest could otherwise be read
     * as commands, a temporary error and the end of the session.
     */
    private void internalError(SmtpdCommand cmd, RuntimeException e) throws IOException {
        log.warn("internal error in " + cmd.verb + " command from " + state.client.label() + ": " + e);
        boolean inContent = state.inContent;
        state.inContent = false;
        state.resetTransaction();
        if (inContent) {
            context.fail(cmd.verb.toLowerCase(Locale.ROOT), Reply.INTERNAL_ERROR_CLOSING.withHost(settings.myhostname));
            context.hangUp();
        } else {
            context.fail(cmd.verb.toLowerCase(Locale.ROOT), Reply.INTERNAL_ERROR);
        }
    }

    private static int indexOfSpace(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) == ' ' || s.charAt(i) == '\t') return i;
        return -1;
    }

    /** The line as text: UTF-8 when smtputf8_enable (null when it is not valid UTF-8), else one char per byte. */
    private String decode(LineReader in) {
        if (!settings.smtputf8) return in.text();
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(in.bytes(), 0, in.length())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
