package mta.deliver;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mta.mail.Dsn;
import mta.util.SafeOpen;
import mta.util.Setpriv;

/**
 * UserFileTool - user file work in a child JVM that runs as the user (the Java 21 way of {@link UserFiles}).
 *
 * <p>{@link #run} starts {@code setpriv --reuid=UID --regid=GID --groups=GID -- java ... mta.deliver.UserFileTool
 * OP ARGS}: the child has the user's real and effective IDs, no capabilities, a clean environment
 * and {@code /} as working directory. It runs the same {@link MailboxWriter} and {@link
 * UserFiles#readHere} code as a user thread would, with the message on its standard input, and
 * answers on its standard output, one line each: {@code warning TEXT}, then {@code ok}, {@code fail
 * DSN ACCESS TEXT} (a {@link MailboxWriter.Failure}), {@code error KIND TEXT} (an I/O error), or
 * {@code data UID LENGTH} followed by the bytes read. A child that takes longer than {@value
 * #TIME_LIMIT_SECONDS} seconds is killed.
 *
 * <p>The child reads the mail system's classes with the user's rights: the installation must be
 * world-readable (a package under {@code /usr} or {@code /opt} is); {@code mta.userfiles.classpath}
 * names another copy of the classes.
 */
public final class UserFileTool {
    static final int TIME_LIMIT_SECONDS = 600;

    private UserFileTool() {}

    /** What the child answered. */
    record Answer(List<String> warnings, UserFiles.Read read) {}

    /** Runs {@code args} in a child JVM as uid/gid, feeding it {@code content} (may be null). */
    static Answer run(int uid, int gid, MailboxWriter.Content content, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(Setpriv.prefix(uid, gid));
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xshare:auto", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m", "-XX:-UsePerfData"));
        cmd.add("-cp");
        cmd.add(System.getProperty("mta.userfiles.classpath", System.getProperty("java.class.path")));
        cmd.add(UserFileTool.class.getName());
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(new java.io.File("/"))
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin");
        Process p = pb.start();
        Thread feeder = Thread.ofVirtual().name("userfile-stdin").start(() -> {
            try (OutputStream in = p.getOutputStream()) {
                if (content != null) {
                    // In chunks, with an empty one at the end: a message cut short is never taken for a whole one.
                    DataOutputStream chunks = new DataOutputStream(new java.io.BufferedOutputStream(in, 65536));
                    content.writeTo(new OutputStream() {
                        @Override
                        public void write(int b) throws IOException {
                            write(new byte[] {(byte) b}, 0, 1);
                        }

                        @Override
                        public void write(byte[] b, int off, int len) throws IOException {
                            if (len == 0) return;
                            chunks.writeInt(len);
                            chunks.write(b, off, len);
                        }
                    });
                    chunks.writeInt(0);
                    chunks.flush();
                }
            } catch (IOException e) {
                // the child stopped reading (it failed early); its answer says why
            }
        });
        byte[] out;
        try (InputStream stdout = p.getInputStream()) {
            out = stdout.readNBytes(UserFiles.MAX_READ + 64 * 1024);
            if (!p.waitFor(TIME_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("user file access as uid " + uid + " took longer than " + TIME_LIMIT_SECONDS + "s");
            }
            feeder.join();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
        return parse(out, uid);
    }

    private static Answer parse(byte[] out, int uid) throws IOException {
        List<String> warnings = new ArrayList<>();
        int pos = 0;
        while (pos < out.length) {
            int nl = indexOf(out, (byte) '\n', pos);
            if (nl < 0) break;
            String line = new String(out, pos, nl - pos, StandardCharsets.UTF_8);
            pos = nl + 1;
            String[] w = line.split(" ", 2);
            String rest = w.length > 1 ? w[1] : "";
            switch (w[0]) {
                case "warning" -> warnings.add(rest);
                case "ok" -> {
                    return new Answer(warnings, null);
                }
                case "data" -> {
                    String[] f = rest.split(" ");
                    int len = Integer.parseInt(f[1]);
                    if (pos + len > out.length) throw new IOException("user file access: short answer");
                    return new Answer(warnings, new UserFiles.Read(Arrays.copyOfRange(out, pos, pos + len),
                            Integer.parseInt(f[0])));
                }
                case "fail" -> {
                    String[] f = rest.split(" ", 3);
                    if (!Dsn.isValid(f[0])) throw new IOException("user file access: bad answer");
                    MailboxWriter.Failure failure = new MailboxWriter.Failure(Dsn.parse(f[0]), f.length > 2 ? f[2] : "",
                            Boolean.parseBoolean(f[1]));
                    failure.warnings().addAll(warnings);
                    throw failure;
                }
                case "error" -> {
                    String[] f = rest.split(" ", 2);
                    String text = f.length > 1 ? f[1] : "";
                    throw switch (f[0]) {
                        case "nofile" -> new NoSuchFileException(text);
                        case "refused" -> new SafeOpen.Refused(text);
                        default -> new FileSystemException(null, null, text);
                    };
                }
                default -> {
                    // not ours (a JVM message): skip
                }
            }
        }
        throw new IOException("user file access as uid " + uid + " failed (no answer from the child process;"
                + " can the user read the mail system's classes?)");
    }

    private static int indexOf(byte[] b, byte c, int from) {
        for (int i = from; i < b.length; i++) if (b[i] == c) return i;
        return -1;
    }

    /** The child: {@code OP ARGS} as {@link #run} passes them. */
    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        try {
            switch (args[0]) {
                case "mbox" -> {
                    SafeOpen.Create create = args[3].equals("-") ? null
                            : new SafeOpen.Create(Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]));
                    MailboxWriter.Mbox how = new MailboxWriter.Mbox(Integer.parseInt(args[2]), create,
                            Boolean.parseBoolean(args[6]), Boolean.parseBoolean(args[7]), Long.parseLong(args[8]));
                    for (String w : MailboxWriter.mbox(Path.of(args[1]), how, stdin(Long.parseLong(args[9])))) {
                        out.println("warning " + oneLine(w));
                    }
                    out.println("ok");
                }
                case "maildir" -> {
                    MailboxWriter.maildir(Path.of(args[1]), args[2], Long.parseLong(args[3]), stdin(Long.parseLong(args[4])));
                    out.println("ok");
                }
                case "read" -> {
                    UserFiles.Read r = UserFiles.readHere(Path.of(args[1]), Boolean.parseBoolean(args[2]));
                    out.println("data " + r.owner() + " " + r.data().length);
                    out.write(r.data());
                }
                default -> out.println("error other unknown operation " + args[0]);
            }
        } catch (MailboxWriter.Failure f) {
            for (String w : f.warnings()) out.println("warning " + oneLine(w));
            out.println("fail " + f.dsn() + " " + f.accessProblem() + " " + oneLine(f.getMessage()));
        } catch (NoSuchFileException e) {
            out.println("error nofile " + oneLine(SafeOpen.reason(e)));
        } catch (SafeOpen.Refused e) {
            out.println("error refused " + oneLine(e.getMessage()));
        } catch (IOException | RuntimeException e) {
            out.println("error other " + oneLine(e instanceof IOException io ? SafeOpen.reason(io) : e.toString()));
        }
        out.flush();
        System.exit(0);
    }

    /** The message from standard input, in the chunks {@link #run} writes; an early end is an error. */
    private static MailboxWriter.Content stdin(long estimated) {
        return new MailboxWriter.Content() {
            @Override
            public long estimatedSize() {
                return estimated;
            }

            @Override
            public void writeTo(OutputStream o) throws IOException {
                DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(System.in, 65536));
                byte[] buf = new byte[65536];
                try {
                    for (int len; (len = in.readInt()) != 0; ) {
                        if (len < 0) throw new IOException("message incomplete");
                        while (len > 0) {
                            int n = in.read(buf, 0, Math.min(len, buf.length));
                            if (n < 0) throw new EOFException();
                            o.write(buf, 0, n);
                            len -= n;
                        }
                    }
                } catch (EOFException e) {
                    throw new IOException("message incomplete");
                }
            }
        };
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n]+", " ");
    }
}
