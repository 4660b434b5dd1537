package mta.smtp;

/**
 * SmtpSaslCredentials - the user name and password the SMTP client sends to one server.
 *
 * <p>Pure data, from a {@code user:password} value of {@code smtp_sasl_password_maps} (split at
 * the first colon; the password may contain colons). {@link #toString} never shows the password,
 * so these can appear in no log by accident.
 */
record SmtpSaslCredentials(String user, String password) {

    /** Parses {@code user:password}; a value without a colon is a user with an empty password. */
    static SmtpSaslCredentials parse(String value) {
        int colon = value.indexOf(':');
        if (colon < 0) return new SmtpSaslCredentials(value, "");
        return new SmtpSaslCredentials(value.substring(0, colon), value.substring(colon + 1));
    }

    @Override
    public String toString() {
        return "SmtpSaslCredentials[user=" + user + ", password=(hidden)]";
    }
}
