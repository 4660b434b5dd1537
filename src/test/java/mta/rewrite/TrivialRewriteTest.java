package mta.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import mta.config.Config;
import mta.mail.Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TrivialRewriteTest - address classes and transport(5) results, one line per case:
 * {@code recipient -> transport:nexthop class}.
 */
class TrivialRewriteTest {
    @TempDir
    Path tmp;

    private TrivialRewrite rewrite(Map<String, String> extra) throws Exception {
        Path transport = tmp.resolve("transport");
        Files.writeString(transport, String.join("\n",
                "special@two.example   smtp:[192.0.2.2]:2525",
                "user@two.example      :[192.0.2.3]",
                "two.example           relay:[192.0.2.1]",
                ".sub.example          smtp:mx.sub.example",
                "dead.example          error:5.7.1 no mail here",
                "void.example          discard:",
                "keep.example          :",
                "reset.example         smtp:",
                "local@example.test    smtp:[192.0.2.9]",
                ""));
        Map<String, String> v = new LinkedHashMap<>();
        v.put("myhostname", "mx.example.test");
        v.put("mydestination", "$myhostname, example.test");
        v.put("relay_domains", "relayed.example");
        v.put("virtual_alias_domains", "alias.example");
        v.put("virtual_mailbox_domains", "box.example");
        v.put("transport_maps", "texthash:" + transport);
        v.putAll(extra);
        return new TrivialRewrite(Config.of(v));
    }

    private static String show(Resolved r) {
        return r.destination() + " " + r.destinationClass();
    }

    @Test
    void classesThenTransportMaps() throws Exception {
        TrivialRewrite t = rewrite(Map.of());
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("bob@example.test", "local:mx.example.test LOCAL");
        cases.put("bob", "local:mx.example.test LOCAL");
        cases.put("local@example.test", "smtp:[192.0.2.9] LOCAL");
        cases.put("x@alias.example", "error:5.1.1 User unknown in virtual alias table VIRTUAL_ALIAS");
        cases.put("x@box.example", "virtual:box.example VIRTUAL_MAILBOX");
        cases.put("x@relayed.example", "relay:relayed.example RELAY");
        cases.put("x@a.relayed.example", "relay:a.relayed.example RELAY");
        cases.put("x@remote.example", "smtp:remote.example DEFAULT");
        cases.put("special@two.example", "smtp:[192.0.2.2]:2525 DEFAULT");
        cases.put("user@two.example", "smtp:[192.0.2.3] DEFAULT");
        cases.put("other@two.example", "relay:[192.0.2.1] DEFAULT");
        cases.put("x@a.sub.example", "smtp:mx.sub.example DEFAULT");
        cases.put("x@sub.example", "smtp:sub.example DEFAULT");
        cases.put("x@dead.example", "error:5.7.1 no mail here DEFAULT");
        cases.put("x@void.example", "discard:void.example DEFAULT");
        cases.put("x@keep.example", "smtp:keep.example DEFAULT");
        cases.put("x@reset.example", "smtp:reset.example DEFAULT");
        cases.forEach((rcpt, want) -> assertEquals(want, show(t.resolve(Address.parse(rcpt))), rcpt));
    }

    @Test
    void relayhostIsTheDefaultNexthopAndTransportMapsStillWin() throws Exception {
        TrivialRewrite t = rewrite(Map.of("relayhost", "[192.0.2.50]:587"));
        assertEquals("smtp:[192.0.2.50]:587 DEFAULT", show(t.resolve(Address.parse("x@remote.example"))));
        assertEquals("smtp:[192.0.2.50]:587 DEFAULT", show(t.resolve(Address.parse("x@keep.example"))));
        assertEquals("relay:[192.0.2.1] DEFAULT", show(t.resolve(Address.parse("x@two.example"))));
    }

    @Test
    void wildcardMatchesEverythingLast() throws Exception {
        Path wild = tmp.resolve("wild");
        Files.writeString(wild, "* smtp:[192.0.2.99]\nexample.test local:\n");
        TrivialRewrite t = new TrivialRewrite(Config.of(Map.of("myhostname", "mx.example.test",
                "mydestination", "$myhostname, example.test", "transport_maps", "texthash:" + wild)));
        assertEquals("smtp:[192.0.2.99] DEFAULT", show(t.resolve(Address.parse("x@anywhere.example"))));
        assertEquals("local:example.test LOCAL", show(t.resolve(Address.parse("x@example.test"))));
        assertEquals("smtp:[192.0.2.99] LOCAL", show(t.resolve(Address.parse("x@mx.example.test"))));
    }

    @Test
    void domainListsReadTables() throws Exception {
        Path domains = tmp.resolve("domains");
        Files.writeString(domains, "alias.example anything\n");
        TrivialRewrite t = new TrivialRewrite(Config.of(Map.of("myhostname", "mx.example.test",
                "virtual_alias_domains", "texthash:" + domains, "relay_domains", "!no.relayed.example relayed.example")));
        assertEquals(Resolved.DestinationClass.VIRTUAL_ALIAS, t.classify("alias.example"));
        assertEquals(Resolved.DestinationClass.DEFAULT, t.classify("sub.alias.example"));
        assertEquals(Resolved.DestinationClass.RELAY, t.classify("yes.relayed.example"));
        assertEquals(Resolved.DestinationClass.DEFAULT, t.classify("no.relayed.example"));
    }

    /**
     * An address literal of one of our addresses (inet_interfaces, proxy_interfaces) is a local
     * destination like $myhostname, as Postfix's resolve_local; any other literal is remote.
     */
    @Test
    void ownAddressLiteralsAreLocal() throws Exception {
        TrivialRewrite t = rewrite(Map.of("inet_interfaces", "127.0.0.1", "proxy_interfaces", "192.0.2.25"));
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("bob@[127.0.0.1]", "local:mx.example.test LOCAL");
        cases.put("bob@[192.0.2.25]", "local:mx.example.test LOCAL");
        cases.put("bob@[192.0.2.26]", "smtp:[192.0.2.26] DEFAULT");
        cases.put("bob@[IPv6:::1]", "smtp:[ipv6:::1] DEFAULT");
        cases.put("bob@127.0.0.1", "smtp:127.0.0.1 DEFAULT");
        cases.forEach((rcpt, want) -> assertEquals(want, show(t.resolve(Address.parse(rcpt))), rcpt));
        TrivialRewrite loopback = rewrite(Map.of("inet_interfaces", "loopback-only"));
        assertEquals("local:mx.example.test LOCAL", show(loopback.resolve(Address.parse("bob@[IPv6:::1]"))));
        assertEquals("local:mx.example.test LOCAL", show(loopback.resolve(Address.parse("bob@[127.0.0.1]"))));
        TrivialRewrite v4only = rewrite(Map.of("inet_interfaces", "loopback-only", "inet_protocols", "ipv4"));
        assertEquals("smtp:[ipv6:::1] DEFAULT", show(v4only.resolve(Address.parse("bob@[IPv6:::1]"))));
    }

    @Test
    void debianFileFormsMyoriginAndDomainListFiles() throws Exception {
        Path mailname = Files.writeString(tmp.resolve("mailname"), "mail.example.com\n");
        Path hosted = Files.writeString(tmp.resolve("hosted"), "filed.example\n# comment\nother.example\n");
        Path relayed = Files.writeString(tmp.resolve("relayed"), "relay-from-file.example\n");
        TrivialRewrite t = rewrite(Map.of("myorigin", mailname.toString(), "mydestination", "$myhostname " + hosted,
                "relay_domains", relayed.toString(), "virtual_mailbox_domains", hosted.toString()));
        assertEquals("bob@mail.example.com", t.canonicalize(Address.parse("bob")).toString());
        assertEquals(Resolved.DestinationClass.LOCAL, t.classify("filed.example"));
        assertEquals(Resolved.DestinationClass.LOCAL, t.classify("other.example"));
        assertEquals(Resolved.DestinationClass.RELAY, t.classify("relay-from-file.example"));
        assertEquals(Resolved.DestinationClass.DEFAULT, t.classify("mailname"), "the file name is no domain");
    }

    @Test
    void senderDependentRelayhostMapsReplaceRelayhostForTheirSenders() throws Exception {
        Path relays = tmp.resolve("sender_relay");
        Files.writeString(relays, String.join("\n",
                "bob@home.example      [smtp.bobs-provider.example]:587",
                "@home.example         [smtp.provider.example]:587",
                "carol@home.example    DUNNO",
                "<>                    [bounces.example]",
                ""));
        TrivialRewrite t = rewrite(Map.of("relayhost", "[relay.example]",
                "sender_dependent_relayhost_maps", "texthash:" + relays));
        Address far = Address.parse("friend@far.example");
        assertEquals("smtp:[smtp.bobs-provider.example]:587 DEFAULT", show(t.resolve(far, "bob@home.example")));
        assertEquals("smtp:[smtp.provider.example]:587 DEFAULT", show(t.resolve(far, "alice@home.example")));
        assertEquals("smtp:[relay.example] DEFAULT", show(t.resolve(far, "carol@home.example")), "DUNNO: relayhost");
        assertEquals("smtp:[relay.example] DEFAULT", show(t.resolve(far, "x@elsewhere.example")));
        assertEquals("smtp:[bounces.example] DEFAULT", show(t.resolve(far, "")), "the null sender's key is <>");
        assertEquals("relay:[smtp.provider.example]:587 RELAY",
                show(t.resolve(Address.parse("x@relayed.example"), "alice@home.example")));
        assertEquals("smtp:[192.0.2.2]:2525 DEFAULT",
                show(t.resolve(Address.parse("special@two.example"), "bob@home.example")), "transport_maps still wins");
        assertEquals("local:mx.example.test LOCAL", show(t.resolve(Address.parse("bob@example.test"), "bob@home.example")));
        assertEquals("smtp:[relay.example] DEFAULT", show(t.resolve(far)), "no sender: relayhost");
    }
}
