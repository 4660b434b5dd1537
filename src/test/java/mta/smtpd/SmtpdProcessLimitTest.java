package mta.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import mta.master.Master;
import mta.testing.TestSite;
import mta.testing.Transcript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpdProcessLimitTest - the master.cf maxproc of an smtpd service caps concurrent sessions: a
 * client beyond the cap waits (in the kernel's backlog) and is greeted as soon as a session ends.
 */
class SmtpdProcessLimitTest {
    @TempDir
    Path tmp;

    @Test
    void sessionsBeyondMaxprocWaitForAFreeSlot() throws Exception {
        TestSite site = new TestSite(tmp).masterCf(String.join("\n",
                "SMTPD inet n - n - 2 smtpd",
                "qmgr unix n - n 300 1 qmgr",
                "local unix - n n - - local", "")).write();
        try (Master m = Master.start(site.config, Master.Options.defaults());
             Transcript first = Transcript.connect(site.smtpdPort);
             Transcript second = Transcript.connect(site.smtpdPort);
             Socket third = new Socket("127.0.0.1", site.smtpdPort)) {
            first.expect("220 ");
            second.expect("220 ");
            third.setSoTimeout(500);
            InputStream in = third.getInputStream();
            boolean greetedEarly;
            try {
                greetedEarly = in.read() >= 0;
            } catch (SocketTimeoutException e) {
                greetedEarly = false;
            }
            assertTrue(!greetedEarly, "a third session must wait while two are open (maxproc 2)");
            first.send("QUIT").expect("221 ");
            first.close();
            third.setSoTimeout(10_000);
            byte[] greeting = in.readNBytes(3);
            assertEquals("220", new String(greeting), "greeted once a slot is free");
        }
    }
}
