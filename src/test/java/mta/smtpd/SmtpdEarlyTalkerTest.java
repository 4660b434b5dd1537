package mta.smtpd;

import static mta.e2e.WalkingSkeletonTest.read;
import static mta.e2e.WalkingSkeletonTest.waitFor;

import java.nio.file.Path;
import mta.master.Master;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpdEarlyTalkerTest - a client that talks before the greeting is logged as improper pipelining.
 *
 * <p>Deterministic: the listener has one session slot (maxproc 1), so the second client's bytes are
 * already waiting in the kernel when its session starts, after the first client leaves.
 */
class SmtpdEarlyTalkerTest {
    @TempDir
    Path tmp;

    @Test
    void talkingBeforeTheGreetingIsLogged() throws Exception {
        TestSite site = new TestSite(tmp).masterCf(String.join("\n",
                "SMTPD inet n - n - 1 smtpd",
                "qmgr unix n - n 300 1 qmgr",
                "local unix - n n - - local", "")).write();
        try (Master m = Master.start(site.config, Master.Options.defaults())) {
            Transcript first = Transcript.connect(site.smtpdPort);
            first.expect("220 ");
            try (Transcript early = Transcript.connectFrom("127.0.0.43", site.smtpdPort)) {
                early.sendRaw("EHLO client.example\r\nNOOP\r\n");   // waits in the kernel: no slot yet
                first.send("QUIT").expect("221 ");
                first.close();
                early.expect("220 ");
                early.expect("250 ");
                early.expect("250 ");
            }
            waitFor(() -> read(site.maillog).contains(
                    "improper command pipelining after CONNECT from unknown[127.0.0.43]: EHLO client.example\\r\\n"),
                    "the early talk is logged");
        }
    }
}
