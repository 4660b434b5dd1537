package mta.smtpd;

import java.util.Locale;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.Params;
import mta.rewrite.OwnAddresses;

/**
 * SmtpdRewriteClients - local_header_rewrite_clients: is this client's mail rewritten as local mail?
 *
 * <p>Reads {@code local_header_rewrite_clients} and {@code inet_interfaces}; writes nothing. smtpd
 * asks once per message and tells cleanup {@code rewrite_context=local} (complete and map header
 * addresses) or {@code remote} (leave the headers alone), as Postfix's smtpd does. The words:
 * {@code permit_inet_interfaces} (the client address is one of this host's: an address of
 * {@code inet_interfaces}, or of any interface when it is {@code all}; see {@link OwnAddresses}), {@code permit_mynetworks},
 * and {@code static:all} (every client). {@code permit_sasl_authenticated},
 * {@code permit_tls_clientcerts}, {@code permit_tls_all_clientcerts} and {@code check_address_map}
 * are accepted and match no client yet (there is no AUTH or TLS).
 */
final class SmtpdRewriteClients {
    private final boolean everyone;
    private final boolean mynetworks;
    private final boolean interfaces;
    /** The inet_interfaces addresses. */
    private final OwnAddresses ours;

    /** @throws ConfigException for a word that is not one of the above */
    SmtpdRewriteClients(Config c) {
        boolean all = false, nets = false, ifs = false;
        for (String w : c.list(Params.LOCAL_HEADER_REWRITE_CLIENTS)) {
            switch (w.toLowerCase(Locale.ROOT)) {
                case "permit_inet_interfaces" -> ifs = true;
                case "permit_mynetworks" -> nets = true;
                case "static:all" -> all = true;
                case "permit_sasl_authenticated", "permit_tls_clientcerts", "permit_tls_all_clientcerts" -> { }
                default -> {
                    if (!w.startsWith("check_address_map") && !w.contains(":")) {
                        throw new ConfigException("local_header_rewrite_clients: unknown word: " + w);
                    }
                    // check_address_map's table argument: not consulted yet
                }
            }
        }
        this.everyone = all;
        this.mynetworks = nets;
        this.interfaces = ifs;
        this.ours = new OwnAddresses(c);
    }

    /** True when mail from the client at {@code address} ({@code inMynetworks}) is local mail for header rewriting. */
    boolean isLocal(java.net.InetAddress address, boolean inMynetworks) {
        return everyone || (mynetworks && inMynetworks) || (interfaces && ours.isInterface(address));
    }
}
