package mta.util;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * SecretClient - asks the privileged process for the content of a root-only file, over a
 * UNIX-domain socket ({@code $queue_directory/private/secrets}).
 *
 * <p>The protocol, one request per connection (the server is {@code master.SecretService}):
 * <pre>
 *   client:  read PATH LF                    PATH absolute, UTF-8, no LF in it
 *   server:  ok LENGTH LF, then LENGTH bytes  the file's content
 *       or:  error REASON LF                  Permission denied, No such file or directory,
 *                                             not named by the configuration, ...
 * </pre>
 * then both sides close. The server answers only peers that are {@code mail_owner} or root, and
 * only for files that main.cf or master.cf name in a parameter that holds secret material.
 * Writes nothing but the request; the content is never logged.
 */
public final class SecretClient implements SecretFiles {
    /** The largest file the client accepts (a key, a certificate chain, a CA bundle, a table). */
    public static final int MAX_LENGTH = 64 * 1024 * 1024;

    private final Path socket;

    public SecretClient(Path socket) {
        this.socket = socket;
    }

    @Override
    public byte[] read(Path file) throws IOException {
        String path = file.toAbsolutePath().normalize().toString();
        if (path.indexOf('\n') >= 0) throw new IOException("bad file name");
        SocketChannel connected;
        try {
            connected = UnixConnect.open(socket); // waits while the privileged process starts
        } catch (IOException e) {
            throw new IOException("cannot connect to the privileged process at " + socket + ": "
                    + SecretFiles.reason(e), e);
        }
        try (SocketChannel ch = connected) {
            OutputStream out = Channels.newOutputStream(ch);
            out.write(("read " + path + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = Channels.newInputStream(ch);
            String status = line(in);
            if (status.startsWith("error ")) throw new IOException(status.substring(6));
            if (!status.startsWith("ok ")) throw new IOException("bad answer from the privileged process");
            int length;
            try {
                length = Integer.parseInt(status.substring(3));
            } catch (NumberFormatException e) {
                throw new IOException("bad answer from the privileged process");
            }
            if (length < 0 || length > MAX_LENGTH) throw new IOException("file too large");
            byte[] content = in.readNBytes(length);
            if (content.length != length) throw new IOException("lost connection with the privileged process");
            return content;
        }
    }

    /** One LF-terminated line of at most 1024 bytes. */
    public static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) throw new IOException("lost connection with the privileged process");
            if (b.size() >= 1024) throw new IOException("line too long");
            b.write(c);
        }
        return b.toString(StandardCharsets.UTF_8);
    }
}
