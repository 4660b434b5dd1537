package mta.smtpd;

import java.io.IOException;
import javax.net.ssl.SSLSocket;
import mta.mail.Reply;

/**
 * SmtpdStarttls - the STARTTLS command (RFC 3207), and TLS before the greeting on a wrapper-mode port.
 *
 * <p>A handler of the command table, and {@link #wrapperMode} for {@link SmtpdSession}. Both run
 * the handshake of {@link SmtpdTls} on the session's socket, then let {@link SmtpdChat} go on over
 * the TLS socket: whatever the client sent in the clear after STARTTLS is dropped with the old
 * buffers, never read as a command (the STARTTLS command injection). Writes the TLS summary line
 * ({@code Anonymous TLS connection established from ...}) and {@code state.client.tls}.
 */
final class SmtpdStarttls {
    private SmtpdStarttls() {}

    /**
     * starttls_cmd - process STARTTLS command (RFC 3207): {@code 220 2.0.0 Ready to start TLS},
     * the handshake, then a fresh start: the client's HELO/EHLO and any transaction are forgotten.
     */
    static void starttlsCmd(SmtpdContext c, String arg) throws IOException {
        SmtpdState st = c.state;
        SmtpdTls tls = c.server.tls();
        if (!arg.isEmpty()) {
            c.fail("starttls", Reply.syntax("STARTTLS"));
        } else if (st.client.tls != null) {
            c.fail("starttls", Reply.TLS_ALREADY_ACTIVE);
        } else if (!tls.starttlsEnabled() || c.chat.socket() == null || st.client.ehloDiscard.contains("STARTTLS")) {
            c.fail("starttls", Reply.NOT_IMPLEMENTED);
        } else if (!tls.available()) {
            c.fail("starttls", Reply.TLS_NOT_AVAILABLE);
        } else {
            c.checkPipelining(); // logs a client that did not wait for the 220; its bytes are dropped below
            c.chat.reply(Reply.READY_TO_START_TLS);
            c.chat.flush();
            try {
                handshake(c);
            } catch (IOException e) {
                st.count("starttls", false);
                throw e;
            }
            st.count("starttls", true);
            // RFC 3207 section 4.2: forget what the client said in the clear, a SASL login included.
            st.resetTransaction();
            st.client.helo = null;
            st.client.esmtp = false;
            st.client.sasl = null;
        }
    }

    /** smtpd_tls_wrappermode: TLS before the greeting, on the session's thread; false when it cannot be had. */
    static boolean wrapperMode(SmtpdContext c) throws IOException {
        if (!c.server.tls().available()) {
            c.log.warn("Wrapper-mode request dropped from " + c.state.client.label() + " for service "
                    + c.server.serviceName() + ". TLS context initialization failed. For details see earlier"
                    + " warnings in your logs.");
            return false;
        }
        handshake(c);
        return true;
    }

    /** Runs the TLS handshake on the chat's socket, then goes on over TLS. */
    private static void handshake(SmtpdContext c) throws IOException {
        if (c.chat.socket() == null) throw new IOException("TLS needs a socket");
        SSLSocket ssl;
        try {
            ssl = c.server.tls().handshake(c.chat.socket());
            mta.metrics.MailMetrics.TLS_HANDSHAKES.labels("server").inc();
        } catch (IOException e) {
            mta.metrics.MailMetrics.TLS_HANDSHAKE_FAILURES.labels("server").inc();
            c.log.warn("TLS library problem: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            // not a SocketTimeoutException: nothing may be written in the clear now
            throw new IOException("TLS handshake failed", e);
        }
        c.chat.overTls(ssl);
        c.state.client.tls = SmtpdTls.describe(ssl);
        String summary = c.server.tls().summary(c.state.client);
        if (summary != null) c.log.info(summary);
    }
}
