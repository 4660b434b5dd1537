package mta.smtpd;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mta.cleanup.CleanupService;
import mta.mail.Address;
import mta.policy.PolicyLeases;

/**
 * SmtpdState - everything one SMTP session knows (Postfix's SMTPD_STATE).
 *
 * <p>Split in two: {@link Client} for the connection (lives as long as the socket) and
 * {@link Transaction} for one MAIL..DATA (or MAIL..BDAT LAST) exchange, replaced by
 * {@link #resetTransaction()}. {@link #where} names the protocol stage for the
 * "lost connection after ..." and "timeout after ..." log lines.
 */
final class SmtpdState {
    /** Facts about the connected client. */
    static final class Client {
        final InetAddress address;
        final String addressText;
        final String name;
        final boolean inMynetworks;
        /** The client's PTR name, not forward-confirmed (reject_rhsbl_reverse_client); else {@code unknown}. */
        String reverseName = "unknown";
        /** True when the name is unknown only because DNS failed for the moment. */
        boolean nameTemporary;
        /** With smtpd_delay_reject = no: the refusal of the client restrictions at connect time. */
        mta.mail.Reply accessDenied;
        /** The client's TCP port, or -1 when unknown (behind a proxy, or standard input). */
        int port = -1;
        String helo;
        String protocol = "SMTP";
        int errors;
        /** The client said EHLO: it may pipeline (RFC 2920). */
        boolean esmtp;
        /** The client pipelined where it must wait (logged once; reject_unauth_pipelining can use it). */
        boolean improperPipelining;
        /** The EHLO keywords not offered to this client (upper case; {@link SmtpdEhloDiscard}). */
        java.util.Set<String> ehloDiscard = java.util.Set.of();
        /** smtpd_discard_ehlo_keyword_address_maps could not be read for this client: EHLO ends the session. */
        boolean ehloDiscardUnknown;
        /** smtpd_forbid_bare_newline as it applies to this client (NO when excluded). */
        SmtpdSettings.BareNewline bareNewline = SmtpdSettings.BareNewline.NORMALIZE;
        /** The TLS session after STARTTLS or on a wrapper-mode port; null while the connection is plain. */
        Tls tls;
        /** The SASL login after a successful AUTH; null until then. */
        Sasl sasl;
        /** The server address and port the client connected to ("", -1 when unknown). */
        String serverAddress = "";
        int serverPort = -1;

        Client(InetAddress address, String name, boolean inMynetworks) {
            this.address = address;
            this.addressText = address.getHostAddress();
            this.name = name;
            this.inMynetworks = inMynetworks;
        }

        /** {@code name[address]}, as every log line shows the client. */
        String label() {
            return name + "[" + addressText + "]";
        }
    }

    /** What the TLS handshake settled: protocol ("TLSv1.3") and cipher suite name, and its strength in bits. */
    record Tls(String protocol, String cipher, int bits) {
    }

    /** A successful AUTH: the mechanism ("PLAIN") and the login name the SASL server confirmed. */
    record Sasl(String method, String username) {
    }

    /** One mail transaction. */
    static final class Transaction {
        Address sender;
        final List<Address> recipients = new ArrayList<>();
        CleanupService.Transaction cleanup;
        /** The MAIL FROM SIZE= value (RFC 1870), or -1 when the client gave none. */
        long declaredSize = -1;
        /** MAIL FROM parameters: SMTPUTF8 requested, RFC 3461 RET and ENVID (null when absent). */
        boolean smtputf8;
        /** MAIL FROM BODY=: "8bit" (8BITMIME) or "7bit", queued as the attribute encoding; null when absent. */
        String encoding;
        String dsnRet;
        String dsnEnvid;
        /** Content bytes received so far by DATA or BDAT. */
        long bytes;
        /** BDAT has started this message's content (DATA is then out of sequence). */
        SmtpdBdat bdat;
        /**
         * A BDAT chunk of this transaction was refused: later chunks are read and thrown away
         * until {@code BDAT n LAST} ends the transaction (Postfix's 551 "after earlier error").
         */
        boolean bdatError;
        /** Set by a FILTER access table action: this message's content_filter. */
        String filter;
        /** HOLD, DISCARD, REDIRECT, BCC and PREPEND actions of access tables and policy servers. */
        SmtpdSavedActions saved = new SmtpdSavedActions();
        /** The MAIL FROM command as the client sent it, for a smtpd_proxy_filter. */
        String proxyMail;
        /** The MAIL FROM AUTH= parameter (RFC 4954 section 5), xtext-decoded; null when absent or {@code <>}. */
        String saslSender;

        /** Content has started through BDAT, or a chunk was refused: RCPT and DATA are out of sequence. */
        boolean inBdat() {
            return bdat != null || bdatError;
        }

        /** The queue ID once cleanup is open, else NOQUEUE. */
        String queueId() {
            return cleanup == null ? "NOQUEUE" : cleanup.queueId();
        }
    }

    final Client client;
    Transaction tx = new Transaction();
    /** The protocol stage: CONNECT, a verb, or END-OF-MESSAGE. */
    String where = "CONNECT";
    /** The domain of the ETRN command being checked (smtpd_etrn_restrictions), else null. */
    String etrnDomain;
    /** True while message content is being read: the stage is then logged with its byte count. */
    boolean inContent;
    /** reject_unlisted_sender / _recipient ran in this stage's lists: the implicit check at its end is not needed. */
    boolean senderListChecked;
    boolean recipientListChecked;
    /** Armed DEFER_IF_PERMIT and DEFER_IF_REJECT deferrals. */
    final SmtpdDeferIf deferIf = new SmtpdDeferIf();
    /** Policy delegation: the server connections this session holds, and the current message's instance. */
    final PolicyLeases policyLeases = new PolicyLeases();
    String policyInstance = "";
    /** Per-command counters for the "disconnect from" line: {accepted, total}. */
    final Map<String, int[]> counts = new HashMap<>();
    /** The session's milters (smtpd_milters), connected at the start; null without milters. */
    mta.milter.MilterChain milters;
    /** The AUTH conversation's server (Dovecot), opened when first needed and closed with the session ({@link SmtpdSasl}). */
    XsaslServer saslServer;

    SmtpdState(Client client) {
        this.client = client;
    }

    /** The stage for log lines: {@code RCPT}, or {@code DATA (1234 bytes)} while content is read. */
    String whereText() {
        return inContent ? where + " (" + tx.bytes + " bytes)" : where;
    }

    /**
     * The protocol name for this message (RFC 3848): ESMTP, then S under TLS and A after AUTH
     * (ESMTPS, ESMTPA, ESMTPSA); UTF8 in front when the client asked for SMTPUTF8.
     */
    String protocol() {
        String p = client.protocol;
        // for ESMTP only, as in Postfix; a client that has not said EHLO again after STARTTLS still counts
        if (p.equals("ESMTP")) p += (client.tls != null ? "S" : "") + (client.sasl != null ? "A" : "");
        return tx.smtputf8 ? "UTF8" + p : p;
    }

    /** Ends the current transaction, discarding an unfinished queue file. */
    void resetTransaction() {
        if (tx.cleanup != null) tx.cleanup.abort();
        if (milters != null) milters.abort();
        tx = new Transaction();
    }

    void count(String verb, boolean ok) {
        int[] c = counts.computeIfAbsent(verb, k -> new int[2]);
        if (ok) c[0]++;
        c[1]++;
    }

    /**
     * {@code ehlo=1 mail=1 rcpt=0/1 data=1 quit=1 commands=4/5}: the counters in the order of
     * {@code verbs} (the command table's), others after them, "unknown" last.
     */
    String countsText(List<String> verbs) {
        StringBuilder sb = new StringBuilder();
        int ok = 0, all = 0;
        List<String> order = new ArrayList<>(verbs);
        for (String k : counts.keySet()) if (!order.contains(k) && !k.equals("unknown")) order.add(k);
        order.add("unknown");
        for (String verb : order) {
            int[] c = counts.get(verb);
            if (c == null) continue;
            sb.append(' ').append(verb).append('=');
            sb.append(c[0] == c[1] ? Integer.toString(c[0]) : c[0] + "/" + c[1]);
            ok += c[0];
            all += c[1];
        }
        sb.append(" commands=").append(ok == all ? Integer.toString(all) : ok + "/" + all);
        return sb.toString();
    }
}
