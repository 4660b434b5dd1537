package mta.lookup;

/**
 * TableException - a lookup table cannot be opened, read or written.
 *
 * <p>The message is written for the administrator in Postfix's style, without a stack trace:
 * {@code open database /etc/aliases.db: No such file or directory}. Commands print it after
 * {@code fatal:}; daemons treat it as a temporary failure.
 */
public class TableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TableException(String message) {
        super(message);
    }

    public TableException(String message, Throwable cause) {
        super(message, cause);
    }
}
