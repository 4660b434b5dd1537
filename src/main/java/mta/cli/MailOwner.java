package mta.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.MasterCf;
import mta.config.Params;
import mta.queue.QueuePermissions;
import mta.queue.Queues;
import mta.util.PosixAccounts;

/**
 * MailOwner - whether the master can run as {@code mail_owner} when the mail system is started as
 * root, and what it needs for that.
 *
 * <p>Reads {@code /etc/passwd} and {@code /etc/group} (mail_owner, setgid_group) and master.cf
 * (ports below 1024); asks the kernel, by running {@code test} as mail_owner through {@code
 * setpriv}, whether mail_owner can read the jar, the Java runtime and the configuration and reach
 * the queue, data and log directories. {@link #prepare} writes owners and modes: the queue tree
 * ({@link QueuePermissions}), {@code data_directory}, {@code maillog_file} and {@code pid/master.pid}.
 */
final class MailOwner {
    static final List<Path> SETPRIV = List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"));

    final PosixAccounts.User user;
    private final Config config;
    private final Path configDir;

    private MailOwner(PosixAccounts.User user, Config config, Path configDir) {
        this.user = user;
        this.config = config;
        this.configDir = configDir;
    }

    /** The outcome of {@link #check}: a usable mail_owner, or why the mail system would run as root. */
    record Verdict(MailOwner owner, String whyNot) {
        boolean usable() {
            return whyNot == null;
        }
    }

    /** mail_owner's account, if it exists (and is not root). */
    static Optional<MailOwner> of(Config config, Path configDir) {
        return PosixAccounts.user(config.str(Params.MAIL_OWNER)).filter(u -> u.uid() != 0)
                .map(u -> new MailOwner(u, config, configDir));
    }

    /** Can the master run as mail_owner? Only asked when this process runs as root. */
    static Verdict check(Config config, Path configDir) {
        String name = config.str(Params.MAIL_OWNER);
        Optional<PosixAccounts.User> u = PosixAccounts.user(name);
        if (u.isEmpty()) return new Verdict(null, "mail_owner account " + name + " does not exist");
        if (u.get().uid() == 0) return new Verdict(null, "mail_owner account " + name + " has user ID 0");
        if (setpriv().isEmpty()) return new Verdict(null, "setpriv (util-linux) not found");
        MailOwner owner = new MailOwner(u.get(), config, configDir);
        String unreachable = owner.unreachable();
        if (unreachable != null) return new Verdict(owner, "mail_owner " + name + " cannot " + unreachable);
        return new Verdict(owner, null);
    }

    static Optional<Path> setpriv() {
        return SETPRIV.stream().filter(Files::isExecutable).findFirst();
    }

    /**
     * What mail_owner cannot read or reach ("read /root/mta/target/mta.jar"), or null. The kernel
     * decides: {@code test -r} and {@code test -x} run as mail_owner.
     */
    private String unreachable() {
        List<String> tests = new ArrayList<>();
        for (String cp : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
            if (!cp.isEmpty()) tests.add("r" + Path.of(cp).toAbsolutePath());
        }
        ProcessHandle.current().info().command().ifPresent(java -> tests.add("x" + java));
        tests.add("r" + configDir.resolve("main.cf").toAbsolutePath());
        tests.add("r" + configDir.resolve("master.cf").toAbsolutePath());
        for (Path dir : new Path[] {config.path(Params.QUEUE_DIRECTORY), config.path(Params.DATA_DIRECTORY),
                config.path(Params.MAILLOG_FILE)}) {
            if (dir == null || dir.toAbsolutePath().getParent() == null) continue;
            Path parent = existing(dir.toAbsolutePath().getParent());
            if (parent != null) tests.add("x" + parent);
        }
        List<String> cmd = new ArrayList<>(List.of(setpriv().orElseThrow().toString(), "--reuid=" + user.uid(),
                "--regid=" + user.gid(), "--init-groups", "--", "/bin/sh", "-c",
                "for t; do p=${t#?}; case $t in r*) test -r \"$p\" || { echo \"read $p\"; exit 1; };; "
                        + "*) test -x \"$p\" || { echo \"reach $p\"; exit 1; };; esac; done", "sh"));
        cmd.addAll(tests);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() == 0) return null;
            return out.isEmpty() ? "run setpriv" : out.lines().findFirst().orElse(out);
        } catch (IOException e) {
            return "run setpriv: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "run setpriv: interrupted";
        }
    }

    private static Path existing(Path p) {
        while (p != null && !Files.isDirectory(p)) p = p.getParent();
        return p;
    }

    /** setgid_group's gid, or -1 when the group does not exist. */
    int setgidGroup() {
        return PosixAccounts.group(config.str(Params.SETGID_GROUP)).orElse(-1);
    }

    QueuePermissions queuePermissions(Queues queues) {
        return new QueuePermissions(queues, user, config.str(Params.SETGID_GROUP), setgidGroup());
    }

    /**
     * Gives mail_owner what the unprivileged master writes: the queue tree (Postfix's owners and
     * modes), data_directory (0700), maillog_file, and pid/master.pid (root keeps pid/ itself).
     */
    void prepare(Queues queues) throws IOException {
        queuePermissions(queues).set();
        Path data = config.path(Params.DATA_DIRECTORY);
        if (data != null) {
            Files.createDirectories(data);
            give(data);
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        }
        Path maillog = config.path(Params.MAILLOG_FILE);
        if (maillog != null) {
            if (maillog.getParent() != null) Files.createDirectories(maillog.getParent());
            if (!Files.exists(maillog)) Files.createFile(maillog);
            give(maillog);
        }
        Path pid = queues.root().resolve("pid").resolve("master.pid");
        if (!Files.exists(pid, LinkOption.NOFOLLOW_LINKS)) Files.createFile(pid);
        give(pid);
        Files.setPosixFilePermissions(pid, PosixFilePermissions.fromString("rw-r--r--"));
    }

    private void give(Path p) throws IOException {
        Files.setAttribute(p, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * The words that run {@code command} as mail_owner: setpriv with mail_owner's user, group and
     * groups, plus the {@code net_bind_service} capability (inheritable and ambient, so that it
     * survives the exec of java) when a master.cf inet service may use a port below 1024.
     */
    List<String> asMailOwner(List<String> command) {
        List<String> out = new ArrayList<>(List.of(setpriv().orElseThrow().toString(), "--reuid=" + user.uid(),
                "--regid=" + user.gid(), "--init-groups"));
        if (needsLowPort()) {
            out.add("--inh-caps=+net_bind_service");
            out.add("--ambient-caps=+net_bind_service");
        }
        out.add("--");
        out.addAll(command);
        return out;
    }

    /** True when an inet service in master.cf is a named service or a port number below 1024. */
    boolean needsLowPort() {
        try {
            for (MasterCf.Service s : MasterCf.read(configDir.resolve("master.cf")).services()) {
                if (!s.type().equals("inet")) continue;
                String port = s.name().substring(s.name().lastIndexOf(':') + 1);
                try {
                    if (Integer.parseInt(port) < 1024) return true;
                } catch (NumberFormatException e) {
                    return true; // smtp, submission, ...: a well-known port
                }
            }
        } catch (ConfigException e) {
            return true;
        }
        return false;
    }

    /**
     * Started as root on Java 21: local delivery cannot give a thread a user's file-system identity
     * (that needs the foreign function API of Java 22), so it runs every access to a user's files in
     * a child JVM under setpriv: correct, but slower. Empty on Java 22 and later.
     */
    static Optional<String> slowUserFiles() {
        int feature = Runtime.version().feature();
        if (feature >= 22) return Optional.empty();
        return Optional.of("Java " + feature + " has no foreign function API: local delivery reads and writes users'"
                + " files in a child JVM per access (setpriv), which is slower; use Java 22 or later"
                + " (docs/privilege-separation.md)");
    }

    /** What {@code postfix start} prints and logs when the master must run as root. */
    static Set<String> warningLines(String why) {
        Set<String> out = new LinkedHashSet<>();
        out.add("warning: " + why);
        out.add("warning: running as root: the SMTP server and every other part of the mail system have root's"
                + " rights; see docs/privilege-separation.md");
        return out;
    }
}
