package mta.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import mta.config.ConfigException;
import mta.config.MasterCf;
import org.junit.jupiter.api.Test;

/** PipeAttributesTest - the attributes of master.cf pipe entries as the stock Debian file writes them. */
class PipeAttributesTest {
    private static PipeAttributes parse(String entry) {
        MasterCf.Service s = MasterCf.parse("master.cf", List.of(entry.split("\n"))).services().get(0);
        return PipeAttributes.parse(s.name(), s.args());
    }

    @Test
    void debianEntries() {
        PipeAttributes a = parse("maildrop  unix  -       n       n       -       -       pipe\n"
                + "  flags=DRXhu user=vmail argv=/usr/bin/maildrop -d ${recipient}");
        assertEquals(Set.of(PipeFlag.DELIVERED_TO, PipeFlag.RETURN_PATH, PipeFlag.FINAL_DELIVERY, PipeFlag.FOLD_HOST,
                PipeFlag.FOLD_USER), a.flags());
        assertEquals("vmail", a.user());
        assertEquals(List.of("/usr/bin/maildrop", "-d", "${recipient}"), a.argv());
        assertEquals("\n", a.eol());
        assertEquals("MAILER-DAEMON", a.nullSender());
        assertEquals(0, a.sizeLimit());

        a = parse("uucp unix - n n - - pipe\n  flags=Fqhu user=uucp argv=uux -r -n -z -a$sender - $nexthop!rmail ($recipient)");
        assertEquals(List.of("uux", "-r", "-n", "-z", "-a$sender", "-", "$nexthop!rmail", "($recipient)"), a.argv());
        a = parse("bsmtp unix - n n - - pipe\n  flags=Fq. user=bsmtp argv=/usr/lib/bsmtp/bsmtp -t$nexthop -f$sender $recipient");
        assertTrue(a.has(PipeFlag.DOT_STUFF) && a.has(PipeFlag.QUOTE_LOCAL) && a.has(PipeFlag.FROM_LINE));
        a = parse("dovecot unix - n n - - pipe flags=DRh\n    user=vmail:vmail argv=/usr/lib/dovecot/deliver -f ${sender} -d\n"
                + "    ${user}@${domain} -m ${extension}");
        assertEquals("vmail:vmail", a.user());
        assertEquals(List.of("/usr/lib/dovecot/deliver", "-f", "${sender}", "-d", "${user}@${domain}", "-m", "${extension}"),
                a.argv());
    }

    @Test
    void theShippedExamplesParseWhenUncommented() throws Exception {
        List<String> lines = new java.util.ArrayList<>();
        boolean inEntry = false;
        for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of("conf/master.cf"))) {
            if (l.startsWith("#dovecot ") || l.startsWith("#policyd-spf ")) inEntry = true;
            else if (!l.startsWith("#  ")) inEntry = false;
            if (inEntry) lines.add(l.substring(1));
        }
        MasterCf cf = MasterCf.parse("master.cf", lines);
        assertEquals(2, cf.services().size(), lines.toString());
        MasterCf.Service dovecot = cf.services().get(0);
        PipeAttributes a = PipeAttributes.parse(dovecot.name(), dovecot.args());
        assertEquals("vmail", a.user());
        assertEquals(List.of("/usr/lib/dovecot/dovecot-lda", "-f", "${sender}", "-d", "${user}@${nexthop}"), a.argv());
        MasterCf.Service spf = cf.services().get(1);
        assertEquals("spawn", spf.command());
        assertEquals(0, spf.maxproc());
        mta.config.CommandAttributes c = mta.config.CommandAttributes.parse(spf.name(), spf.args(), Set.of());
        assertEquals("policyd-spf", c.user());
        assertEquals(List.of("/usr/bin/policyd-spf"), c.argv());
    }

    @Test
    void otherAttributes() {
        PipeAttributes a = parse("x unix - n n - - pipe FLAGS=B Eol=\\r\\n size=1000 null_sender= directory=/tmp"
                + " user=u argv=/usr/bin/printf { an argument }");
        assertEquals("\r\n", a.eol());
        assertEquals(1000, a.sizeLimit());
        assertEquals("", a.nullSender());
        assertEquals("/tmp", a.directory());
        assertEquals(List.of("/usr/bin/printf", "an argument"), a.argv());
        assertEquals("\t\0\u0007\\x\u00ff", PipeAttributes.unescape("\\t\\0\\a\\\\\\x\\377"));
        assertThrows(ConfigException.class, () -> parse("x unix - n n - - pipe chroot=/jail user=u argv=/bin/true"));
    }
}
