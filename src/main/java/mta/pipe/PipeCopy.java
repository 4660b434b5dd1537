package mta.pipe;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import mta.deliver.DeliveryRequest;

/**
 * PipeCopy - the message as a pipe command reads it on its standard input.
 *
 * <p>Reads the content from the queue file through the request; writes to the command. In this
 * order, as the flags ask: {@code From sender  date} ({@code F}), {@code Return-Path: <sender>}
 * ({@code R}), {@code X-Original-To: address} ({@code O}, the address as first given),
 * {@code Delivered-To: recipient} ({@code D}); then the message, each line ended with {@code eol=}
 * ({@code \n} by default), with {@code >} before lines that start with {@code From } ({@code >}) and
 * {@code .} before lines that start with {@code .} ({@code .}); then an empty line ({@code B}).
 * Addresses in these lines have their local part quoted when RFC 822 requires it. The sender is
 * the null_sender replacement when the message has none.
 */
final class PipeCopy {
    /** The date of a From_ line, as asctime() writes it: {@code Sun Dec  6 21:12:22 2026}. */
    private static final DateTimeFormatter FROM_DATE = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);

    private PipeCopy() {}

    /**
     * Writes the message for one command; {@code originalTo} and {@code deliveredTo} are the single
     * recipient's addresses (used with {@code O} and {@code D}).
     */
    static void write(OutputStream raw, DeliveryRequest req, PipeAttributes attrs, String sender, String originalTo,
                      String deliveredTo) throws IOException {
        OutputStream out = new BufferedOutputStream(raw, 16384);
        byte[] eol = attrs.eol().getBytes(StandardCharsets.ISO_8859_1);
        StringBuilder h = new StringBuilder();
        String quotedSender = PipeArgv.quoteLocal(sender);
        if (attrs.has(PipeFlag.FROM_LINE)) {
            h.append("From ").append(sender.isEmpty() ? "MAILER-DAEMON" : quotedSender).append("  ")
                    .append(ZonedDateTime.now().format(FROM_DATE)).append(attrs.eol());
        }
        if (attrs.has(PipeFlag.RETURN_PATH)) h.append("Return-Path: <").append(quotedSender).append('>').append(attrs.eol());
        if (attrs.has(PipeFlag.ORIGINAL_TO) && originalTo != null && !originalTo.isEmpty()) {
            h.append("X-Original-To: ").append(PipeArgv.quoteLocal(originalTo)).append(attrs.eol());
        }
        if (attrs.has(PipeFlag.DELIVERED_TO)) {
            h.append("Delivered-To: ").append(PipeArgv.quoteLocal(deliveredTo)).append(attrs.eol());
        }
        out.write(h.toString().getBytes(StandardCharsets.UTF_8));
        boolean quoteFrom = attrs.has(PipeFlag.QUOTE_FROM);
        boolean dots = attrs.has(PipeFlag.DOT_STUFF);
        req.forEachLine((buf, len) -> {
            if (quoteFrom && len >= 5 && buf[0] == 'F' && buf[1] == 'r' && buf[2] == 'o' && buf[3] == 'm' && buf[4] == ' ') {
                out.write('>');
            }
            if (dots && len >= 1 && buf[0] == '.') out.write('.');
            out.write(buf, 0, len);
            out.write(eol);
        });
        if (attrs.has(PipeFlag.BLANK)) out.write(eol);
        out.flush();
    }
}
