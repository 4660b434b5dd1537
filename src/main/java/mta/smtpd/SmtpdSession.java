package mta.smtpd;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mta.cleanup.CleanupException;
import mta.cleanup.CleanupService;
import mta.mail.Address;
import mta.mail.Reply;
import mta.util.LineReader;
import mta.util.MailLog;

/**
 * SmtpdSession - one SMTP conversation, run on its own virtual thread.
 *
 * <p>Reads commands from the client socket and dispatches them through {@link SmtpdCommand};
 * writes replies through {@link SmtpdChat}. A message goes to {@link CleanupService}: the queue
 * file is opened at the first accepted recipient (logging {@code QID: client=...}) and committed at
 * the end of DATA, before {@code 250 2.0.0 Ok: queued as QID} is sent.
 */
final class SmtpdSession implements Runnable {
    private static final DateTimeFormatter RECEIVED_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z (z)", Locale.ROOT);

    private final Socket socket;
    private final SmtpdListener listener;
    private final SmtpdSettings settings;
    private final MailLog.Channel log;
    private SmtpdChat chat;
    private SmtpdState state;
    private boolean quit;

    SmtpdSession(Socket socket, SmtpdListener listener) {
        this.socket = socket;
        this.listener = listener;
        this.settings = listener.settings();
        this.log = listener.log();
    }

    @Override
    public void run() {
        String lastCommand = "CONNECT";
        // Not try-with-resources: the socket must stay open for the timeout reply in the catch below.
        try {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis()));
            socket.setTcpNoDelay(true);
            state = new SmtpdState(listener.identify(socket.getInetAddress()));
            log.info("connect from " + state.client.label());
            chat = new SmtpdChat(socket.getInputStream(), socket.getOutputStream());
            if (listener.isStopping()) {
                chat.reply(withHost(Reply.SHUTDOWN));
                chat.flush();
                return;
            }
            Reply denied = listener.check().connect(state);
            chat.reply(denied != null ? denied : new Reply(220, "", settings.banner()));
            chat.flush();
            LineReader in = chat.reader();
            while (!quit) {
                if (!in.next(settings.lineLengthLimit())) {
                    log.info("lost connection after " + lastCommand + " from " + state.client.label());
                    break;
                }
                if (in.end() == LineReader.End.TOO_LONG) {
                    skipRestOfLine(in);
                    error(Reply.LINE_TOO_LONG);
                } else {
                    lastCommand = dispatch(in.text());
                }
                if (state.client.errors >= settings.hardErrorLimit()) {
                    log.info("too many errors after " + lastCommand + " from " + state.client.label());
                    chat.reply(withHost(Reply.TOO_MANY_ERRORS));
                    break;
                }
                if (listener.isStopping() && !quit) {
                    chat.reply(withHost(Reply.SHUTDOWN));
                    break;
                }
                chat.flushIfIdle();
            }
            chat.flush();
        } catch (SocketTimeoutException e) {
            log.info("timeout after " + lastCommand + " from " + state.client.label());
            try {
                chat.reply(withHost(Reply.TIMEOUT));
                chat.flush();
            } catch (IOException ignored) {
                // the client is gone
            }
        } catch (IOException e) {
            if (state != null) log.info("lost connection after " + lastCommand + " from " + state.client.label());
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            if (state != null) {
                state.resetTransaction();
                log.info("disconnect from " + state.client.label() + state.countsText());
            }
        }
    }

    private Reply withHost(Reply r) {
        return new Reply(r.code(), r.dsn(), settings.myhostname() + " " + r.text());
    }

    private void skipRestOfLine(LineReader in) throws IOException {
        while (in.end() == LineReader.End.TOO_LONG && in.next(settings.lineLengthLimit())) {
            // discard
        }
    }

    /** Looks the verb up in the command table and runs its handler; returns the verb for logging. */
    private String dispatch(String line) throws IOException {
        String text = line.strip();
        int sp = text.indexOf(' ');
        String verb = sp < 0 ? text : text.substring(0, sp);
        String arg = sp < 0 ? "" : text.substring(sp + 1).strip();
        SmtpdCommand cmd = SmtpdCommand.find(verb);
        if (cmd == null) {
            state.count("unknown", false);
            error(Reply.NOT_RECOGNIZED);
            return "UNKNOWN";
        }
        cmd.handler.handle(this, arg);
        return cmd.verb;
    }

    private void ok(String verb, Reply r) throws IOException {
        state.count(verb, true);
        chat.reply(r);
    }

    private void fail(String verb, Reply r) throws IOException {
        state.count(verb, false);
        error(r);
    }

    private void error(Reply r) throws IOException {
        state.client.errors++;
        chat.reply(r);
    }

    // ------------------------------------------------------------------ handlers

    /** helo_cmd - process HELO command */
    void heloCmd(String arg) throws IOException {
        if (arg.isEmpty()) {
            fail("helo", Reply.syntax("HELO hostname"));
            return;
        }
        Reply refused = listener.check().helo(state, arg.split("\\s+")[0]);
        if (refused != null) {
            fail("helo", refused);
            return;
        }
        state.resetTransaction();
        state.client.helo = arg.split("\\s+")[0];
        state.client.protocol = "SMTP";
        ok("helo", new Reply(250, "", settings.myhostname()));
    }

    /** ehlo_cmd - process EHLO command */
    void ehloCmd(String arg) throws IOException {
        if (arg.isEmpty()) {
            fail("ehlo", Reply.syntax("EHLO hostname"));
            return;
        }
        Reply refused = listener.check().helo(state, arg.split("\\s+")[0]);
        if (refused != null) {
            fail("ehlo", refused);
            return;
        }
        state.resetTransaction();
        state.client.helo = arg.split("\\s+")[0];
        state.client.protocol = "ESMTP";
        List<String> lines = new ArrayList<>();
        lines.add(settings.myhostname());
        lines.add("PIPELINING");
        lines.add(settings.messageSizeLimit() > 0 ? "SIZE " + settings.messageSizeLimit() : "SIZE");
        lines.add("ENHANCEDSTATUSCODES");
        lines.add("8BITMIME");
        state.count("ehlo", true);
        chat.reply(250, lines);
    }

    /** mail_cmd - process MAIL command */
    void mailCmd(String arg) throws IOException {
        if (state.client.helo == null && settings.heloRequired()) {
            fail("mail", Reply.BAD_SEQUENCE_HELO);
            return;
        }
        if (state.tx.sender != null) {
            fail("mail", Reply.NESTED_MAIL);
            return;
        }
        if (!arg.regionMatches(true, 0, "FROM:", 0, 5)) {
            fail("mail", Reply.syntax("MAIL FROM:<address>"));
            return;
        }
        Address.Path path = Address.parsePath(arg.substring(5));
        if (path == null) {
            fail("mail", Reply.badAddress("sender"));
            return;
        }
        for (String p : path.parameters().isEmpty() ? new String[0] : path.parameters().split("\\s+")) {
            String name = p.contains("=") ? p.substring(0, p.indexOf('=')).toUpperCase(Locale.ROOT) : p.toUpperCase(Locale.ROOT);
            String value = p.contains("=") ? p.substring(p.indexOf('=') + 1) : "";
            switch (name) {
                case "SIZE" -> {
                    long size;
                    try {
                        size = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        fail("mail", Reply.syntax("MAIL FROM:<address> [SIZE=n]"));
                        return;
                    }
                    if (settings.messageSizeLimit() > 0 && size > settings.messageSizeLimit()) {
                        fail("mail", new Reply(552, "5.3.4", "Message size exceeds fixed limit"));
                        return;
                    }
                }
                case "BODY" -> {
                    if (!value.equalsIgnoreCase("7BIT") && !value.equalsIgnoreCase("8BITMIME")) {
                        fail("mail", new Reply(501, "5.5.4", "Unsupported BODY parameter value"));
                        return;
                    }
                }
                default -> {
                    fail("mail", new Reply(555, "5.5.4", "Unsupported option: " + p));
                    return;
                }
            }
        }
        Reply refused = listener.check().mail(state, path.address());
        if (refused != null) {
            fail("mail", refused);
            return;
        }
        state.tx.sender = path.address();
        ok("mail", Reply.OK_MAIL);
    }

    /** rcpt_cmd - process RCPT command */
    void rcptCmd(String arg) throws IOException {
        if (state.tx.sender == null) {
            fail("rcpt", Reply.NEED_MAIL);
            return;
        }
        if (!arg.regionMatches(true, 0, "TO:", 0, 3)) {
            fail("rcpt", Reply.syntax("RCPT TO:<address>"));
            return;
        }
        Address.Path path = Address.parsePath(arg.substring(3));
        if (path == null || path.address().isNull()) {
            fail("rcpt", Reply.badAddress("recipient"));
            return;
        }
        if (!path.parameters().isEmpty()) {
            fail("rcpt", new Reply(555, "5.5.4", "Unsupported option: " + path.parameters()));
            return;
        }
        if (state.tx.recipients.size() >= settings.recipientLimit()) {
            fail("rcpt", Reply.TOO_MANY_RECIPIENTS);
            return;
        }
        Address rcpt = path.address();
        Reply reject = listener.check().rcpt(state, rcpt);
        if (reject != null) {
            fail("rcpt", reject);
            return;
        }
        if (state.tx.cleanup == null && !openQueueFile()) {
            fail("rcpt", Reply.QUEUE_FILE_ERROR);
            return;
        }
        state.tx.recipients.add(rcpt);
        state.tx.cleanup.recipient(rcpt, rcpt.toString());
        ok("rcpt", Reply.OK_RCPT);
    }

    private boolean openQueueFile() {
        try {
            CleanupService.Transaction t = listener.cleanup().open(CleanupService.Source.SMTPD);
            t.sender(state.tx.sender, "");
            t.attribute("log_client_name", state.client.name);
            t.attribute("log_client_address", state.client.addressText);
            t.attribute("log_helo_name", state.client.helo);
            t.attribute("log_protocol_name", state.client.protocol);
            t.attribute("rewrite_context", "remote");
            state.tx.cleanup = t;
            log.info(t.queueId() + ": client=" + state.client.label());
            return true;
        } catch (IOException e) {
            log.warn("cannot create queue file: " + e.getMessage());
            return false;
        }
    }

    /** data_cmd - process DATA command */
    void dataCmd(String arg) throws IOException {
        if (state.tx.recipients.isEmpty()) {
            // Inside a transaction whose recipients were all refused this is no protocol error:
            // a pipelining client sends DATA before it sees the RCPT replies (RFC 2920).
            fail("data", state.tx.sender == null ? Reply.NEED_RCPT : Reply.NO_VALID_RECIPIENTS);
            return;
        }
        if (!arg.isEmpty()) {
            fail("data", Reply.syntax("DATA"));
            return;
        }
        Reply refused = listener.check().data(state);
        if (refused != null) {
            fail("data", refused);
            return;
        }
        CleanupService.Transaction t = state.tx.cleanup;
        t.attribute("log_protocol_name", state.client.protocol);
        chat.reply(Reply.START_DATA);
        chat.flush();
        writeReceived(t);
        SmtpdData.Result r = SmtpdData.copy(chat.reader(), t, settings);
        Reply reply;
        if (r == SmtpdData.Result.BARE_LF) {
            t.abort(); // nothing of a message with a bare LF may stay behind, not even a temporary file
            reply = Reply.BARE_LF;
        } else if ((reply = listener.check().endOfData(state)) != null) {
            t.abort(); // refused by smtpd_end_of_data_restrictions
        } else {
            try {
                reply = Reply.queued(t.commit());
            } catch (CleanupException e) {
                reply = e.reply();
            }
        }
        if (reply.isPositive()) {
            ok("data", reply);
        } else {
            log.info(state.tx.queueId() + ": reject: DATA from " + state.client.label() + ": " + reply
                    + "; from=<" + state.tx.sender + "> proto=" + state.client.protocol
                    + " helo=<" + state.client.helo + ">");
            fail("data", reply);
        }
        state.tx.cleanup = null; // committed or aborted above: nothing left to discard
        state.resetTransaction();
    }

    private void writeReceived(CleanupService.Transaction t) throws IOException {
        List<String> lines = new ArrayList<>();
        String helo = state.client.helo != null ? state.client.helo : state.client.name;
        String ip = state.client.address instanceof java.net.Inet6Address ? "IPv6:" + state.client.addressText
                : state.client.addressText;
        lines.add("Received: from " + helo + " (" + state.client.name + " [" + ip + "])");
        String by = "\tby " + settings.myhostname() + " (" + settings.mailName() + ") with " + state.client.protocol
                + " id " + t.queueId();
        String date = ZonedDateTime.now().format(RECEIVED_DATE);
        if (state.tx.recipients.size() == 1) {
            lines.add(by);
            lines.add("\tfor <" + state.tx.recipients.get(0) + ">; " + date);
        } else {
            lines.add(by + "; " + date);
        }
        for (String l : lines) {
            byte[] b = l.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            t.line(b, b.length);
        }
    }

    /** rset_cmd - process RSET command */
    void rsetCmd(String arg) throws IOException {
        state.resetTransaction();
        ok("rset", Reply.OK);
    }

    /** noop_cmd - process NOOP command */
    void noopCmd(String arg) throws IOException {
        ok("noop", Reply.OK);
    }

    /** quit_cmd - process QUIT command */
    void quitCmd(String arg) throws IOException {
        ok("quit", Reply.BYE);
        quit = true;
    }
}
