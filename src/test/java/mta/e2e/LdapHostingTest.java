package mta.e2e;

import java.nio.file.Path;
import java.util.List;
import mta.testing.TestSlapd;

/** LdapHostingTest - {@link DatabaseHostingTest} with every table in an OpenLDAP directory ({@code ldap:}). */
class LdapHostingTest extends DatabaseHostingTest {
    static final String BASE = "ou=hosting," + TestSlapd.SUFFIX;
    TestSlapd ldap;

    @Override
    String type() {
        return "ldap";
    }

    @Override
    List<String> tables(Path dir) throws Exception {
        ldap = TestSlapd.get();
        ldap.delete(BASE);
        ldap.add("""
                dn: %1$s
                objectClass: organizationalUnit
                ou: hosting

                dn: dc=box,%1$s
                objectClass: dNSDomain
                objectClass: domainRelatedObject
                dc: box
                associatedDomain: box.example

                dn: uid=ann,%1$s
                objectClass: inetOrgPerson
                objectClass: posixAccount
                cn: Ann
                sn: Ann
                uid: ann
                uidNumber: 5000
                gidNumber: 5000
                homeDirectory: box.example/ann/
                mail: ann@box.example

                dn: uid=ben,%1$s
                objectClass: inetOrgPerson
                objectClass: posixAccount
                cn: Ben
                sn: Ben
                uid: ben
                uidNumber: 5000
                gidNumber: 5000
                homeDirectory: box.example/ben/
                mail: ben@box.example

                dn: cn=info,%1$s
                objectClass: nisMailAlias
                cn: info
                cn: info@box.example
                rfc822MailMember: ann@box.example

                dn: cn=team,%1$s
                objectClass: nisMailAlias
                cn: team
                cn: team@box.example
                rfc822MailMember: ann@box.example
                rfc822MailMember: ben@box.example

                dn: cn=odd,%1$s
                objectClass: nisMailAlias
                cn: odd
                cn: %2$s
                rfc822MailMember: ann@box.example
                """.formatted(BASE, ODD_KEY));
        String connect = "server_host = ldap://127.0.0.1:" + ldap.port + "\nsearch_base = " + BASE + "\nversion = 3\n"
                + "bind = yes\nbind_dn = " + TestSlapd.ROOT_DN + "\nbind_pw = " + TestSlapd.ROOT_PW + "\ntimeout = 2\n";
        return List.of(
                cf(dir, "ldap", "domains", connect + "query_filter = (associatedDomain=%s)\nresult_attribute = associatedDomain\n"),
                cf(dir, "ldap", "mailboxes", connect + "query_filter = (&(objectClass=posixAccount)(mail=%s))\n"
                        + "result_attribute = homeDirectory\n"),
                cf(dir, "ldap", "aliases", connect + "query_filter = (&(objectClass=nisMailAlias)(cn=%s))\n"
                        + "result_attribute = rfc822MailMember\n"));
    }

    @Override
    String serverLabel() {
        return "ldap server ldap://127.0.0.1:" + ldap.port;
    }

    @Override
    void stopServer() {
        ldap.stop();
    }

    @Override
    void startServer() throws Exception {
        ldap.start();
    }
}
