package mta.cli;

import java.io.InputStream;
import java.io.PrintStream;

/** CliAccess - lets tests in other packages run commands in-process, as a shell would. */
public final class CliAccess {
    private CliAccess() {}

    public static int sendmail(String[] args, InputStream in, PrintStream err) {
        return Sendmail.run(args, in, new PrintStream(java.io.OutputStream.nullOutputStream()), err);
    }

    public static int postqueue(String[] args, PrintStream out) {
        return Postqueue.run(args, out, new PrintStream(java.io.OutputStream.nullOutputStream()));
    }

    public static int postqueue(String[] args, PrintStream out, PrintStream err) {
        return Postqueue.run(args, out, err);
    }

    public static int postsuper(String[] args, PrintStream err) {
        return Postsuper.run(args, InputStream.nullInputStream(), err);
    }

    public static int postmap(String[] args, PrintStream out, PrintStream err) {
        return Postmap.run(args, out, err);
    }
}
