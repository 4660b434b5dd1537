/**
 * NAME
 *   mail - mail vocabulary
 *
 * SUMMARY
 *   Addresses, SMTP replies, enhanced status codes and the names of a message's attributes.
 *
 * DESCRIPTION
 *   {@link mta.mail.Address} (RFC 5321/5322 addresses, parsed once), {@link mta.mail.AddressList}
 *   (sendmail's recipient arguments), {@link mta.mail.DomainSyntax}, {@link mta.mail.Reply} (every
 *   SMTP reply text, in one place), {@link mta.mail.Dsn} (RFC 3463 status codes),
 *   {@link mta.mail.DsnNotify}, {@link mta.mail.MailAttributes} (the named attributes a queue file
 *   and a delivery request carry), {@link mta.mail.Smtputf8}, {@link mta.mail.Xtext} and the header
 *   address parsing and rewriting. Pure data and parsing: no I/O. Layer 1: uses util only.
 *
 * READS
 *   Nothing.
 *
 * WRITES
 *   Nothing.
 *
 * SEE ALSO
 *   RFC 5321, RFC 5322, RFC 3461, RFC 3463, RFC 6531.
 */
package mta.mail;
