package mta.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * TestSite - a complete, throw-away configuration directory for one test: main.cf, master.cf, aliases.
 *
 * <p>Writes the files under a temporary directory, with the queue, the mail spool and the log
 * beside them, smtpd on a free loopback port, and short retry times. Tests override any
 * main.cf parameter with {@link #param}.
 */
public final class TestSite {
    public final Path root;
    public final Path config;
    public final Path queue;
    public final Path spool;
    public final Path maillog;
    public final int smtpdPort;
    private final Map<String, String> params = new LinkedHashMap<>();
    private String aliases = "postmaster: root\nalice: root\n";
    private String masterCf;

    public TestSite(Path root) throws IOException {
        this.root = root;
        this.config = root.resolve("etc");
        this.queue = root.resolve("spool");
        this.spool = root.resolve("mail");
        this.maillog = root.resolve("maillog");
        this.smtpdPort = freePort();
        Files.createDirectories(config);
        params.put("myhostname", "mx.example.test");
        params.put("mydomain", "example.test");
        params.put("mydestination", "$myhostname, localhost.$mydomain, localhost, example.test");
        params.put("mynetworks", "127.0.0.1/32");
        params.put("smtpd_relay_restrictions", "permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination");
        params.put("queue_directory", queue.toString());
        params.put("data_directory", root.resolve("data").toString());
        params.put("maillog_file", maillog.toString());
        params.put("maillog_file_prefixes", root.toString());
        params.put("mail_spool_directory", spool + "/");
        params.put("alias_maps", "hash:" + config.resolve("aliases"));
        params.put("alias_database", "hash:" + config.resolve("aliases"));
        params.put("smtpd_peername_lookup", "no");
        params.put("minimal_backoff_time", "1s");
        params.put("maximal_backoff_time", "2s");
        params.put("queue_run_delay", "1s");
        params.put("smtp_connect_timeout", "5s");
    }

    public TestSite param(String name, String value) {
        params.put(name, value);
        return this;
    }

    /** Replaces the default master.cf; "SMTPD" in the text stands for this site's smtpd address. */
    public TestSite masterCf(String text) {
        this.masterCf = text;
        return this;
    }

    /**
     * A master.cf of these {@code inet} lines ("SMTPD" as in {@link #masterCf}) and the back-end
     * services pickup, qmgr, smtp, relay and local.
     */
    public TestSite smtpdServices(String... inetLines) {
        return masterCf(String.join("\n", inetLines) + "\n" + String.join("\n",
                "pickup unix n - n 60 1 pickup",
                "qmgr unix n - n 300 1 qmgr",
                "smtp unix - - n - - smtp",
                "relay unix - - n - - smtp",
                "local unix - n n - - local", ""));
    }

    /**
     * Relayed mail rests in deferred/: the relay host is a closed port on 127.0.0.1, and the next
     * try is an hour away. For tests that read back what smtpd queued.
     */
    public TestSite relayedMailWaits() throws IOException {
        return param("relayhost", "[127.0.0.1]:" + freePort())
                .param("minimal_backoff_time", "3600s")
                .param("maximal_backoff_time", "7200s");
    }

    public TestSite aliases(String text) {
        this.aliases = text;
        return this;
    }

    /** Writes main.cf, master.cf and aliases (and compiles the aliases). */
    public TestSite write() throws IOException {
        StringBuilder main = new StringBuilder("# written by TestSite\n");
        params.forEach((k, v) -> main.append(k).append(" = ").append(v).append('\n'));
        Files.writeString(config.resolve("main.cf"), main, StandardCharsets.UTF_8);
        String master = masterCf != null ? masterCf.replace("SMTPD", "127.0.0.1:" + smtpdPort) : String.join("\n",
                "127.0.0.1:" + smtpdPort + " inet n - n - - smtpd",
                "pickup unix n - n 60 1 pickup",
                "qmgr unix n - n 300 1 qmgr",
                "smtp unix - - n - - smtp",
                "relay unix - - n - - smtp",
                "local unix - n n - - local", "");
        Files.writeString(config.resolve("master.cf"), master, StandardCharsets.UTF_8);
        Files.writeString(config.resolve("aliases"), aliases, StandardCharsets.UTF_8);
        compileAliases();
        return this;
    }

    /** Compiles etc/aliases into etc/aliases.db, as newaliases does. */
    public void compileAliases() throws IOException {
        Path src = config.resolve("aliases");
        try (java.io.BufferedReader r = Files.newBufferedReader(src)) {
            Map<String, String> entries = new LinkedHashMap<>();
            for (mta.lookup.Source.Entry e : mta.lookup.AliasSource.parse(r, src.toString()).entries()) {
                entries.putIfAbsent(e.key(), e.value());
            }
            mta.lookup.TableBuilder.write(mta.lookup.Tables.dbFile(src.toString()), entries, src);
        }
    }

    /**
     * A port nobody listens on, picked below the kernel's ephemeral range (32768 and up), so that
     * the source port of some other test's outgoing connection cannot take it before the test
     * binds it. Ports are never handed out twice in one JVM.
     */
    public static int freePort() throws IOException {
        for (int tries = 0; tries < 1000; tries++) {
            int port = 10_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(22_000);
            if (!GIVEN.add(port)) continue;
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new java.net.InetSocketAddress(port));
                return port;
            } catch (IOException inUse) {
                // taken: try another
            }
        }
        throw new IOException("no free port between 10000 and 32000");
    }

    private static final java.util.Set<Integer> GIVEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The maildir of a local user under the spool. */
    public Path maildir(String user) {
        return spool.resolve(user);
    }

    /**
     * {@code virtual_mailbox_base} as an administrator prepares it: a directory that belongs to
     * the virtual_uid_maps user, in a directory that user may pass through. Virtual delivery
     * writes with that user's rights, as Postfix's virtual(8) does; run as root, a base under a
     * private (0700) test directory would be out of its reach. Returns {@code dir}.
     */
    public static Path virtualMailboxBase(Path dir, int uid, int gid) throws IOException {
        java.nio.file.Files.createDirectories(dir);
        if (!"root".equals(System.getProperty("user.name"))) return dir;
        Path parent = dir.toAbsolutePath().getParent();
        java.nio.file.Files.setPosixFilePermissions(parent, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        java.nio.file.Files.setAttribute(dir, "unix:gid", gid);
        java.nio.file.Files.setAttribute(dir, "unix:uid", uid);
        return dir;
    }
}
