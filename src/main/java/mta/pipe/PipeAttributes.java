package mta.pipe;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import mta.config.CommandAttributes;
import mta.config.ConfigException;

/**
 * PipeAttributes - the command attributes of one master.cf pipe service, checked.
 *
 * <p>Reads the words after {@code pipe} in master.cf; writes nothing. {@code user=} and
 * {@code argv=} are required ({@link CommandAttributes}); {@code flags=} letters are
 * {@link PipeFlag}s; {@code eol=} knows the C escapes {@code \a \b \f \n \r \t \v \\} and
 * {@code \ddd} (octal); {@code size=} is a byte count (0: no limit); {@code null_sender=} replaces
 * the null sender in {@code $sender}, {@code From } and {@code Return-Path:} (default
 * {@code MAILER-DAEMON}, may be empty); {@code directory=} is the working directory (default
 * {@code $queue_directory}). {@code chroot=} is refused: commands run in the real root directory.
 * A bad attribute is a {@link ConfigException}.
 */
record PipeAttributes(Set<PipeFlag> flags, String user, String directory, String eol, String nullSender,
                      long sizeLimit, List<String> argv) {

    private static final Set<String> NAMES = Set.of("flags", "directory", "chroot", "eol", "null_sender", "size");

    static PipeAttributes parse(String service, List<String> args) {
        CommandAttributes a = CommandAttributes.parse(service, args, NAMES);
        EnumSet<PipeFlag> flags = EnumSet.noneOf(PipeFlag.class);
        for (char c : a.get("flags", "").toCharArray()) {
            PipeFlag f = PipeFlag.of(c);
            if (f == null) throw new ConfigException("service " + service + ": unknown flag: " + c);
            flags.add(f);
        }
        if (a.values().containsKey("chroot")) {
            throw new ConfigException("service " + service + ": chroot= is not supported; remove it");
        }
        long size;
        String sizeText = a.get("size", "0");
        try {
            size = Long.parseLong(sizeText);
            if (size < 0) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            throw new ConfigException("service " + service + ": bad size= value: " + sizeText);
        }
        String dir = a.get("directory", null);
        return new PipeAttributes(Set.copyOf(flags.isEmpty() ? Set.of() : flags), a.user(),
                dir == null || dir.isEmpty() ? null : dir, unescape(a.get("eol", "\\n")),
                a.get("null_sender", "MAILER-DAEMON"), size, a.argv());
    }

    boolean has(PipeFlag f) {
        return flags.contains(f);
    }

    /** The C escapes of {@code eol=}: {@code \r\n} is CR LF. */
    static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                out.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'a' -> out.append('\007');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'v' -> out.append('\013');
                default -> {
                    if (n >= '0' && n <= '7') {
                        int v = 0;
                        int k = 0;
                        while (k < 3 && i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7') {
                            v = v * 8 + (s.charAt(i++) - '0');
                            k++;
                        }
                        i--;
                        out.append((char) (v & 0xff));
                    } else {
                        out.append(n); // \\ and anything else: the character itself
                    }
                }
            }
        }
        return out.toString();
    }
}
