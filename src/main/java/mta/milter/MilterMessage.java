package mta.milter;

import java.util.List;

/**
 * MilterMessage - a message at its end, as the milters see it and change it (cleanup implements it).
 *
 * <p>The milters read the envelope, the headers and the body, and their end-of-message changes
 * are applied through the methods below at once, so the next milter in the list sees them. A
 * header is the logical header as text, {@code Name: value}, its physical lines joined by CRLF.
 * Header indexes follow the protocol: {@link #insertHeader} counts from 0 over all headers,
 * {@link #changeHeader} counts from 1 over the headers of that name.
 */
public interface MilterMessage {
    /** The envelope sender (empty for the null sender). */
    String sender();

    /** The envelope recipients, in order. */
    List<String> recipients();

    /** The headers, in order. */
    List<String> headers();

    /** The body: the lines after the empty line, with CRLF line ends. */
    MilterSpool body();

    void changeSender(String sender, String esmtpArgs);

    void addRecipient(String recipient, String esmtpArgs);

    void deleteRecipient(String recipient);

    /** Appends a header. */
    void addHeader(String header);

    /** Inserts a header before the one at {@code index} (0 is the top); past the end it is appended. */
    void insertHeader(int index, String header);

    /**
     * Replaces the {@code index}-th header named {@code name} (from 1) by {@code header}, or deletes
     * it when {@code header} is null; a header that is not there is added (unless deleted).
     */
    void changeHeader(String name, int index, String header);

    /** The body is replaced by {@code body} (CRLF line ends). */
    void replaceBody(MilterSpool body);

    /** The message goes to the hold queue (quarantine). */
    void quarantine(String reason);
}
