package mta.pipe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mta.config.Config;
import mta.config.MasterCf;
import mta.deliver.DeliveryRequest;
import mta.deliver.Recipient;
import mta.queue.QueueFile;
import mta.queue.QueueFileWriter;
import mta.queue.RecordType;
import mta.util.MailLog;
import mta.util.PosixAccounts;

/**
 * PipeFixture - a throw-away world for driving the pipe agent directly: a private password and
 * group file (user {@code pipeuser}, uid {@value #UID}, never in /etc/passwd), real queue files, a
 * mail log, and the recording script {@code record.sh}.
 *
 * <p>{@code record.sh OUT STATUS TEXT ARGS...} appends to OUT what it was run with (its uid, gid,
 * groups, working directory, environment, each further argument as {@code arg=[...]}) and its
 * standard input between {@code --- stdin} and {@code --- end}, prints TEXT, and exits with STATUS.
 * Run as root, the commands really change to uid {@value #UID}; the directories they write to are
 * open to everyone for that.
 */
final class PipeFixture {
    static final int UID = 40123;
    static final int GID = 40123;
    static final int OTHER_GID = 40200;
    static final boolean ROOT = PosixAccounts.ROOT;

    final Path dir;
    final Path queue;
    final Path out;
    final Path script;
    final Path passwd;
    final Path group;
    final Path maillog;
    final Map<String, String> params = new LinkedHashMap<>();

    PipeFixture(Path tmp) throws IOException {
        dir = tmp;
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        queue = Files.createDirectories(tmp.resolve("queue"));
        out = Files.createDirectories(tmp.resolve("out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        script = tmp.resolve("record.sh");
        Files.writeString(script, """
                #!/bin/sh
                out=$1; status=$2; text=$3; shift 3
                {
                  echo "uid=$(id -u) gid=$(id -g) groups=$(id -G) cwd=$(pwd)"
                  echo "env=$(env | grep -v '^PWD=' | sort | tr '\\n' ' ')"
                  for a in "$@"; do printf 'arg=[%s]\\n' "$a"; done
                  echo "--- stdin"
                  cat
                  echo "--- end"
                } >> "$out"
                [ -n "$text" ] && printf '%s\\n' "$text"
                exit "$status"
                """);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        passwd = tmp.resolve("passwd");
        Files.writeString(passwd, "root:x:0:0:root:/root:/bin/sh\n"
                + "pipeuser:x:" + UID + ":" + GID + "::/nonexistent:/bin/sh\n"
                + "mailowner:x:40300:40300::/nonexistent:/bin/false\n");
        group = tmp.resolve("group");
        Files.writeString(group, "root:x:0:\npipeuser:x:" + GID + ":\nother:x:" + OTHER_GID + ":\n");
        maillog = tmp.resolve("maillog");
        params.put("myhostname", "mx.example.test");
        params.put("queue_directory", queue.toString());
        params.put("mail_owner", "mailowner");
        params.put("recipient_delimiter", "+");
    }

    /** The agent of {@code line} (a master.cf entry) under the fixture's main.cf. */
    PipeAgent agent(String line) throws IOException {
        MasterCf.Service s = MasterCf.parse("master.cf", List.of(line)).services().get(0);
        MailLog log = MailLog.open(maillog, "mx.example.test", "postfix");
        return new PipeAgent(s, Config.of(params), log.channel("pipe"), passwd, group);
    }

    /** {@code record.sh OUT STATUS TEXT}, the start of an argv= for the recording script. */
    String record(int status, String text) {
        return script + " " + out.resolve("calls") + " " + status + " " + (text.isEmpty() ? "{}" : "{" + text + "}");
    }

    /** What record.sh wrote so far. */
    String calls() throws IOException {
        Path p = out.resolve("calls");
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    }

    String log() throws IOException {
        return Files.exists(maillog) ? Files.readString(maillog) : "";
    }

    /** One recipient: its address and the address as first given (null: the same). */
    record Rcpt(String address, String original) {
        static Rcpt of(String address) {
            return new Rcpt(address, null);
        }
    }

    /** A request for a queue file with these recipients and content lines. */
    DeliveryRequest request(String sender, List<Rcpt> rcpts, String... lines) throws IOException {
        Path active = Files.createDirectories(dir.resolve("active"));
        Path file;
        try (QueueFileWriter w = QueueFileWriter.create(active, false)) {
            w.record(RecordType.TIME, Long.toString(System.currentTimeMillis()));
            w.record(RecordType.SENDER, sender);
            for (Rcpt r : rcpts) {
                if (r.original() != null) w.record(RecordType.ORIGINAL_RECIPIENT, r.original());
                w.record(RecordType.RECIPIENT, r.address());
            }
            w.startContent();
            List<String> content = new ArrayList<>(List.of(lines));
            if (content.isEmpty()) content.addAll(List.of("Subject: test", "", "body"));
            for (String line : content) {
                byte[] b = line.getBytes(StandardCharsets.UTF_8);
                w.contentLine(b, 0, b.length, 2048);
            }
            file = w.commit();
        }
        QueueFile.Envelope env = QueueFile.readEnvelope(file);
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("log_client_address", "192.0.2.7");
        attrs.put("log_client_name", "client.example");
        attrs.put("log_client_port", "54321");
        attrs.put("log_helo_name", "helo.example");
        attrs.put("log_protocol_name", "ESMTPSA");
        attrs.put("sasl_method", "PLAIN");
        attrs.put("sasl_username", "alice");
        attrs.put("sasl_sender", "boss@example.test");
        return new DeliveryRequest(file.getFileName().toString(), file, "pipetest", "Example.TEST", env.sender(),
                Recipient.of(env.pending()), Instant.ofEpochMilli(env.arrivalMillis()), Instant.now(), env.contentOffset(),
                env.contentSize(), attrs);
    }

    DeliveryRequest request(String rcpt, String... lines) throws IOException {
        return request("sender@remote.example", List.of(Rcpt.of(rcpt)), lines);
    }
}
