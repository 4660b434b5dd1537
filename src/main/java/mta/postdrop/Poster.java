package mta.postdrop;

import mta.queue.MaildropFile;

/**
 * Poster - who posts: the login name (the default envelope sender, and the name in error texts)
 * and the uid that the maildrop file records and pickup logs as {@code uid=N}. The sendmail
 * command posts as its own process; the master's postdrop service as the caller the socket names.
 */
public record Poster(String login, String uid) {
    /** This process: its user name and real uid. */
    public static Poster ofProcess() {
        return new Poster(System.getProperty("user.name", "root"), MaildropFile.uid());
    }
}
