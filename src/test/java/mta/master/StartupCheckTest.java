package mta.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mta.testing.TestSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * StartupCheckTest - what {@code postfix start} refuses, {@code postfix check} refuses first with
 * the same words: every problem at once; services whose program this system does not have are
 * fatal when they would leave a port or a transport in use unserved, warnings otherwise.
 */
class StartupCheckTest {
    @TempDir
    Path tmp;

    /** The master's --check output (what postfix check prints, without its tag). */
    private static List<String> check(TestSite site) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = Master.check(site.config, new PrintStream(out, true, StandardCharsets.UTF_8));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(lines.stream().anyMatch(l -> l.startsWith("fatal: ")) ? 1 : 0, rc, String.join("\n", lines));
        return lines;
    }

    private static List<String> fatal(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("fatal: ")).map(l -> l.substring(7)).toList();
    }

    @Test
    void checkReportsEveryProblemAndStartRefusesWithTheSameMessages() throws Exception {
        TestSite site = new TestSite(tmp)
                .param("mynetworks", "127.0.0.0/8 [::1]/129")
                .param("message_size_limit", "lots")
                .param("smtpd_recipient_restrictions", "permit_mynetworks, reject_bogus_thing")
                .param("alias_maps", "nosuch:/etc/aliases")
                .masterCf("SMTPD inet n - n - - smtpd\nnosuchservice inet n - n - - smtpd\n"
                        + "pickup unix n - n 60 1 pickup\nqmgr unix n - n 300 1 qmgr\nsmtp unix - - n - - smtp\n"
                        + "local unix - n n - - local\n")
                .write();
        List<String> fatal = fatal(check(site));
        assertTrue(fatal.contains("bad numerical configuration: message_size_limit = lots"), fatal.toString());
        assertTrue(fatal.contains("bad network prefix: [::1]/129"), fatal.toString());
        assertTrue(fatal.contains("unsupported dictionary type: nosuch"), fatal.toString());
        assertTrue(fatal.contains("unknown service: nosuchservice/tcp"), fatal.toString());
        assertTrue(fatal.stream().anyMatch(l -> l.contains("\"reject_bogus_thing\"")), fatal.toString());

        StartupCheck.Failed e = assertThrows(StartupCheck.Failed.class,
                () -> Master.start(site.config, Master.Options.defaults()).close());
        assertEquals(fatal, e.messages(), "start refuses with the very messages check gave");
        String log = Files.readString(site.maillog);
        for (String f : fatal) assertTrue(log.contains("postfix/master[") && log.contains("fatal: " + f), log);
    }

    @Test
    void restrictionWordsOfRealConfigurationsPassAndTheirMistakesAreFatal() throws Exception {
        TestSite good = new TestSite(tmp.resolve("good"))
                .param("smtpd_restriction_classes", "strict")
                .param("strict", "reject_unknown_sender_domain, check_sender_mx_access inline:{bad.example=REJECT}")
                .param("smtpd_helo_restrictions", "reject_unknown_helo_hostname, check_helo_ns_access inline:{x=DUNNO}")
                .param("smtpd_sender_restrictions", "inline:{a@b.example=strict}, reject_unlisted_sender,"
                        + " check_sasl_access inline:{u=OK}")
                .param("smtpd_recipient_restrictions", "reject_unknown_recipient_domain, check_recipient_a_access"
                        + " inline:{192.0.2.1=REJECT}, defer_if_permit, defer_if_reject, strict")
                .param("smtpd_data_restrictions", "reject_unauth_pipelining")
                .param("relay_recipient_maps", "inline:{a@relay.example=ok}")
                .param("smtpd_discard_ehlo_keywords", "silent-discard, dsn")
                .param("smtpd_proxy_filter", "inet:[127.0.0.1]:10024")
                .param("smtpd_proxy_options", "speed_adjust")
                .write();
        assertEquals(List.of(), fatal(check(good)));
        TestSite bad = new TestSite(tmp.resolve("bad"))
                .param("smtpd_restriction_classes", "strict")
                .param("smtpd_recipient_restrictions", "strict")
                .param("unknown_address_tempfail_action", "bounce")
                .param("smtpd_proxy_filter", "127.0.0.1:10024")
                .param("smtpd_proxy_options", "speed")
                .write();
        List<String> fatal = fatal(check(bad));
        assertTrue(fatal.stream().anyMatch(l -> l.contains("restriction class `strict' needs a definition")), fatal.toString());
        assertTrue(fatal.stream().anyMatch(l -> l.contains("unknown smtpd_proxy_options value \"speed\"")), fatal.toString());
        StartupCheck.Failed e = assertThrows(StartupCheck.Failed.class,
                () -> Master.start(bad.config, Master.Options.defaults()).close());
        assertEquals(fatal, e.messages(), "start refuses with the very messages check gave");
    }

    @Test
    void servicesWhoseProgramIsMissingAreReportedNeverIgnored() throws Exception {
        TestSite site = new TestSite(tmp)
                .param("virtual_mailbox_domains", "box.example")
                .param("virtual_transport", "lmtp:unix:private/dovecot-lmtp")
                .masterCf(String.join("\n",
                        "SMTPD inet n - n - 1 postscreen",
                        "smtpd pass - - n - - smtpd",
                        "pickup unix n - n 60 1 pickup", "qmgr unix n - n 300 1 qmgr",
                        "smtp unix - - n - - smtp", "local unix - n n - - local",
                        "verify unix - - n - 1 verify",
                        "lmtp unix - - n - - lmtp",
                        "maildrop unix - n n - - pipe flags=DRXhu user=vmail argv=/usr/bin/maildrop -d ${recipient}",
                        "policyd-spf unix - n n - 0 spawn user=nobody argv=/usr/bin/policyd-spf",
                        "tlsmgr unix - - n 1000? 1 tlsmgr",
                        "tlsproxy unix - - n - 0 tlsproxy",
                        ""))
                .write();
        List<String> lines = check(site);
        assertEquals(List.of(), fatal(lines), lines.toString());
        String all = String.join("\n", lines);
        assertFalse(all.contains("postscreen") || all.contains("smtpd/pass") || all.contains("tlsproxy"),
                "postscreen, its pass entry and tlsproxy run here: " + all);
        assertFalse(all.contains("service maildrop/unix") || all.contains("service policyd-spf/unix")
                || all.contains("service verify/unix") || all.contains("service lmtp/unix") || all.contains("runs lmtp"),
                "pipe, spawn, verify and lmtp run here: " + all);
        assertFalse(all.contains("tlsmgr"), "tlsmgr's work is done in-process: nothing to say");
    }

    @Test
    void postscreenWithoutItsPassEntryIsRefused() throws Exception {
        TestSite site = new TestSite(tmp)
                .param("postscreen_greet_action", "bounce")
                .masterCf(String.join("\n",
                        "SMTPD inet n - n - 1 postscreen",
                        "pickup unix n - n 60 1 pickup", "qmgr unix n - n 300 1 qmgr",
                        "smtp unix - - n - - smtp", "local unix - n n - - local", ""))
                .write();
        List<String> fatal = fatal(check(site));
        assertEquals(2, fatal.size(), fatal.toString());
        assertTrue(fatal.contains("postscreen_greet_action = bounce: unknown action (ignore, enforce or drop)"),
                fatal.toString());
        assertTrue(fatal.stream().anyMatch(l -> l.matches("master.cf: line 1: service 127\\.0\\.0\\.1:\\d+/inet: no"
                + " \"smtpd pass \\.\\.\\. smtpd\" entry for postscreen to hand clients to \\(smtpd_service_name\\)")),
                fatal.toString());
    }

    @Test
    void debianStyleConfigurationPassesWithWarningsOnly() throws Exception {
        TestSite site = new TestSite(tmp)
                .param("mynetworks", "127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128")
                .param("smtp-amavis_destination_recipient_limit", "1")
                .param("policyd-spf_time_limit", "3600")
                .param("mydestinaton", "example.test")
                .masterCf(String.join("\n",
                        "SMTPD inet n - n - - smtpd", "pickup unix n - n 60 1 pickup", "cleanup unix n - n - 0 cleanup",
                        "qmgr unix n - n 300 1 qmgr", "smtp unix - - n - - smtp", "relay unix - - n - - smtp",
                        "local unix - n n - - local", "smtp-amavis unix - - n - 2 smtp",
                        "policyd-spf unix - n n - 0 spawn user=nobody argv=/usr/bin/policyd-spf", ""))
                .write();
        List<String> lines = check(site);
        assertEquals(List.of(), fatal(lines));
        List<String> unused = lines.stream().filter(l -> l.contains("unused parameter")).toList();
        assertEquals(List.of("warning: " + site.config.resolve("main.cf") + ": unused parameter: mydestinaton=example.test"),
                unused, "a misspelling is named; service-defined parameters are known");
    }

    @Test
    void malformedMiltersCleanupServiceNamesAndTheMailLogFileAreChecked() throws Exception {
        TestSite site = new TestSite(tmp)
                .param("smtpd_milters", "inet:127.0.0.1")
                .param("maillog_file_prefixes", "/var")
                .masterCf(String.join("\n",
                        "SMTPD inet n - n - - smtpd",
                        "  -o cleanup_service_name=nosuch-cleanup",
                        "  -o smtpd_milters=",
                        "127.0.0.1:" + TestSite.freePort() + " inet n - n - - smtpd",
                        "  -o receive_override_options=no_bogus",
                        "pickup unix n - n 60 1 pickup", "qmgr unix n - n 300 1 qmgr", ""))
                .write();
        List<String> fatal = fatal(check(site));
        assertTrue(fatal.stream().anyMatch(l -> l.endsWith("cleanup_service_name = nosuch-cleanup: no such cleanup"
                + " service in master.cf")), fatal.toString());
        assertTrue(fatal.contains("parameter smtpd_milters: milter inet:127.0.0.1: need inet:host:port"),
                fatal.toString());
        assertEquals(1, fatal.stream().filter(l -> l.contains("milter")).count(), "the first service turned them off");
        assertTrue(fatal.contains("unknown receive_override_options value \"no_bogus\" in \"no_bogus\""), fatal.toString());
        assertTrue(fatal.contains("maillog_file value '" + site.maillog + "' does not match any prefix in"
                + " maillog_file_prefixes"), fatal.toString());
    }
}
