package mta.deliver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mta.config.Config;
import mta.config.MasterCf;
import mta.dns.SystemResolver;
import mta.error.DiscardAgent;
import mta.error.ErrorAgent;
import mta.local.LocalAgent;
import mta.mail.Dsn;
import mta.pipe.PipeAgent;
import mta.queue.QueueFile;
import mta.queue.QueueFileWriter;
import mta.queue.RecordType;
import mta.smtp.SmtpAgent;
import mta.util.MailLog;
import mta.virtual.VirtualAgent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DeliveryAgentContractTest - the promises every delivery agent keeps, run against each of them
 * (as TableContractTest does for the table backends).
 *
 * <p>The abstract {@link Contract} holds the tests; one nested class per agent supplies the agent
 * and the next hop. Each agent gets the same message for three recipients, and an address
 * verification probe of it. The promises (DeliveryAgent's): the agent answers, without throwing,
 * exactly one status per recipient of the request; every status has a relay,
 * a reason and a valid RFC 3463 code whose class agrees with its outcome (2 sent, 4 deferred,
 * 5 bounced); and the queue file is not changed (the queue manager alone marks recipients done).
 */
class DeliveryAgentContractTest {
    @TempDir
    Path tmp;

    private static final MailLog.Channel LOG = MailLog.stderr("postfix").channel("contract");

    abstract class Contract {
        protected DeliveryAgent agent;

        protected abstract DeliveryAgent create() throws Exception;

        /** The transport name and next hop of the request. */
        protected String transport() {
            return agent.name();
        }

        protected String nexthop() {
            return "nowhere.example";
        }

        /** The recipients: by default ones the agent cannot deliver to. */
        protected List<String> recipients() {
            return List.of("nosuch-a@nowhere.example", "nosuch-b@nowhere.example", "nosuch-c@nowhere.example");
        }

        @BeforeEach
        void setUp() throws Exception {
            agent = create();
        }

        private DeliveryRequest request(boolean probe) throws Exception {
            Path dir = Files.createDirectories(tmp.resolve("active"));
            Path file;
            try (QueueFileWriter w = QueueFileWriter.create(dir, false)) {
                w.record(RecordType.TIME, Long.toString(System.currentTimeMillis()));
                w.record(RecordType.ATTRIBUTE, "log_client_address=192.0.2.7");
                if (probe) w.record(RecordType.ATTRIBUTE, "trace_flags=256");
                w.record(RecordType.SENDER, "alice@remote.test");
                for (String r : recipients()) w.record(RecordType.RECIPIENT, r);
                w.startContent();
                for (String line : List.of("Subject: contract", "", "Hello.")) {
                    byte[] b = line.getBytes(StandardCharsets.UTF_8);
                    w.contentLine(b, 0, b.length, 2048);
                }
                file = w.commit();
            }
            QueueFile.Envelope env = QueueFile.readEnvelope(file);
            return new DeliveryRequest(file.getFileName().toString(), file, transport(), nexthop(), env.sender(),
                    Recipient.of(env.pending()), Instant.ofEpochMilli(env.arrivalMillis()), Instant.now(),
                    env.contentOffset(), env.contentSize(), env.attributes());
        }

        private void keepsTheContract(DeliveryRequest req) throws Exception {
            byte[] before = Files.readAllBytes(req.queueFile());
            List<DeliveryStatus> statuses = agent.deliver(req);
            assertNotNull(statuses);
            java.util.Comparator<Recipient> byOffset = java.util.Comparator.comparingLong(Recipient::offset);
            assertEquals(req.recipients().stream().sorted(byOffset).toList(),
                    statuses.stream().map(DeliveryStatus::recipient).sorted(byOffset).toList(),
                    "one status per recipient (DeliveryAgent allows any order): " + statuses);
            for (DeliveryStatus st : statuses) {
                assertNotNull(st.outcome(), st.toString());
                assertTrue(Dsn.isValid(st.dsn().toString()), "an RFC 3463 code: " + st);
                int expected = switch (st.outcome()) {
                    case SENT -> 2;
                    case DEFERRED -> 4;
                    case BOUNCED -> 5;
                };
                assertEquals(expected, st.dsn().statusClass(), "the code's class agrees with the outcome: " + st);
                assertFalse(st.relay() == null || st.relay().isEmpty(), "a relay: " + st);
                assertFalse(st.reason() == null || st.reason().isEmpty(), "a reason: " + st);
                assertNotNull(st.stage(), st.toString());
            }
            assertArrayEquals(before, Files.readAllBytes(req.queueFile()), "the queue file is the queue manager's");
        }

        @Test
        void answersEachRecipientOnceInOrderWithAConsistentStatus() throws Exception {
            keepsTheContract(request(false));
        }

        @Test
        void answersAnAddressVerificationProbeTheSameWay() throws Exception {
            keepsTheContract(request(true));
        }

        @Test
        void namesItself() {
            assertFalse(agent.name() == null || agent.name().isEmpty());
        }
    }

    @Nested
    class Error extends Contract {
        @Override
        protected DeliveryAgent create() {
            return new ErrorAgent(false);
        }

        @Override
        protected String nexthop() {
            return "5.7.1 no mail here";
        }
    }

    @Nested
    class Retry extends Contract {
        @Override
        protected DeliveryAgent create() {
            return new ErrorAgent(true);
        }

        @Override
        protected String nexthop() {
            return "4.3.2 try later";
        }
    }

    @Nested
    class Discard extends Contract {
        @Override
        protected DeliveryAgent create() {
            return new DiscardAgent();
        }
    }

    @Nested
    class Virtual extends Contract {
        @Override
        protected DeliveryAgent create() throws Exception {
            return new VirtualAgent(Config.of(Map.of("myhostname", "mx.example.test",
                    "virtual_mailbox_base", Files.createDirectories(tmp.resolve("vmail")).toString(),
                    "virtual_mailbox_maps", "inline:{ a@v.test=v.test/a/ }")), LOG);
        }
    }

    @Nested
    class Local extends Contract {
        @Override
        protected DeliveryAgent create() {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("myhostname", "mx.example.test");
            p.put("mydestination", "nowhere.example");
            p.put("alias_maps", "");
            p.put("mail_spool_directory", tmp.resolve("mail") + "/");
            p.put("queue_directory", tmp.resolve("queue").toString());
            return new LocalAgent(Config.of(p), null, LOG);
        }

        @Override
        protected String nexthop() {
            return "mx.example.test";
        }
    }

    @Nested
    class Smtp extends Contract {
        private int closedPort;

        @Override
        protected DeliveryAgent create() throws Exception {
            try (ServerSocket s = new ServerSocket(0)) {
                closedPort = s.getLocalPort(); // closed again: nobody listens there
            }
            return new SmtpAgent(Config.of(Map.of("myhostname", "mx.example.test", "smtp_connect_timeout", "2s")),
                    SystemResolver.system(), closedPort);
        }

        @Override
        protected String nexthop() {
            return "[127.0.0.1]:" + closedPort;
        }
    }

    @Nested
    class Pipe extends Contract {
        @Override
        protected DeliveryAgent create() {
            MasterCf.Service s = MasterCf.parse("master.cf",
                    List.of("contract unix - n n - - pipe flags=R user=nobody argv=/bin/true")).services().get(0);
            return new PipeAgent(s, Config.of(Map.of("myhostname", "mx.example.test",
                    "queue_directory", tmp.resolve("queue").toString())), LOG);
        }
    }

    @Nested
    class RemoteAgentNotRunning extends Contract {
        @Override
        protected DeliveryAgent create() {
            return new DeliveryClient("local", tmp.resolve("private").resolve("local"));
        }
    }
}
