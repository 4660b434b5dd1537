package mta.qmgr;

import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** BounceText - the raw text of one part of a parsed notice. */
final class BounceText {
    private BounceText() {}

    static String of(MimeMessage m, int part) throws Exception {
        MimeMultipart mp = (MimeMultipart) m.getContent();
        try (InputStream in = mp.getBodyPart(part).getInputStream()) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toString(StandardCharsets.UTF_8);
        }
    }
}
