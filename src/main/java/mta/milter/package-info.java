/**
 * The mail filter (milter) client: the Sendmail 8 milter protocol as Postfix speaks it.
 *
 * <p>smtpd opens one {@link mta.milter.MilterChain} per SMTP session from {@code smtpd_milters}
 * and reports each stage to it (connect, HELO, MAIL, RCPT, DATA); cleanup runs the end of the
 * message (headers, body, end-of-message) through the same chain, or through a chain of its own
 * made from {@code non_smtpd_milters} for mail from sendmail and pickup, and applies the
 * filters' changes ({@link mta.milter.MilterMessage}) before the queue file is committed. See
 * docs/milter.md.
 */
package mta.milter;
