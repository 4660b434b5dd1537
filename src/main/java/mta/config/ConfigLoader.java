package mta.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ConfigLoader - finds the configuration directory and reads main.cf from it.
 *
 * <p>Reads {@code DIR/main.cf}, where DIR is the {@code -c} argument, else {@code MAIL_CONFIG},
 * else {@code /etc/postfix}. Sets {@code config_directory} to DIR, so main.cf can name paths
 * relative to it ({@code $config_directory/../var}). Returns a {@link Config} and the warnings
 * about the file (overridden entries) for the caller to log; "unused parameter" warnings need
 * master.cf too and come from {@link UnusedParameters}.
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    /** The result: the configuration in force and what was odd about it. */
    public record Loaded(Path directory, Config config, List<String> warnings) {}

    /** The configuration directory named by {@code -c}, else {@code MAIL_CONFIG}, else the default. */
    public static Path directory(String dashC) {
        if (dashC != null && !dashC.isEmpty()) return Path.of(dashC).toAbsolutePath().normalize();
        String env = System.getenv("MAIL_CONFIG");
        if (env != null && !env.isEmpty()) return Path.of(env).toAbsolutePath().normalize();
        return Path.of(Params.CONFIG_DIRECTORY.defaultValue());
    }

    /** Reads and checks {@code dir/main.cf}; throws ConfigException when it is unusable. */
    public static Loaded load(Path dir) {
        Loaded loaded = read(dir);
        loaded.config().validate();
        return loaded;
    }

    /**
     * Reads {@code dir/main.cf} without checking the values (for the start-up check, which reports
     * every problem, see {@link Config#problems}); throws ConfigException when it cannot be read
     * or parsed.
     */
    public static Loaded read(Path dir) {
        Path mainCf = dir.resolve("main.cf");
        MainCf cf;
        try {
            cf = MainCf.read(mainCf);
        } catch (IOException e) {
            throw new ConfigException("open " + mainCf + ": " + reason(e));
        }
        Map<String, String> values = new LinkedHashMap<>(cf.values());
        values.put(Params.CONFIG_DIRECTORY.name(), dir.toString());
        return new Loaded(dir, new Config(values), new ArrayList<>(cf.warnings()));
    }

    static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "No such file or directory";
        if (e instanceof java.nio.file.AccessDeniedException) return "Permission denied";
        return e.getMessage();
    }

    /** True when {@code dir/main.cf} exists. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve("main.cf"));
    }
}
