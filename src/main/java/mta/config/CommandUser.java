package mta.config;

import java.nio.file.Path;
import java.util.Optional;
import mta.util.PosixAccounts;

/**
 * CommandUser - the account that a pipe or spawn command runs as: the {@code user=name} or
 * {@code user=name:group} attribute of its master.cf entry, resolved.
 *
 * <p>Reads a passwd(5) and a group(5) file ({@code /etc/passwd} and {@code /etc/group}, or a test's
 * own). As pipe(8) and spawn(8) require, the command never runs with root's rights (uid 0 or gid 0)
 * nor with those of the mail system owner ({@code mail_owner}, its uid or its group): such a value
 * is a {@link ConfigException}, as is an unknown user or group. Without {@code :group} the user's
 * primary group applies.
 *
 * @param name the user name as written
 * @param uid  the user ID
 * @param gid  the group ID the command gets (also its only supplementary group)
 */
public record CommandUser(String name, int uid, int gid) {
    public static final Path PASSWD = Path.of("/etc/passwd");
    public static final Path GROUP = Path.of("/etc/group");

    /** Resolves {@code spec} ({@code name[:group]}) for {@code service}; {@code mailOwner} is $mail_owner. */
    public static CommandUser resolve(String service, String spec, String mailOwner, Path passwd, Path groupFile) {
        String at = "service " + service + ": user=" + spec + ": ";
        int colon = spec.indexOf(':');
        String name = colon < 0 ? spec : spec.substring(0, colon);
        String group = colon < 0 || colon == spec.length() - 1 ? null : spec.substring(colon + 1);
        PosixAccounts.User u = PosixAccounts.user(passwd, name)
                .orElseThrow(() -> new ConfigException(at + "unknown user name: " + name));
        int gid = u.gid();
        if (group != null) {
            gid = PosixAccounts.group(groupFile, group)
                    .orElseThrow(() -> new ConfigException(at + "unknown group name: " + group));
        }
        if (u.uid() == 0) throw new ConfigException(at + "commands may not run with root's rights");
        if (gid == 0) throw new ConfigException(at + "commands may not run with group ID 0");
        Optional<PosixAccounts.User> owner = PosixAccounts.user(passwd, mailOwner);
        if (owner.isPresent() && u.uid() == owner.get().uid()) {
            throw new ConfigException(at + "commands may not run as the mail system owner " + mailOwner);
        }
        if (owner.isPresent() && gid == owner.get().gid()) {
            throw new ConfigException(at + "commands may not run with the group ID " + gid + " of the mail system owner "
                    + mailOwner);
        }
        return new CommandUser(name, u.uid(), gid);
    }
}
