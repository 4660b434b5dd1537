package mta.spawn;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import mta.config.CommandAttributes;
import mta.config.CommandUser;
import mta.config.Config;
import mta.config.MasterCf;
import mta.config.Params;

/**
 * SpawnSettings - what one master.cf spawn service runs, and how.
 *
 * <p>Reads the entry's attributes ({@code user=} and {@code argv=}, both required; spawn(8) knows
 * no others and expands no macros) and the service's configuration: {@code SERVICE_time_limit}
 * (default {@code $command_time_limit}), {@code export_environment}, {@code mail_owner}, and
 * {@code queue_directory} (the command's working directory). A bad entry is a
 * {@link mta.config.ConfigException}. The user is resolved for each connection ({@link #account}), so that an
 * account created later is found.
 */
public record SpawnSettings(String service, String userSpec, List<String> argv, Duration timeLimit,
                            List<String> exportEnvironment, String mailOwner, Path workDir, Path passwd, Path group) {

    public static SpawnSettings of(MasterCf.Service s, Config serviceConfig) {
        return of(s, serviceConfig, CommandUser.PASSWD, CommandUser.GROUP);
    }

    /** The same with other password and group files (tests). */
    public static SpawnSettings of(MasterCf.Service s, Config c, Path passwd, Path group) {
        CommandAttributes a = CommandAttributes.parse(s.name(), s.args(), Set.of());
        return new SpawnSettings(s.name(), a.user(), a.argv(), CommandAttributes.timeLimit(c, s.name()),
                c.list(Params.EXPORT_ENVIRONMENT), c.str(Params.MAIL_OWNER), c.path(Params.QUEUE_DIRECTORY),
                passwd, group);
    }

    /** The account the command runs as; throws ConfigException when it is unknown or not allowed. */
    CommandUser account() {
        return CommandUser.resolve(service, userSpec, mailOwner, passwd, group);
    }
}
