package mta.master;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.MasterCf;
import mta.config.Params;
import mta.queue.Queues;
import mta.spawn.SpawnListener;
import mta.spawn.SpawnSettings;
import mta.util.MailLog;
import mta.util.PosixAccounts;
import mta.util.SafeFiles;

/**
 * SpawnServices - the listening sockets of master.cf's {@code spawn} entries, kept in step with
 * master.cf.
 *
 * <p>Reads master.cf and main.cf; creates and removes the sockets: {@code unix} entries in
 * {@code $queue_directory/private/NAME} (or {@code public/NAME} when the private column is
 * {@code n}), mode 0666 and, when {@code socketOwner} is given, owned by mail_owner, as Postfix's
 * are; {@code inet} entries on {@code [host:]port} for each of {@code inet_interfaces}. Each socket
 * gets a {@link SpawnListener}. {@link #update} opens what is new, gives listeners that stay their
 * new settings, and closes what is gone; at start-up a socket that cannot be bound is a
 * ConfigException, on reload a warning. An entry with bad attributes is reported and skipped. Used
 * by {@link Master}, or by {@link PrivilegedMaster} when the master runs as mail_owner, because
 * the commands run as other users.
 */
final class SpawnServices implements AutoCloseable {
    private final Queues queues;
    private final MailLog mailLog;
    private final MailLog.Channel log;
    private final PosixAccounts.User socketOwner;
    private final ReentrantLock lock = new ReentrantLock();
    /** Running listeners by where they listen ("private/policyd-spf", "127.0.0.1:10027"). */
    private final Map<String, Running> running = new LinkedHashMap<>();

    private record Running(SpawnListener listener, Path socketFile) {}

    /** {@code socketOwner} null: the sockets stay this process's. */
    SpawnServices(Queues queues, MailLog mailLog, PosixAccounts.User socketOwner) {
        this.queues = queues;
        this.mailLog = mailLog;
        this.log = mailLog.channel("master");
        this.socketOwner = socketOwner;
    }

    /** True when no spawn listener runs (the privileged process may then exit after max_idle). */
    boolean isEmpty() {
        lock.lock();
        try {
            return running.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    void update(MasterCf masterCf, Config main, boolean startup) {
        lock.lock();
        try {
            Map<String, Running> wanted = new LinkedHashMap<>();
            int defaultMaxproc = main.integer(Params.DEFAULT_PROCESS_LIMIT);
            for (MasterCf.Service s : masterCf.services()) {
                if (!s.command().equals("spawn")) continue;
                Config sc = Services.serviceConfig(main, s);
                SpawnSettings settings;
                try {
                    settings = SpawnSettings.of(s, sc);
                } catch (ConfigException e) {
                    log.warn("master.cf: line " + s.line() + ": " + e.getMessage() + "; service " + s.key()
                            + " not started");
                    continue;
                }
                MailLog.Channel channel = mailLog.channel(sc.str(Params.SYSLOG_NAME), "spawn");
                int maxproc = s.maxproc() == null ? defaultMaxproc : s.maxproc();
                for (Target t : targets(s, sc)) {
                    Running r = running.remove(t.where());
                    if (r != null) {
                        r.listener().reconfigure(settings, channel);
                        wanted.put(t.where(), r);
                        continue;
                    }
                    try {
                        ServerSocketChannel ch = bind(t);
                        SpawnListener l = new SpawnListener(ch, t.where(), maxproc, settings, channel);
                        l.start();
                        wanted.put(t.where(), new Running(l, t.socketFile()));
                    } catch (IOException e) {
                        String why = "service " + s.key() + ": bind " + t.where() + ": " + e.getMessage();
                        if (startup) {
                            stopAll(wanted);
                            throw new ConfigException(why);
                        }
                        log.warn(why);
                    }
                }
            }
            stopAll(running);
            running.clear();
            running.putAll(wanted);
        } finally {
            lock.unlock();
        }
    }

    /** Where one entry listens: a UNIX-domain socket file, or a TCP address. */
    private record Target(String where, Path socketFile, InetSocketAddress address) {}

    private List<Target> targets(MasterCf.Service s, Config sc) {
        return switch (s.type()) {
            case "unix" -> {
                String dir = s.privateService() ? "private" : "public";
                yield List.of(new Target(dir + "/" + s.name(), queues.root().resolve(dir).resolve(s.name()), null));
            }
            case "inet" -> InetAddresses.resolve(s.name(), sc.list(Params.INET_INTERFACES), sc.list(Params.INET_PROTOCOLS))
                    .stream().map(a -> new Target(a.getAddress().getHostAddress() + ":" + a.getPort(), null, a)).toList();
            default -> {
                log.warn("master.cf: line " + s.line() + ": service " + s.key() + ": spawn needs a unix or inet socket;"
                        + " service not started");
                yield List.of();
            }
        };
    }

    private ServerSocketChannel bind(Target t) throws IOException {
        if (t.socketFile() != null) {
            Files.createDirectories(t.socketFile().getParent());
            Files.deleteIfExists(t.socketFile());
            ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.bind(UnixDomainSocketAddress.of(t.socketFile()));
                SafeFiles.setMode(t.socketFile(), PosixFilePermissions.fromString("rw-rw-rw-"));
                if (socketOwner != null) {
                    Files.setAttribute(t.socketFile(), "unix:gid", socketOwner.gid());
                    Files.setAttribute(t.socketFile(), "unix:uid", socketOwner.uid());
                }
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            return ch;
        }
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(t.address(), 1024);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return ch;
    }

    private static void stopAll(Map<String, Running> listeners) {
        for (Running r : listeners.values()) {
            r.listener().stop(2000);
            if (r.socketFile() != null) {
                try {
                    Files.deleteIfExists(r.socketFile());
                } catch (IOException ignored) {
                    // removed at the next start
                }
            }
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            stopAll(running);
            running.clear();
        } finally {
            lock.unlock();
        }
    }
}
