package mta.smtpd;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import mta.mail.Reply;
import mta.util.LineReader;
import mta.util.MailLog;

/**
 * SmtpdSession - one SMTP conversation, run on its own virtual thread.
 *
 * <p>Reads command lines from the client through {@link SmtpdChat}, dispatches them through the
 * command table {@link SmtpdCommand}, and writes the replies. This class holds the command loop,
 * the connection limits and the small handlers; the mail transaction (MAIL, RCPT, DATA, BDAT) is
 * in {@link SmtpdTransaction}. Logs {@code connect from}, {@code improper command pipelining},
 * {@code lost connection after}, {@code timeout after}, {@code too many errors after} and
 * {@code disconnect from} with the command counters, in Postfix's words. TLS (STARTTLS, or
 * wrapper mode before the greeting) is {@link SmtpdTls}; this class swaps the connection and the
 * chat for ones over the TLS socket and forgets what the client said before.
 */
final class SmtpdSession implements Runnable {
    /** Replaced once by the TLS connection over the same socket (STARTTLS, wrapper mode). */
    private SmtpdConnection connection;
    private final SmtpdServer server;
    final SmtpdSettings settings;
    final MailLog.Channel log;
    SmtpdChat chat;
    SmtpdState state;
    private SmtpdTransaction transaction;
    /** The AUTH command and its Dovecot connection (see {@link SmtpdSasl}). */
    private SmtpdSasl sasl;
    /** Set by QUIT, and by a refusal that ends the session (bare LF with smtpd_forbid_bare_newline = reject). */
    boolean quit;
    /** The greeting is out: from now on only input we already read counts as improper pipelining. */
    private boolean greeted;

    SmtpdSession(SmtpdConnection connection, SmtpdServer server) {
        this.connection = connection;
        this.server = server;
        this.settings = server.settings();
        this.log = server.log();
    }

    SmtpdServer server() {
        return server;
    }

    @Override
    public void run() {
        boolean counted = false;
        // Not try-with-resources: the connection must stay open for the timeout reply in the catch below.
        try {
            java.net.InetAddress client = SmtpdHaproxy.client(connection, settings, log); // the proxy's header, if any
            if (client == null) return;
            state = new SmtpdState(server.identify(client));
            if (!settings.upstreamProxy && connection.socket() != null) state.client.port = connection.socket().getPort();
            state.client.bareNewline = SmtpdSettings.matches(settings.bareNewlineExclusions, state.client.address)
                    ? SmtpdSettings.BareNewline.NO : settings.bareNewline;
            transaction = new SmtpdTransaction(this);
            sasl = new SmtpdSasl(this, settings.sasl);
            log.info("connect from " + state.client.label());
            chat = new SmtpdChat(connection, settings.timeout);
            if (server.isStopping()) {
                chat.reply(withHost(Reply.SHUTDOWN));
                chat.flush();
                return;
            }
            counted = !SmtpdSettings.matches(settings.eventLimitExceptions, state.client.address)
                    && (settings.connectionCountLimit > 0 || settings.connectionRateLimit > 0);
            if (counted && !admit()) return;
            if (server.tls().wrapperMode() && !wrapperHandshake()) return;
            checkPipelining();
            Reply denied = server.check().connect(state);
            chat.reply(denied != null ? denied : Reply.greeting(settings.banner));
            chat.flush();
            greeted = true;
            commandLoop();
            chat.flush();
        } catch (SocketTimeoutException e) {
            if (state == null || chat == null) return;
            log.info("timeout after " + state.whereText() + " from " + state.client.label());
            try {
                chat.reply(withHost(Reply.TIMEOUT));
                chat.flush();
            } catch (IOException ignored) {
                // the client is gone
            }
        } catch (IOException e) {
            if (state != null) logLostConnection();
        } finally {
            try {
                connection.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            if (counted) server.anvil().disconnect(state.client.addressText);
            if (sasl != null) sasl.close();
            if (state != null) {
                state.resetTransaction();
                log.info("disconnect from " + state.client.label() + state.countsText());
            }
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
        Anvil.Counts c = server.anvil().connect(state.client.addressText);
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
                + " for service " + server.serviceName());
        chat.reply(withHost(Reply.tooManyConnections(state.client.addressText)));
        chat.flush();
        return false;
    }

    /** smtpd_tls_wrappermode: TLS before the greeting, on this session's thread; false when it failed. */
    private boolean wrapperHandshake() throws IOException {
        if (!server.tls().available()) {
            log.warn("Wrapper-mode request dropped from " + state.client.label() + " for service "
                    + server.serviceName() + ". TLS context initialization failed. For details see earlier"
                    + " warnings in your logs.");
            return false;
        }
        startTls();
        return true;
    }

    /**
     * Runs the TLS handshake on the connection's socket, then rebuilds the chat over the TLS
     * streams. Whatever the client sent in the clear after STARTTLS sits in the old chat's buffer
     * and is dropped with it: it is never read as a command (the STARTTLS command injection).
     */
    private void startTls() throws IOException {
        if (connection.socket() == null) throw new IOException("TLS needs a socket");
        javax.net.ssl.SSLSocket ssl;
        try {
            ssl = server.tls().handshake(connection.socket());
        } catch (IOException e) {
            log.warn("TLS library problem: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            // not a SocketTimeoutException: nothing may be written in the clear now
            throw new IOException("TLS handshake failed", e);
        }
        connection = connection.overTls(ssl);
        chat = new SmtpdChat(connection, settings.timeout);
        state.client.tls = SmtpdTls.describe(ssl);
        String summary = server.tls().summary(state.client);
        if (summary != null) log.info(summary);
    }

    private void commandLoop() throws IOException {
        while (!quit) {
            LineReader in = chat.reader(); // a new one after STARTTLS
            checkPipelining();
            if (!chat.next(settings.lineLengthLimit)) {
                logLostConnection();
                return;
            }
            if (in.end() == LineReader.End.TOO_LONG) {
                skipRestOfLine(in);
                error(Reply.LINE_TOO_LONG);
            } else if (in.end() == LineReader.End.BARE_LF && state.client.bareNewline == SmtpdSettings.BareNewline.REJECT) {
                error(bareLfReply());
                quit = true;
            } else {
                dispatch(in);
            }
            if (!quit && state.client.errors >= settings.hardErrorLimit) {
                log.info("too many errors after " + state.whereText() + " from " + state.client.label());
                chat.reply(withHost(Reply.TOO_MANY_ERRORS));
                return;
            }
            if (server.isStopping() && !quit) {
                chat.reply(withHost(Reply.SHUTDOWN));
                return;
            }
            chat.flushIfIdle();
        }
    }

    Reply bareLfReply() {
        return Reply.bareLf(settings.bareNewlineRejectCode);
    }

    Reply withHost(Reply r) {
        return r.withHost(settings.myhostname);
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
    void checkPipelining() throws IOException {
        if (state.client.improperPipelining) return;
        SmtpdCommand last = SmtpdCommand.find(state.where);
        boolean mustWait = state.where.equals("CONNECT") || (last != null && last.lastInGroup) || !state.client.esmtp;
        if (!mustWait) return;
        byte[] early = chat.earlyInput(!greeted);
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

    /** Decodes the line, looks the verb up in the command table and runs its handler. */
    private void dispatch(LineReader in) throws IOException {
        String line = decode(in);
        if (line == null) {
            state.where = "UNKNOWN";
            state.count("unknown", false);
            error(Reply.BAD_UTF8);
            return;
        }
        String text = line.strip();
        if (text.isEmpty()) {
            error(Reply.BAD_SYNTAX); // no command: not counted, and the stage stays what it was
            return;
        }
        int sp = indexOfSpace(text);
        String verb = sp < 0 ? text : text.substring(0, sp);
        String arg = sp < 0 ? "" : text.substring(sp + 1).strip();
        SmtpdCommand cmd = SmtpdCommand.find(verb);
        if (cmd == null) {
            state.where = "UNKNOWN";
            state.count("unknown", false);
            error(Reply.NOT_RECOGNIZED);
            return;
        }
        state.where = cmd.verb;
        if (!cmd.preTls && state.client.tls == null && server.tls().required()) {
            fail(cmd.verb.toLowerCase(java.util.Locale.ROOT), Reply.STARTTLS_FIRST);
            return;
        }
        try {
            cmd.handler.handle(this, arg);
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
            fail(cmd.verb.toLowerCase(java.util.Locale.ROOT), withHost(Reply.INTERNAL_ERROR_CLOSING));
            quit = true;
        } else {
            fail(cmd.verb.toLowerCase(java.util.Locale.ROOT), Reply.INTERNAL_ERROR);
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

    void ok(String verb, Reply r) throws IOException {
        state.count(verb, true);
        chat.reply(r);
    }

    void fail(String verb, Reply r) throws IOException {
        state.count(verb, false);
        error(r);
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

    // ------------------------------------------------------------------ handlers

    /** helo_cmd - process HELO command */
    void heloCmd(String arg) throws IOException {
        if (arg.isEmpty()) {
            fail("helo", Reply.heloSyntax("HELO"));
            return;
        }
        Reply refused = server.check().helo(state, arg.split("\\s+")[0]);
        if (refused != null) {
            fail("helo", refused);
            return;
        }
        state.resetTransaction();
        state.client.helo = arg.split("\\s+")[0];
        state.client.protocol = "SMTP";
        state.client.esmtp = false;
        ok("helo", Reply.heloOk(settings.myhostname));
    }

    /** ehlo_cmd - process EHLO command: the reply lists exactly the extensions that work, in Postfix's order. */
    void ehloCmd(String arg) throws IOException {
        if (arg.isEmpty()) {
            fail("ehlo", Reply.heloSyntax("EHLO"));
            return;
        }
        Reply refused = server.check().helo(state, arg.split("\\s+")[0]);
        if (refused != null) {
            fail("ehlo", refused);
            return;
        }
        state.resetTransaction();
        state.client.helo = arg.split("\\s+")[0];
        state.client.protocol = "ESMTP";
        state.client.esmtp = true;
        List<String> lines = new ArrayList<>();
        lines.add(settings.myhostname);
        lines.add("PIPELINING");
        lines.add(settings.messageSizeLimit > 0 ? "SIZE " + settings.messageSizeLimit : "SIZE");
        if (!settings.vrfyDisabled) lines.add("VRFY");
        lines.add("ETRN");
        if (server.tls().offersStarttls() && state.client.tls == null) lines.add("STARTTLS");
        lines.addAll(sasl.ehloKeywords());
        lines.add("ENHANCEDSTATUSCODES");
        lines.add("8BITMIME");
        lines.add("DSN");
        if (settings.smtputf8) lines.add("SMTPUTF8");
        lines.add("CHUNKING");
        state.count("ehlo", true);
        chat.reply(250, lines);
    }

    /**
     * starttls_cmd - process STARTTLS command (RFC 3207): {@code 220 2.0.0 Ready to start TLS},
     * the handshake, then a fresh start: the client's HELO/EHLO and any transaction are forgotten.
     */
    void starttlsCmd(String arg) throws IOException {
        if (!arg.isEmpty()) {
            fail("starttls", Reply.syntax("STARTTLS"));
        } else if (state.client.tls != null) {
            fail("starttls", Reply.TLS_ALREADY_ACTIVE);
        } else if (!server.tls().starttlsEnabled() || connection.socket() == null) {
            fail("starttls", Reply.NOT_IMPLEMENTED);
        } else if (!server.tls().available()) {
            fail("starttls", Reply.TLS_NOT_AVAILABLE);
        } else {
            checkPipelining(); // logs a client that did not wait for the 220; its bytes are dropped below
            chat.reply(Reply.READY_TO_START_TLS);
            chat.flush();
            try {
                startTls();
            } catch (IOException e) {
                state.count("starttls", false);
                throw e;
            }
            state.count("starttls", true);
            // RFC 3207 section 4.2: forget what the client said in the clear, a SASL login included.
            state.resetTransaction();
            state.client.helo = null;
            state.client.esmtp = false;
            state.client.sasl = null;
        }
    }

    /** smtpd_sasl_auth_cmd - process AUTH command (RFC 4954) */
    void authCmd(String arg) throws IOException {
        sasl.authCmd(arg);
    }

    /** mail_cmd - process MAIL command */
    void mailCmd(String arg) throws IOException {
        transaction.mailCmd(arg);
    }

    /** rcpt_cmd - process RCPT command */
    void rcptCmd(String arg) throws IOException {
        transaction.rcptCmd(arg);
    }

    /** data_cmd - process DATA command */
    void dataCmd(String arg) throws IOException {
        transaction.dataCmd(arg);
    }

    /** bdat_cmd - process BDAT command (RFC 3030) */
    void bdatCmd(String arg) throws IOException {
        transaction.bdatCmd(arg);
    }

    /** rset_cmd - process RSET command */
    void rsetCmd(String arg) throws IOException {
        if (!arg.isEmpty()) {
            fail("rset", Reply.syntax("RSET"));
            return;
        }
        state.resetTransaction();
        ok("rset", Reply.OK);
    }

    /** noop_cmd - process NOOP command */
    void noopCmd(String arg) throws IOException {
        ok("noop", Reply.OK);
    }

    /** vrfy_cmd - process VRFY command: {@code 252}, an address we neither confirm nor deny. */
    void vrfyCmd(String arg) throws IOException {
        if (settings.vrfyDisabled) {
            fail("vrfy", Reply.VRFY_DISABLED);
            return;
        }
        if (arg.isEmpty()) {
            fail("vrfy", Reply.syntax("VRFY address [SMTPUTF8]"));
            return;
        }
        mta.mail.Address.Path p = mta.mail.Address.parsePath(arg);
        if (p == null || p.address().isNull() || !p.parameters().isEmpty() || !SmtpdHostnames.hasValidDomain(p.address())) {
            transaction.illegalSyntax("VRFY", arg);
            fail("vrfy", Reply.badAddress("recipient"));
            return;
        }
        ok("vrfy", Reply.vrfyUnconfirmed(p.address().toString()));
    }

    /**
     * etrn_cmd - process ETRN command (RFC 1985): the fast flush service makes the site's deferred
     * mail due now. The replies carry no enhanced status code, as Postfix's; a leading {@code @}
     * (subdomains) or {@code #} (a queue name) is dropped, as Postfix does.
     */
    void etrnCmd(String arg) throws IOException {
        String[] words = arg.isEmpty() ? new String[0] : arg.split("[ \\t]+");
        if (settings.heloRequired && state.client.helo == null) {
            fail("etrn", Reply.ETRN_HELO_FIRST);
        } else if (state.tx.sender != null) {
            fail("etrn", Reply.ETRN_IN_TRANSACTION);
        } else if (words.length != 1) {
            fail("etrn", Reply.ETRN_SYNTAX);
        } else {
            String site = words[0].startsWith("@") || words[0].startsWith("#") ? words[0].substring(1) : words[0];
            if (!mta.mail.DomainSyntax.isValid(site)) {
                fail("etrn", Reply.ETRN_BAD_DOMAIN);
                return;
            }
            mta.flush.Flush flush = server.flush();
            if (flush == null) {
                log.warn("do not use ETRN in \"sendmail -bs\" mode");
                fail("etrn", Reply.ETRN_UNABLE);
                return;
            }
            Reply refused = server.check().etrn(state, site);
            if (refused != null) {
                fail("etrn", refused);
                return;
            }
            switch (flush.sendSite(site)) {
                case OK -> ok("etrn", Reply.ETRN_STARTED);
                case DENY -> {
                    log.warn("reject: ETRN " + site + "... from " + state.client.label());
                    fail("etrn", Reply.etrnUnavailable(site));
                }
                case BAD -> {
                    log.warn("bad ETRN " + site + "... from " + state.client.label());
                    fail("etrn", Reply.ETRN_UNABLE);
                }
                case FAIL -> {
                    log.warn("unable to talk to fast flush service");
                    fail("etrn", Reply.ETRN_UNABLE);
                }
            }
        }
    }

    /** help_cmd - process HELP command: the verbs of the command table. */
    void helpCmd(String arg) throws IOException {
        List<String> verbs = new ArrayList<>();
        for (SmtpdCommand c : SmtpdCommand.values()) {
            if (c == SmtpdCommand.VRFY && settings.vrfyDisabled) continue;
            if (c == SmtpdCommand.STARTTLS && !(server.tls().offersStarttls() && state.client.tls == null)) continue;
            if (c == SmtpdCommand.AUTH && !settings.sasl.enabled) continue;
            verbs.add(c.verb);
        }
        ok("help", Reply.help(verbs));
    }

    /** quit_cmd - process QUIT command */
    void quitCmd(String arg) throws IOException {
        ok("quit", Reply.BYE);
        quit = true;
    }
}
