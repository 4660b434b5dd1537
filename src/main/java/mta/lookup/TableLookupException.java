package mta.lookup;

/**
 * TableLookupException - a lookup could not be answered now: the table's server is down, slow or
 * refusing, or its answer broke a limit. Always temporary.
 *
 * <p>Thrown by the tables that talk to a server ({@code pgsql:}, {@code mysql:}, {@code sqlite:},
 * {@code ldap:}, {@code memcache:}, {@code socketmap:}, {@code tcp:}) from {@link Table#get}. The
 * message names the table and the server, and never a password:
 * {@code pgsql:/etc/postfix/virtual.cf: table lookup problem: connect to pgsql server 127.0.0.1:5432: Connection refused}.
 * Callers turn it into {@code 451 4.3.0 Temporary lookup failure} at SMTP time and a deferral in
 * delivery, never a bounce; it is a {@link TableException}, so code that already treats those as
 * temporary needs no change.
 */
public class TableLookupException extends TableException {
    private static final long serialVersionUID = 1L;

    public TableLookupException(String spec, String reason) {
        super(spec + ": table lookup problem: " + reason);
    }

    public TableLookupException(String spec, String reason, Throwable cause) {
        super(spec + ": table lookup problem: " + reason, cause);
    }
}
