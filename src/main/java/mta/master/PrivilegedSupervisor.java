package mta.master;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import mta.config.Config;
import mta.config.ConfigLoader;
import mta.config.MaillogFile;
import mta.config.Params;
import mta.queue.Queues;
import mta.queue.TriggerClient;
import mta.util.MailLog;

/**
 * PrivilegedSupervisor - the root parent when {@code postfix start} runs as root: it starts the
 * privileged delivery process ({@code PrivilegedMaster --serve}, root) and the master (as
 * mail_owner), and restarts the privileged process when it dies, as Postfix's master restarts a
 * daemon that exits abnormally:
 *
 * <pre>
 * postfix/master[1200]: warning: process privileged (pid 1201) terminated abnormally: killed by signal 9
 * postfix/master[1200]: warning: privileged: restarting in 1s
 * postfix/master[1200]: privileged process restarted: pid 1302
 * </pre>
 *
 * <p>Reads main.cf (the queue directory, the mail log); writes the mail log and
 * {@code $queue_directory/pid/privileged.pid} (the privileged process's pid, for {@code postfix
 * status}). Once the process is back it asks the queue manager to retry deferred mail
 * ({@code public/qmgr}, as {@code postfix flush}), so local mail deferred meanwhile goes out without
 * a manual restart. The pause before a restart grows from one second to a minute while the process
 * keeps dying at once. When the master exits, the privileged process is stopped and this process
 * exits with the master's status; SIGTERM stops both. Nothing here reads network input.
 */
final class PrivilegedSupervisor {
    static final long FIRST_PAUSE_MILLIS = 1000;
    static final long MAX_PAUSE_MILLIS = 60_000;
    static final long READY_TIMEOUT_SECONDS = 120;

    private final Path configDir;
    private final Queues queues;
    private final MailLog.Channel log;
    private final Path pidFile;
    private volatile Process delivery;
    private volatile boolean stopping;

    private PrivilegedSupervisor(Path configDir, Queues queues, MailLog.Channel log) {
        this.configDir = configDir;
        this.queues = queues;
        this.log = log;
        this.pidFile = pidFile(queues);
    }

    /** {@code $queue_directory/pid/privileged.pid}. */
    static Path pidFile(Queues queues) {
        return queues.root().resolve("pid").resolve("privileged.pid");
    }

    /** Starts the privileged process and the master; returns the master's exit status. */
    static int run(Path dir, List<String> masterCommand) throws IOException {
        Config config = ConfigLoader.load(dir).config();
        MailLog mailLog = MaillogFile.open(config);
        PrivilegedSupervisor s = new PrivilegedSupervisor(dir, new Queues(config.path(Params.QUEUE_DIRECTORY)),
                mailLog.channel("master"));
        s.delivery = s.startDelivery();
        Process master = new ProcessBuilder(masterCommand).inheritIO().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            s.stopping = true;
            stop(master, 30);
            stop(s.delivery, 10);
        }, "privileged-stop"));
        Thread watch = Thread.ofVirtual().name("privileged-watch").start(() -> s.watch(master));
        int rc;
        try {
            rc = master.waitFor();
        } catch (InterruptedException e) {
            rc = 1;
        }
        s.stopping = true;
        watch.interrupt();
        stop(s.delivery, 10);
        Files.deleteIfExists(s.pidFile);
        mailLog.close();
        return rc;
    }

    /** Waits for the privileged process to die, and starts it again while the master runs. */
    private void watch(Process master) {
        long pause = FIRST_PAUSE_MILLIS;
        while (!stopping) {
            Process p = delivery;
            long started = System.nanoTime();
            int rc;
            try {
                rc = p.waitFor();
            } catch (InterruptedException e) {
                return;
            }
            if (stopping || !master.isAlive()) return;
            log.warn("process privileged (pid " + p.pid() + ") terminated abnormally: " + how(rc));
            if (System.nanoTime() - started > TimeUnit.MILLISECONDS.toNanos(MAX_PAUSE_MILLIS)) pause = FIRST_PAUSE_MILLIS;
            while (!stopping) {
                log.warn("privileged: restarting in " + Math.max(1, pause / 1000) + "s");
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    return;
                }
                pause = Math.min(MAX_PAUSE_MILLIS, pause * 2);
                if (stopping || !master.isAlive()) return;
                try {
                    delivery = startDelivery();
                    log.info("privileged process restarted: pid " + delivery.pid());
                    TriggerClient.flushAll(queues); // local mail deferred meanwhile
                    break;
                } catch (IOException e) {
                    log.warn("privileged: cannot start: " + e.getMessage());
                }
            }
        }
    }

    /** "exit status 1", or "killed by signal 9" (Java reports a signal as 128 + its number). */
    static String how(int rc) {
        return rc > 128 && rc < 128 + 65 ? "killed by signal " + (rc - 128) : "exit status " + rc;
    }

    /**
     * Starts {@code PrivilegedMaster --serve} with this JVM's own options and class path, waits
     * until it says it is ready, and writes its pid to {@code pid/privileged.pid}.
     */
    private Process startDelivery() throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(PrivilegedMaster.class.getName());
        cmd.add("-c");
        cmd.add(configDir.toString());
        cmd.add(PrivilegedMaster.SERVE);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectInput(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        }, r -> Thread.ofVirtual().start(r));
        String line;
        try {
            line = first.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            line = null;
        }
        if (!PrivilegedMaster.READY.equals(line)) {
            p.destroyForcibly();
            String why;
            try {
                why = p.waitFor(10, TimeUnit.SECONDS) ? how(p.exitValue()) : "no answer";
            } catch (InterruptedException e) {
                why = "interrupted";
            }
            throw new IOException("the privileged delivery process did not start (" + why + ")");
        }
        // Anything else it prints goes where this process's output goes.
        Thread.ofVirtual().name("privileged-output").start(() -> {
            try {
                for (String l; (l = out.readLine()) != null; ) System.out.println(l);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        Path tmp = pidFile.resolveSibling("privileged.pid.tmp");
        Files.writeString(tmp, String.format("%10d%n", p.pid()), StandardCharsets.US_ASCII);
        Files.move(tmp, pidFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return p;
    }

    private static void stop(Process p, int seconds) {
        if (p == null || !p.isAlive()) return;
        p.destroy();
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) p.destroyForcibly();
        } catch (InterruptedException ignored) {
            // exiting anyway
        }
    }
}
