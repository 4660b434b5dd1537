/**
 * NAME
 *   rewrite - trivial-rewrite: address rewriting and resolving
 *
 * SUMMARY
 *   Completes addresses and resolves a recipient to (transport, next hop, recipient).
 *
 * DESCRIPTION
 *   {@link mta.rewrite.TrivialRewrite} does Postfix's trivial-rewrite(8) jobs inside the JVM:
 *   canonicalize ({@code user} becomes {@code user@$myorigin}, {@code user@[own address]} is ours)
 *   and resolve: the address class of the domain (local: mydestination and this host's address
 *   literals, {@link mta.rewrite.OwnAddresses}; virtual alias; virtual mailbox; relay; default)
 *   gives the transport and next hop, which transport_maps ({@link mta.rewrite.TransportMaps})
 *   and relayhost may change. {@link mta.rewrite.DomainList} matches the domain lists
 *   (parent_domain_matches_subdomains). Used by cleanup, smtpd's restrictions and the queue
 *   manager. Layer 3: uses config, mail, lookup.
 *
 * READS
 *   main.cf parameters; transport_maps and the domain list tables.
 *
 * WRITES
 *   Nothing.
 *
 * SEE ALSO
 *   Postfix trivial-rewrite(8), transport(5), ADDRESS_CLASS_README.
 */
package mta.rewrite;
