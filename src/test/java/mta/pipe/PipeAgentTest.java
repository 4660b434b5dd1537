package mta.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mta.deliver.DeliveryStatus;
import mta.deliver.DeliveryStatus.Outcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PipeAgentTest - the pipe agent driven directly, with real queue files and a recording script
 * run as a throw-away uid: the expanded arguments, the envelope headers and quoting that the
 * flags ask for, the recipient limit, the size limit, the loop test, and how exit statuses and
 * output become statuses, in Postfix's words.
 */
class PipeAgentTest {
    private static final String ENTRY = "pipetest unix - n n - - pipe ";

    @TempDir
    Path tmp;
    PipeFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new PipeFixture(tmp);
    }

    private static void assertStatus(DeliveryStatus s, Outcome outcome, String dsn, String reason) {
        assertEquals(outcome, s.outcome(), s.toString());
        assertEquals(dsn, s.dsn().toString(), s.toString());
        assertEquals(reason, s.reason(), s.toString());
        assertEquals("pipetest", s.relay(), s.toString());
    }

    @Test
    void everyMacroExpandsAndTheCommandRunsAsTheServiceUser() throws Exception {
        PipeAgent agent = f.agent(ENTRY + "flags=R user=pipeuser argv=" + f.record(0, "")
                + " -f ${sender} -- ${recipient} $original_recipient $(user) ${extension} ${mailbox} ${domain}"
                + " ${nexthop} ${size} ${queue_id} ${client_address} ${client_helo} ${client_hostname}"
                + " ${client_port} ${client_protocol} ${sasl_method} ${sasl_username} ${sasl_sender}"
                + " cost=$$5 { two words } u=${user}@${nexthop}");
        var req = f.request("sender@remote.example",
                List.of(new PipeFixture.Rcpt("Joe+Tag@Example.TEST", "alias@example.test")));
        List<DeliveryStatus> st = agent.deliver(req);
        assertEquals(1, st.size());
        assertStatus(st.get(0), Outcome.SENT, "2.0.0", "delivered via pipetest service");
        assertFalse(st.get(0).finalDelivery(), "without X a success is 'relayed'");
        String calls = f.calls();
        String args = String.join("\n", "arg=[-f]", "arg=[sender@remote.example]", "arg=[--]",
                "arg=[Joe+Tag@Example.TEST]", "arg=[alias@example.test]", "arg=[Joe]", "arg=[Tag]", "arg=[Joe+Tag]",
                "arg=[Example.TEST]", "arg=[Example.TEST]", "arg=[" + req.contentSize() + "]", "arg=[" + req.queueId() + "]",
                "arg=[192.0.2.7]", "arg=[helo.example]", "arg=[client.example]", "arg=[54321]", "arg=[ESMTPSA]",
                "arg=[PLAIN]", "arg=[alice]", "arg=[boss@example.test]", "arg=[cost=$5]", "arg=[two words]",
                "arg=[u=Joe@Example.TEST]");
        assertTrue(calls.contains(args + "\n--- stdin\nReturn-Path: <sender@remote.example>\nSubject: test\n\nbody\n--- end\n"),
                calls);
        if (PipeFixture.ROOT) {
            assertTrue(calls.startsWith("uid=" + PipeFixture.UID + " gid=" + PipeFixture.GID + " groups="
                    + PipeFixture.GID + " cwd=" + f.queue), calls);
        }
        // A clean environment: PATH and what export_environment names, nothing of ours.
        String env = calls.lines().filter(l -> l.startsWith("env=")).findFirst().orElseThrow();
        assertTrue(env.contains("PATH=/usr/bin:/bin"), env);
        assertFalse(env.contains("JAVA") || env.contains("HOME=/root") || env.contains("MAVEN"), env);
    }

    @Test
    void flagsHquFoldAndQuoteTheAddressArguments() throws Exception {
        PipeAgent agent = f.agent(ENTRY + "flags=hqu user=pipeuser argv=" + f.record(0, "")
                + " ${sender} ${recipient} ${original_recipient} ${user} ${domain} ${nexthop}");
        agent.deliver(f.request("Odd Sender@Remote.EXAMPLE",
                List.of(new PipeFixture.Rcpt("John Doe@Example.TEST", "JD@Alias.TEST"))));
        assertTrue(f.calls().contains("arg=[\"Odd Sender\"@Remote.EXAMPLE]\narg=[\"john doe\"@example.test]\n"
                + "arg=[jd@alias.test]\narg=[john doe]\narg=[example.test]\narg=[example.test]\n"), f.calls());
    }

    @Test
    void headersQuotingDotsEolAndBlankLine() throws Exception {
        PipeAgent agent = f.agent(ENTRY + "flags=FRODX.>B eol=\\r\\n user=pipeuser argv=" + f.record(0, ""));
        var req = f.request("", List.of(new PipeFixture.Rcpt("joe@example.test", "alias@example.test")),
                "Subject: dots", "", "From the start", ".leading dot", "..two", "plain");
        DeliveryStatus st = agent.deliver(req).get(0);
        assertStatus(st, Outcome.SENT, "2.0.0", "delivered via pipetest service");
        assertTrue(st.finalDelivery(), "X: the command made the final delivery");
        String calls = f.calls();
        String stdin = calls.substring(calls.indexOf("--- stdin\n") + 10, calls.indexOf("--- end"));
        assertTrue(stdin.matches("(?s)From MAILER-DAEMON  \\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\r\n.*"), stdin);
        assertTrue(stdin.endsWith("\r\nReturn-Path: <MAILER-DAEMON>\r\nX-Original-To: alias@example.test\r\n"
                + "Delivered-To: joe@example.test\r\nSubject: dots\r\n\r\n>From the start\r\n..leading dot\r\n"
                + "...two\r\nplain\r\n\r\n"), stdin);
    }

    @Test
    void nullSenderReplacement() throws Exception {
        f.agent(ENTRY + "flags=R null_sender= user=pipeuser argv=" + f.record(0, "") + " -f ${sender}")
                .deliver(f.request("", List.of(PipeFixture.Rcpt.of("joe@example.test"))));
        assertTrue(f.calls().contains("arg=[-f]\narg=[]\n--- stdin\nReturn-Path: <>\n"), f.calls());
    }

    @Test
    void recipientArgumentsRepeatPerRecipientAndTheLimitSplitsCalls() throws Exception {
        String entry = ENTRY + "user=pipeuser argv=" + f.record(0, "") + " ${nexthop} -u ${user} -r ${recipient}";
        var rcpts = List.of(PipeFixture.Rcpt.of("a@example.test"), PipeFixture.Rcpt.of("+bboard@example.test"),
                PipeFixture.Rcpt.of("c@example.test"));
        List<DeliveryStatus> st = f.agent(entry).deliver(f.request("s@remote.example", rcpts));
        assertEquals(3, st.size());
        // One call; an empty ${user} (+bboard) leaves out that recipient's -u argument.
        assertEquals(1, f.calls().split("--- stdin").length - 1, f.calls());
        assertTrue(f.calls().contains("arg=[Example.TEST]\narg=[-u]\narg=[a]\narg=[c]\narg=[-r]\narg=[a@example.test]\n"
                + "arg=[+bboard@example.test]\narg=[c@example.test]\n--- stdin"), f.calls());

        Files.delete(f.out.resolve("calls"));
        f.params.put("pipetest_destination_recipient_limit", "1");
        st = f.agent(entry).deliver(f.request("s@remote.example", rcpts));
        assertEquals(3, st.size());
        assertTrue(st.stream().allMatch(s -> s.outcome() == Outcome.SENT), st.toString());
        assertEquals(3, f.calls().split("--- stdin").length - 1, "one call per recipient:\n" + f.calls());
    }

    @Test
    void flagDWithSeveralRecipientsIsAConfigurationError() throws Exception {
        var rcpts = List.of(PipeFixture.Rcpt.of("a@example.test"), PipeFixture.Rcpt.of("b@example.test"));
        List<DeliveryStatus> st = f.agent(ENTRY + "flags=D user=pipeuser argv=" + f.record(0, ""))
                .deliver(f.request("s@remote.example", rcpts));
        for (DeliveryStatus s : st) assertStatus(s, Outcome.DEFERRED, "4.3.5", "mail system configuration error");
        assertTrue(f.log().matches("(?s).*postfix/pipe\\[\\d+\\]: warning: pipe flag `D' requires pipetest_destination_recipient_limit = 1.*"),
                f.log());
        assertEquals("", f.calls());
    }

    @Test
    void deliveredToLoopBounces() throws Exception {
        DeliveryStatus st = f.agent(ENTRY + "flags=D user=pipeuser argv=" + f.record(0, ""))
                .deliver(f.request("Joe@Example.test", "Delivered-To: joe@example.test", "Subject: loop", "", "x")).get(0);
        assertStatus(st, Outcome.BOUNCED, "5.4.6", "mail forwarding loop for Joe@Example.test");
        assertEquals("", f.calls());
        // The same header in the body is no loop.
        st = f.agent(ENTRY + "flags=D user=pipeuser argv=" + f.record(0, ""))
                .deliver(f.request("joe@example.test", "Subject: x", "", "Delivered-To: joe@example.test")).get(0);
        assertEquals(Outcome.SENT, st.outcome(), st.toString());
    }

    @Test
    void sizeLimit() throws Exception {
        DeliveryStatus st = f.agent(ENTRY + "size=10 user=pipeuser argv=" + f.record(0, ""))
                .deliver(f.request("joe@example.test")).get(0);
        assertStatus(st, Outcome.BOUNCED, "5.2.3", "message too large");
        assertEquals("", f.calls());
        st = f.agent(ENTRY + "size=100000 user=pipeuser argv=" + f.record(0, "")).deliver(f.request("joe@example.test")).get(0);
        assertEquals(Outcome.SENT, st.outcome());
    }

    @Test
    void exitStatusesAndOutputBecomePostfixStatuses() throws Exception {
        String cmd = f.script.toString();
        assertStatus(run(0, "stored in INBOX"), Outcome.SENT, "2.0.0", "delivered via pipetest service (stored in INBOX)");
        assertStatus(run(75, "try later"), Outcome.DEFERRED, "4.3.0", "temporary failure. Command output: try later ");
        assertStatus(run(67, "no such user"), Outcome.BOUNCED, "5.1.1", "user unknown. Command output: no such user ");
        assertStatus(run(73, ""), Outcome.BOUNCED, "5.2.0", "can't create user output file");
        assertStatus(run(71, ""), Outcome.DEFERRED, "4.3.0", "system resource problem");
        assertStatus(run(1, "it broke"), Outcome.BOUNCED, "5.3.0",
                "Command died with status 1: \"" + cmd + "\". Command output: it broke ");
        assertStatus(run(2, ""), Outcome.BOUNCED, "5.3.0", "Command died with status 2: \"" + cmd + "\"");
        // An enhanced status code at the start of the output wins over the exit status.
        assertStatus(run(1, "5.2.2 mailbox full"), Outcome.BOUNCED, "5.2.2", "mailbox full");
        assertStatus(run(67, "4.2.1 come back later"), Outcome.DEFERRED, "4.2.1", "come back later");
    }

    private DeliveryStatus run(int status, String text) throws Exception {
        return f.agent(ENTRY + "user=pipeuser argv=" + f.record(status, text)).deliver(f.request("joe@example.test")).get(0);
    }

    @Test
    void aSignalTheTimeLimitAndAMissingCommand() throws Exception {
        DeliveryStatus st = f.agent(ENTRY + "user=pipeuser argv=/bin/sh -c {kill -9 $$$$}")
                .deliver(f.request("joe@example.test")).get(0);
        assertStatus(st, Outcome.BOUNCED, "5.3.0", "Command died with signal 9: \"/bin/sh\"");

        f.params.put("pipetest_time_limit", "1s");
        long t0 = System.nanoTime();
        st = f.agent(ENTRY + "user=pipeuser argv=/bin/sh -c {echo started; exec sleep 60}")
                .deliver(f.request("joe@example.test")).get(0);
        assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "killed after the time limit");
        assertStatus(st, Outcome.BOUNCED, "5.3.0", "Command time limit exceeded: \"/bin/sh\". Command output: started ");

        st = f.agent(ENTRY + "user=pipeuser argv=/usr/bin/no-such-maildrop -d ${recipient}")
                .deliver(f.request("joe@example.test")).get(0);
        assertStatus(st, Outcome.DEFERRED, "4.3.0", "temporary failure. Command output: pipe: fatal: pipe_command: "
                + "execvp /usr/bin/no-such-maildrop: No such file or directory");
    }

    @Test
    void userGroupAndDirectory() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        f.agent(ENTRY + "user=pipeuser:other directory=" + work + " argv=" + f.record(0, ""))
                .deliver(f.request("joe@example.test"));
        String first = f.calls().lines().findFirst().orElseThrow();
        assertTrue(first.endsWith(" cwd=" + work), first);
        if (PipeFixture.ROOT) {
            assertTrue(first.startsWith("uid=" + PipeFixture.UID + " gid=" + PipeFixture.OTHER_GID + " groups="
                    + PipeFixture.OTHER_GID + " "), first);
        }
    }

    @Test
    void brokenServicesDeferTheirMailAndSaySo() throws Exception {
        String[][] cases = {
            {"user=root argv=/bin/true", "service pipetest: user=root: commands may not run with root's rights"},
            {"user=mailowner argv=/bin/true", "service pipetest: user=mailowner: commands may not run as the mail system owner mailowner"},
            {"user=nosuchuser argv=/bin/true", "service pipetest: user=nosuchuser: unknown user name: nosuchuser"},
            {"user=pipeuser:nosuchgroup argv=/bin/true", "service pipetest: user=pipeuser:nosuchgroup: unknown group name: nosuchgroup"},
            {"user=pipeuser:root argv=/bin/true", "service pipetest: user=pipeuser:root: commands may not run with group ID 0"},
            {"flags=DZ user=pipeuser argv=/bin/true", "service pipetest: unknown flag: Z"},
            {"user=pipeuser", "service pipetest: missing argv= attribute"},
            {"argv=/bin/true", "service pipetest: missing user= attribute"},
            {"usr=pipeuser argv=/bin/true", "service pipetest: unknown attribute name: usr=pipeuser"},
            {"size=big user=pipeuser argv=/bin/true", "service pipetest: bad size= value: big"},
        };
        for (String[] c : cases) {
            DeliveryStatus st = f.agent(ENTRY + c[0]).deliver(f.request("joe@example.test")).get(0);
            assertStatus(st, Outcome.DEFERRED, "4.3.5", "mail system configuration error");
            assertTrue(f.log().contains("]: fatal: " + c[1] + "\n"), c[0] + "\n" + f.log());
        }
        DeliveryStatus st = f.agent(ENTRY + "user=pipeuser argv=/bin/echo ${recipient} ${no_such_macro}")
                .deliver(f.request("joe@example.test")).get(0);
        assertStatus(st, Outcome.DEFERRED, "4.3.5", "mail system configuration error");
        assertTrue(f.log().contains("warning: master.cf: service pipetest: unknown macro name: \"no_such_macro\""), f.log());
    }
}
