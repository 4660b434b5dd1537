package mta.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * CertificateNames - does a server certificate carry the name the SMTP client expects? Postfix's
 * {@code smtp_tls_verify_cert_match} / {@code smtp_tls_secure_cert_match} rules.
 *
 * <p>Reads the certificate's DNS names (subjectAltName dNSName entries, or the subject's common
 * name when there are none) and a list of match rules: {@code hostname} (the server's name, from
 * the MX record or the next-hop), {@code nexthop} (the next-hop domain), {@code dot-nexthop} (its
 * sub-domains), {@code example.com} (that name) and {@code .example.com} (its sub-domains). A
 * certificate name {@code *.example.com} matches one label in front of {@code example.com}, or
 * several when {@code tls_wildcard_matches_multiple_labels} is on. Case is ignored. Writes nothing.
 */
public final class CertificateNames {
    private CertificateNames() {}

    /** The DNS names of the certificate, lower case: subjectAltName dNSNames, else the CN. */
    public static List<String> of(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(2).equals(san.get(0))) out.add(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT));
                }
            }
        } catch (CertificateParsingException e) {
            // no usable names: none match
        }
        if (!out.isEmpty()) return out;
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) out.add(String.valueOf(rdn.getValue()).toLowerCase(Locale.ROOT));
            }
        } catch (InvalidNameException e) {
            // no common name
        }
        return out;
    }

    /**
     * True when one of the certificate's names satisfies one of the rules.
     *
     * @param rules    match rules ({@code hostname}, {@code nexthop}, {@code dot-nexthop}, names, {@code .domains})
     * @param hostname the server's host name
     * @param nexthop  the next-hop domain (without brackets and port)
     * @param multipleLabels tls_wildcard_matches_multiple_labels
     */
    public static boolean matches(X509Certificate cert, List<String> rules, String hostname, String nexthop,
                                  boolean multipleLabels) {
        List<String> names = of(cert);
        for (String rule : rules) {
            String r = rule.strip().toLowerCase(Locale.ROOT);
            boolean sub = false;
            String domain;
            switch (r) {
                case "hostname" -> domain = hostname;
                case "nexthop" -> domain = nexthop;
                case "dot-nexthop" -> {
                    domain = nexthop;
                    sub = true;
                }
                default -> {
                    domain = r;
                    if (r.startsWith(".") && r.length() > 1) {
                        domain = r.substring(1);
                        sub = true;
                    }
                }
            }
            if (domain == null || domain.isEmpty()) continue;
            domain = strip(domain.toLowerCase(Locale.ROOT));
            for (String name : names) {
                if (sub ? name.endsWith("." + domain) : nameMatches(name, domain, multipleLabels)) return true;
            }
        }
        return false;
    }

    /** Exact match, or a {@code *.} wildcard standing for the first label(s) of {@code domain}. */
    static boolean nameMatches(String name, String domain, boolean multipleLabels) {
        name = strip(name);
        if (name.equals(domain)) return true;
        if (!name.startsWith("*.") || name.length() < 3) return false;
        String base = name.substring(1); // ".example.com"
        if (!domain.endsWith(base)) return false;
        String front = domain.substring(0, domain.length() - base.length());
        if (front.isEmpty()) return false;
        return multipleLabels || front.indexOf('.') < 0;
    }

    private static String strip(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
