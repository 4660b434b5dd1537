/**
 * NAME
 *   tls - TLS keys, certificates and protocol settings shared by the SMTP server and client
 *
 * SUMMARY
 *   Postfix's PEM files and TLS parameters, as JDK objects.
 *
 * DESCRIPTION
 *   {@link mta.tls.PemFiles} reads certificates and unencrypted private keys from PEM files
 *   (PKCS#8, PKCS#1 RSA and SEC1 EC keys; the latter two wrapped into PKCS#8 for the JDK) and
 *   checks that a key and its certificate belong together. {@link mta.tls.TlsProtocols} turns
 *   Postfix's protocol syntax ({@code !SSLv3}, {@code >=TLSv1.2}) and cipher grades
 *   ({@code medium}, {@code high}) into the JDK's protocol and cipher-suite names.
 *   {@link mta.tls.TlsServerContext} builds an SSLContext from them, once per configuration,
 *   and layers server-mode TLS sockets over accepted connections.
 *
 * READS
 *   PEM files named by the caller.
 *
 * WRITES
 *   Nothing; problems are exceptions whose messages are fit for a log line.
 *
 * SEE ALSO
 *   Postfix TLS_README, postconf(5) smtpd_tls_chain_files, smtpd_tls_protocols, smtpd_tls_ciphers;
 *   docs/smtpd.md (TLS).
 */
package mta.tls;
