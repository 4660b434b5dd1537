package mta.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import mta.config.Config;
import mta.config.Params;
import mta.postdrop.Postdrop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostingConfigTest - the postdrop service's configuration: main.cf read once per version of the
 * file, read again after an edit, the command's error text for an unusable one (never kept), and
 * a file changed just now read but not kept.
 */
class PostingConfigTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    private Path mainCf(String text) throws Exception {
        return Files.writeString(dir.resolve("main.cf"), "myhostname = mail.example.test\n" + text);
    }

    @Test
    void oneReadingPerVersionOfMainCf() throws Exception {
        Path cf = mainCf("queue_directory = " + dir.resolve("spool") + "\nline_length_limit = 1000\n");
        PostingConfig configs = new PostingConfig(dir, 0);
        Config first = configs.current(err);
        assertEquals("", errBytes.toString(StandardCharsets.UTF_8));
        assertEquals(1000, first.integer(Params.LINE_LENGTH_LIMIT));
        assertEquals(dir.toString(), first.str(Params.CONFIG_DIRECTORY));
        assertSame(first, configs.current(err), "main.cf unchanged: not read again");

        Files.writeString(cf, "line_length_limit = 2000\n", StandardOpenOption.APPEND);
        Config edited = configs.current(err);
        assertEquals(2000, edited.integer(Params.LINE_LENGTH_LIMIT), "an edit takes effect at the next posting");
        assertSame(edited, configs.current(err));
        assertEquals("", errBytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anUnusableMainCfGetsTheCommandsErrorEachTime() throws Exception {
        ByteArrayOutputStream commandBytes = new ByteArrayOutputStream();
        PrintStream command = new PrintStream(commandBytes, true, StandardCharsets.UTF_8);
        PostingConfig configs = new PostingConfig(dir, 0);
        // No main.cf, then a value the checks refuse; each time as the sendmail command says it.
        for (String text : new String[] {null, "line_length_limit = lots\n"}) {
            if (text != null) mainCf(text);
            for (int i = 0; i < 2; i++) {
                errBytes.reset();
                commandBytes.reset();
                assertNull(configs.current(err));
                assertNull(Postdrop.loadConfig("sendmail", dir, command));
                assertEquals(commandBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
            }
        }
        mainCf("line_length_limit = 3000\n");
        assertEquals(3000, configs.current(err).integer(Params.LINE_LENGTH_LIMIT), "repaired: read again");
    }

    @Test
    void aMainCfChangedJustNowIsNotKept() throws Exception {
        mainCf("line_length_limit = 1000\n");
        PostingConfig configs = new PostingConfig(dir);
        assertNotSame(configs.current(err), configs.current(err));
    }
}
