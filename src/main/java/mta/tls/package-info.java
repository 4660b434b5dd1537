/**
 * NAME
 *   tls - TLS keys, certificates, trust and policy shared by the SMTP server and client
 *
 * SUMMARY
 *   Postfix's PEM files, TLS levels, policy-table entries and certificate checks, as JDK objects.
 *
 * DESCRIPTION
 *   {@link mta.tls.PemFiles} reads certificates, public keys and unencrypted private keys from PEM
 *   files (PKCS#8, PKCS#1 RSA and SEC1 EC keys; the latter two wrapped into PKCS#8 for the JDK)
 *   through a {@link mta.util.SecretFiles}, so that root-only keys come from the privileged
 *   process; {@link mta.tls.TlsKeyFiles} names the files of one role ({@code smtpd_tls_*} or
 *   {@code smtp_tls_*}) and loads them with Postfix's error messages. {@link mta.tls.TlsProtocols}
 *   turns Postfix's protocol syntax ({@code !SSLv3}, {@code >=TLSv1.2}) and cipher grades into
 *   the JDK's names, {@link mta.tls.CipherExclusions} applies OpenSSL exclusion lists.
 *   {@link mta.tls.TlsServerContext} builds the server's SSLContext (and refuses client-initiated
 *   renegotiation). {@link mta.tls.TlsLevel} and {@link mta.tls.TlsPolicy} are Postfix's security
 *   levels and policy-table entries; {@link mta.tls.TrustStore} (CAs or trust anchors),
 *   {@link mta.tls.CertificateNames} (match rules) and {@link mta.tls.Dane} (TLSA records and
 *   fingerprints) judge a server's certificate chain. {@link mta.tls.TlsConfigCheck} is what
 *   {@code postfix start} and {@code postfix check} refuse: keys that cannot be loaded where a
 *   service requires TLS.
 *
 * READS
 *   PEM files named by the caller (through SecretFiles), CApath directories.
 *
 * WRITES
 *   Nothing; problems are exceptions whose messages are fit for a log line and never hold key material.
 *
 * SEE ALSO
 *   Postfix TLS_README, postconf(5) smtpd_tls_chain_files, smtpd_tls_protocols, smtpd_tls_ciphers,
 *   smtp_tls_policy_maps, smtp_tls_security_level; RFC 7672 (DANE for SMTP); docs/smtpd.md (TLS),
 *   docs/smtp-client.md (TLS), docs/privilege-separation.md (secret material).
 */
package mta.tls;
