package mta.smtp;

import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLParameters;
import mta.dns.DnsException;
import mta.dns.DnssecLookup;
import mta.mail.Dsn;
import mta.tls.CertificateNames;
import mta.tls.Dane;
import mta.tls.TlsLevel;
import mta.tls.TlsPolicy;
import mta.tls.TrustStore;

/**
 * SmtpTlsPolicy - the TLS policy of one next-hop destination, and of each server of it.
 *
 * <p>Reads the destination's {@link TlsPolicy} (from {@code smtp_tls_policy_maps} or main.cf) and,
 * at the levels {@code dane} and {@code dane-only}, DNSSEC-validated DNS ({@link DnssecLookup}):
 * whether the MX RRset and the server's addresses are secure, and the server's TLSA records. As
 * in Postfix, {@code dane} becomes {@code may} when there are no validated TLSA records (and
 * {@code encrypt} when there are records but none is usable), while {@code dane-only} defers the
 * mail instead. {@link #forHost} gives the effective policy of one server: its level, its SSL
 * parameters (protocols, ciphers, SNI name), and {@link Host#judge} for the certificate chain the
 * server sent. Writes warnings to the agent's log; nothing else.
 */
final class SmtpTlsPolicy {
    private final SmtpTls tls;
    private final TlsPolicy policy;
    private final Nexthop nexthop;
    /** The validated state of the destination's MX RRset, once asked (dane levels only). */
    private Boolean mxSecure;

    SmtpTlsPolicy(SmtpTls tls, TlsPolicy policy, Nexthop nexthop) {
        this.tls = tls;
        this.policy = policy;
        this.nexthop = nexthop;
    }

    TlsLevel level() {
        return policy.level();
    }

    /** What a handshake established, and how the chain was judged. */
    record Verdict(boolean trusted, boolean matched, String failure) {}

    /** The effective policy for one server of the destination. */
    final class Host {
        final TlsLevel level;
        private final MailHost host;
        private final List<Dane.Tlsa> tlsa;
        private final TrustStore trust;
        private final List<String> rules;
        private SSLParameters parameters;

        Host(TlsLevel level, MailHost host, List<Dane.Tlsa> tlsa, TrustStore trust, List<String> rules) {
            this.level = level;
            this.host = host;
            this.tlsa = tlsa;
            this.trust = trust;
            this.rules = rules;
        }

        /** True when the server is authenticated by DANE TLSA records. */
        boolean dane() {
            return !tlsa.isEmpty();
        }

        /** The handshake's protocols, cipher suites and SNI name. */
        SSLParameters parameters() {
            return parameters;
        }

        /** Computes the parameters; a bad protocol or cipher setting defers, with a warning. */
        private Host prepare() throws SmtpFailure {
            if (level == TlsLevel.NONE) return this;
            try {
                parameters = tls.parameters(level, policy, sniName());
            } catch (IllegalArgumentException e) {
                tls.log.accept("warning: next-hop destination " + nexthop.host() + ": " + e.getMessage());
                throw SmtpFailure.deferred(Dsn.CRYPTOGRAPHIC_FAILURE.temporary(), "none", "client TLS configuration problem");
            }
            return this;
        }

        private String sniName() {
            if (dane()) return host.name();
            String s = policy.servername() != null ? policy.servername() : tls.servername;
            if (s.isEmpty()) return null;
            if (s.equalsIgnoreCase("hostname")) return host.name();
            if (s.equalsIgnoreCase("nexthop")) return nexthop.host();
            return s;
        }

        SmtpTls tls() {
            return tls;
        }

        /**
         * Judges the server's chain (leaf first): trusted (by CAs, anchors, TLSA records or a
         * fingerprint) and matched (the expected name or key). {@code failure} is Postfix's deferral
         * text when the level requires what is missing: {@code Server certificate not trusted},
         * {@code Server certificate not verified}.
         */
        Verdict judge(X509Certificate[] chain) {
            boolean trusted;
            boolean matched;
            if (dane()) {
                trusted = matched = Dane.authenticates(tlsa, chain, host.name(), nexthop.host(), tls.wildcardMultipleLabels);
            } else if (level == TlsLevel.FINGERPRINT) {
                trusted = matched = chain.length > 0 && Dane.fingerprintMatches(chain[0], rules, tls.fingerprintDigest);
            } else {
                trusted = trust.trusts(chain);
                matched = (level == TlsLevel.VERIFY || level == TlsLevel.SECURE) && trusted && chain.length > 0
                        && CertificateNames.matches(chain[0], rules, host.name(), nexthop.host(), tls.wildcardMultipleLabels);
            }
            String failure = null;
            if (level.authenticates() || dane()) {
                if (!trusted) failure = "Server certificate not trusted";
                else if (!matched) failure = "Server certificate not verified";
            }
            return new Verdict(trusted, matched, failure);
        }
    }

    /**
     * The policy for one server.
     *
     * @throws SmtpFailure when mail must not go to this server: TLS required but unavailable, an
     *         invalid configuration, a TLSA lookup that failed, no usable TLSA records at dane-only
     */
    Host forHost(MailHost host) throws SmtpFailure {
        return hostPolicy(host).prepare();
    }

    private Host hostPolicy(MailHost host) throws SmtpFailure {
        TlsLevel level = policy.level();
        if (level == TlsLevel.NONE) return new Host(level, host, List.of(), TrustStore.EMPTY, List.of());
        if (tls.context == null) {
            if (level.required()) {
                throw SmtpFailure.deferred(Dsn.CRYPTOGRAPHIC_FAILURE.temporary(), "none", "TLS is required, but our TLS engine is unavailable");
            }
            return new Host(TlsLevel.NONE, host, List.of(), TrustStore.EMPTY, List.of());
        }
        return switch (level) {
            case DANE, DANE_ONLY -> dane(host);
            case VERIFY, SECURE -> {
                TrustStore trust = policy.tafiles().isEmpty() ? tls.trust : tls.taFiles(policy.tafiles());
                List<String> rules = !policy.match().isEmpty() ? policy.match()
                        : level == TlsLevel.VERIFY ? tls.verifyMatch : tls.secureMatch;
                yield new Host(level, host, List.of(), trust, rules);
            }
            case FINGERPRINT -> {
                List<String> prints = !policy.match().isEmpty() ? policy.match() : tls.fingerprints;
                if (prints.isEmpty()) {
                    tls.log.accept("warning: nexthop domain " + nexthop.host() + ": configured at fingerprint security level,"
                            + " but with no fingerprints to match.");
                    throw SmtpFailure.deferred(Dsn.CRYPTOGRAPHIC_FAILURE.temporary(), "none", "client TLS configuration problem");
                }
                yield new Host(level, host, List.of(), TrustStore.EMPTY, prints);
            }
            default -> new Host(level, host, List.of(), tls.trust, List.of());
        };
    }

    /** RFC 7672: TLSA records for a server whose name and addresses are DNSSEC-validated. */
    private Host dane(MailHost host) throws SmtpFailure {
        DnssecLookup dnssec = tls.resolver == null ? null : tls.resolver.dnssec();
        if (!tls.dnssec || dnssec == null) {
            return incompatible(host, true, nexthop.host() + ": " + policy.level().word()
                    + " configured with dnssec lookups disabled");
        }
        String where = host.name() + ":" + host.port();
        try {
            if (nexthop.mxLookup() && !host.name().equalsIgnoreCase(nexthop.host())) {
                if (mxSecure == null) mxSecure = dnssec.mxSecure(nexthop.host());
                if (!mxSecure && !tls.insecureMxPolicy.equals("dane")) {
                    if (tls.insecureMxPolicy.equals("encrypt") && policy.level() == TlsLevel.DANE) {
                        return new Host(TlsLevel.ENCRYPT, host, List.of(), tls.trust, List.of());
                    }
                    return incompatible(host, false, "non DNSSEC destination");
                }
            }
            if (!dnssec.addressesSecure(host.name())) return incompatible(host, false, "non DNSSEC destination");
            DnssecLookup.Validated<List<DnssecLookup.Tlsa>> found = dnssec.tlsa(host.name(), host.port());
            if (!found.secure() || found.value().isEmpty()) return incompatible(host, false, "no TLSA records found");
            List<Dane.Tlsa> records = found.value().stream()
                    .map(t -> new Dane.Tlsa(t.usage(), t.selector(), t.matchingType(), t.data())).toList();
            if (!Dane.anyUsable(records)) {
                if (policy.level() == TlsLevel.DANE) return new Host(TlsLevel.ENCRYPT, host, List.of(), tls.trust, List.of());
                throw SmtpFailure.deferred(Dsn.CRYPTOGRAPHIC_FAILURE.temporary(), "none", "TLSA records unusable");
            }
            return new Host(policy.level(), host, records.stream().filter(Dane.Tlsa::usable).toList(), TrustStore.EMPTY,
                    List.of());
        } catch (DnsException e) {
            throw SmtpFailure.deferred(Dsn.CRYPTOGRAPHIC_FAILURE.temporary(), "none", "TLSA lookup error for " + where);
        }
    }

    /**
     * DANE does not apply: {@code dane} falls back to {@code may}; {@code dane-only} defers, with
     * the reason (or, for a configuration problem, a warning and "client TLS configuration problem").
     */
    private Host incompatible(MailHost host, boolean configProblem, String why) throws SmtpFailure {
        if (configProblem) tls.log.accept("warning: " + why);
        if (policy.level() == TlsLevel.DANE) return new Host(TlsLevel.MAY, host, List.of(), tls.trust, List.of());
        throw SmtpFailure.deferred(Dsn.CRYPTOGRAPHIC_FAILURE.temporary(), "none", configProblem ? "client TLS configuration problem" : why);
    }
}
