package mta.testing;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/** Maildirs - reads the messages of a Maildir's new/ directory as parsed MIME messages. */
public final class Maildirs {
    private Maildirs() {}

    public static List<MimeMessage> messages(Path maildir) {
        Path dir = maildir.resolve("new");
        List<MimeMessage> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                try (InputStream in = Files.newInputStream(p)) {
                    out.add(new MimeMessage(Session.getInstance(new Properties()), in));
                }
            }
        } catch (IOException | jakarta.mail.MessagingException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    /** The first message whose Subject is {@code subject}, or null. */
    public static MimeMessage bySubject(Path maildir, String subject) {
        try {
            for (MimeMessage m : messages(maildir)) if (subject.equals(m.getSubject())) return m;
            return null;
        } catch (jakarta.mail.MessagingException e) {
            throw new AssertionError(e);
        }
    }
}
