/**
 * postscreen: the screening phase in front of smtpd on port 25 (Postfix's postscreen(8) and dnsblog(8)).
 *
 * <p>A master.cf {@code smtp inet ... postscreen} entry becomes a {@link mta.postscreen.PostscreenListener}.
 * Each connection runs on its own virtual thread as a {@link mta.postscreen.PostscreenSession}:
 * the permanent access list ({@link mta.postscreen.PostscreenAccess}), the result cache
 * ({@link mta.postscreen.PostscreenCache}), the pregreet test and the DNSBL lookups
 * ({@link mta.postscreen.PostscreenDnsbl}) during the greet wait, the deep protocol tests in a
 * small SMTP engine that never accepts mail ({@link mta.postscreen.PostscreenEngine}), and then,
 * for a client that may talk to smtpd, the hand-off ({@link mta.postscreen.PostscreenHandoff}) on
 * the same thread: with virtual threads there is no second process and no descriptor passing.
 * This package does not know smtpd; the master wires the hand-off to the {@code pass} entry's smtpd.
 */
package mta.postscreen;
