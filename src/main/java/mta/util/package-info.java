/**
 * NAME
 *   util - mail-agnostic helpers
 *
 * SUMMARY
 *   What every layer may use: files, lines, processes, accounts, logging, expansion.
 *
 * DESCRIPTION
 *   {@link mta.util.LineReader} (CRLF lines with limits), {@link mta.util.SafeFiles} (create-new,
 *   force, atomic rename), {@link mta.util.MailLog} (the mail log in Postfix's line format, to a
 *   file or syslog), {@link mta.util.PosixAccounts}, {@link mta.util.Durations},
 *   {@link mta.util.MacroExpand} (the one {@code $name} expander), {@link mta.util.AddressBits}
 *   (IP prefix masks), {@link mta.util.Getopt} and {@link mta.util.Usage} (command lines), the
 *   privilege helpers (Setpriv, ExternalCommand, UserThread, SecretFiles) and the native calls
 *   behind them. Layer 0: the JDK and slf4j only; nothing here knows about mail.
 *
 * READS
 *   What each caller hands it.
 *
 * WRITES
 *   What each caller asks: files (SafeFiles), the mail log.
 *
 * SEE ALSO
 *   docs/architecture.md; docs/privilege-separation.md.
 */
package mta.util;
