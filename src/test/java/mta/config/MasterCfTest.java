package mta.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MasterCfTest - master.cf columns, defaults, continuation lines with {@code -o}, and errors. */
class MasterCfTest {
    private static MasterCf parse(String text) {
        return MasterCf.parse("master.cf", List.of(text.split("\n", -1)));
    }

    @Test
    void eightColumnsAndDefaults() {
        MasterCf cf = parse("""
                # service type  private unpriv  chroot  wakeup  maxproc command + args
                smtp      inet  n       -       y       -       -       smtpd
                pickup    unix  n       -       n       60      1       pickup
                qmgr      unix  n       -       n       300?    1       qmgr
                local     unix  -       n       n       -       -       local
                """);
        List<MasterCf.Service> s = cf.services();
        assertEquals(4, s.size());
        MasterCf.Service smtp = s.get(0);
        assertEquals("smtp/inet", smtp.key());
        assertFalse(smtp.privateService());
        assertTrue(smtp.unprivileged());
        assertTrue(smtp.chroot());
        assertEquals(0, smtp.wakeup());
        assertNull(smtp.maxproc());
        assertEquals("smtpd", smtp.command());
        assertEquals(2, smtp.line());
        assertEquals(60, s.get(1).wakeup());
        assertEquals(1, s.get(1).maxproc());
        assertEquals(300, s.get(2).wakeup());
        assertTrue(s.get(2).wakeupOnlyAfterUse());
        assertFalse(s.get(1).wakeupOnlyAfterUse());
        assertTrue(s.get(3).privateService());
        assertFalse(s.get(3).unprivileged());
        assertFalse(s.get(3).chroot());
    }

    @Test
    void continuationLinesCarryOverrides() {
        MasterCf cf = parse("""
                submission inet n       -       n       -       -       smtpd
                  -o syslog_name=postfix/submission
                # a comment between continuation lines
                  -o { smtpd_banner = $myhostname ESMTP submission }
                  -v
                """);
        MasterCf.Service s = cf.services().get(0);
        assertEquals(Map.of("syslog_name", "postfix/submission", "smtpd_banner", "$myhostname ESMTP submission"),
                s.overrides());
        assertEquals(List.of("-v"), s.args());
    }

    @Test
    void repeatedServiceReplacesEarlier() {
        MasterCf cf = parse("""
                smtp inet n - n - - smtpd
                smtp unix - - n - - smtp
                smtp inet n - n - 5 smtpd
                """);
        assertEquals(2, cf.services().size());
        MasterCf.Service inet = cf.services().stream().filter(x -> x.type().equals("inet")).findFirst().orElseThrow();
        assertEquals(5, inet.maxproc());
    }

    @Test
    void errors() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("smtp inet n - n - smtpd"));
        assertEquals("master.cf: line 1: bad field count", e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse("\nsmtp socket n - n - - smtpd"));
        assertEquals("master.cf: line 2: field \"type\": bad value: \"socket\"", e.getMessage());
        assertThrows(ConfigException.class, () -> parse("smtp inet x - n - - smtpd"));
        assertThrows(ConfigException.class, () -> parse("smtp inet n - n soon - smtpd"));
        assertThrows(ConfigException.class, () -> parse("smtp inet n - n - -3 smtpd"));
        assertThrows(ConfigException.class, () -> parse("smtp inet n - n - - smtpd -o novalue"));
    }

    @Test
    void theShippedSubmissionServicesParseWhenUncommented() throws Exception {
        List<String> lines = new java.util.ArrayList<>();
        boolean inEntry = false;
        for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of("conf/master.cf"))) {
            if (l.startsWith("#submission ") || l.startsWith("#submissions ")) inEntry = true;
            else if (!l.startsWith("#  -o ")) inEntry = false;
            lines.add(inEntry ? l.substring(1) : l);
        }
        MasterCf cf = MasterCf.parse("master.cf", lines);
        Map<String, MasterCf.Service> byName = new java.util.HashMap<>();
        for (MasterCf.Service s : cf.services()) byName.put(s.name(), s);
        MasterCf.Service sub = byName.get("submission");
        MasterCf.Service subs = byName.get("submissions");
        assertEquals("smtpd", sub.command());
        assertEquals("inet", subs.type());
        assertEquals(Map.of("syslog_name", "postfix/submission", "smtpd_tls_security_level", "encrypt",
                "smtpd_sasl_auth_enable", "yes", "smtpd_tls_auth_only", "yes", "smtpd_reject_unlisted_recipient", "no",
                "smtpd_recipient_restrictions", "permit_sasl_authenticated,reject",
                "smtpd_relay_restrictions", "permit_sasl_authenticated,reject"), sub.overrides());
        assertEquals("yes", subs.overrides().get("smtpd_tls_wrappermode"));
        assertEquals("postfix/submissions", subs.overrides().get("syslog_name"));
        assertEquals("permit_sasl_authenticated,reject", subs.overrides().get("smtpd_relay_restrictions"));
        for (MasterCf.Service s : List.of(sub, subs)) {
            for (String name : s.overrides().keySet()) assertTrue(Params.all().containsKey(name), name);
        }
    }

    @Test
    void optionsComeBeforeTheFirstArgumentAsInGetopt() {
        MasterCf.Service s = parse("z unix - n n - - smtp -v -o a=b c -o x=y d\n").services().get(0);
        assertEquals(Map.of("a", "b"), s.overrides(), "-o after an argument is an argument");
        assertEquals(List.of("-v", "c", "-o", "x=y", "d"), s.args());
    }
}
