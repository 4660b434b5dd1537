package mta.pipe;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mta.config.CommandAttributes;
import mta.config.CommandUser;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.MasterCf;
import mta.config.Params;
import mta.deliver.DeliveryAgent;
import mta.deliver.DeliveryRequest;
import mta.deliver.DeliveryStatus;
import mta.deliver.Recipient;
import mta.mail.Dsn;
import mta.util.MailLog;

/**
 * PipeAgent - the pipe(8) delivery agent: hands a message to an external command named in master.cf.
 *
 * <p>Reads the queue file (through the request), the service's attributes ({@link PipeAttributes}),
 * main.cf ({@code TRANSPORT_time_limit}, default {@code $command_time_limit};
 * {@code TRANSPORT_destination_recipient_limit}, default {@code $default_destination_recipient_limit};
 * {@code recipient_delimiter}, {@code export_environment}, {@code mail_owner},
 * {@code queue_directory}) and the password and group files ({@code user=}). Runs one command per
 * group of at most {@code TRANSPORT_destination_recipient_limit} recipients, with the arguments of
 * {@link PipeArgv}, the message of {@link PipeCopy} and the outcome of {@link PipeStatus}; every
 * recipient of a group gets the command's outcome, with {@code relay=} the service name. Before
 * running anything: flags {@code D} and {@code O} with more than one recipient defer
 * ({@code 4.3.5 mail system configuration error}, and a warning that the limit must be 1); a
 * message larger than {@code size=} bounces ({@code 5.2.3 message too large}); with {@code D}, a
 * message that already has {@code Delivered-To:} the recipient bounces ({@code 5.4.6 mail
 * forwarding loop for ADDRESS}). A broken service (unknown user or macro, bad attribute) is logged
 * as fatal and its mail deferred ({@code 4.3.5}), as Postfix's pipe process dies and its mail waits.
 * Writes nothing but the command's input; the queue manager applies the statuses. An address
 * verification probe runs no command: its recipients are deliverable ({@code delivers to command: ...}).
 */
public final class PipeAgent implements DeliveryAgent {
    private final String service;
    private final Config config;
    private final MailLog.Channel log;
    private final Path passwd;
    private final Path group;
    private final PipeAttributes attrs;
    private final ConfigException broken;

    /** The agent of a master.cf pipe entry, with its service configuration (main.cf and -o). */
    public PipeAgent(MasterCf.Service s, Config serviceConfig, MailLog.Channel log) {
        this(s, serviceConfig, log, CommandUser.PASSWD, CommandUser.GROUP);
    }

    /** The same with other password and group files (tests). */
    public PipeAgent(MasterCf.Service s, Config serviceConfig, MailLog.Channel log, Path passwd, Path group) {
        this.service = s.name();
        this.config = serviceConfig;
        this.log = log;
        this.passwd = passwd;
        this.group = group;
        PipeAttributes a = null;
        ConfigException e = null;
        try {
            a = PipeAttributes.parse(s.name(), s.args());
        } catch (ConfigException x) {
            e = x;
        }
        this.attrs = a;
        this.broken = e;
    }

    /** The problem with a pipe entry's attributes, or null when they are fine (for start-up warnings). */
    public static String check(MasterCf.Service s) {
        try {
            PipeAttributes.parse(s.name(), s.args());
            return null;
        } catch (ConfigException e) {
            return e.getMessage();
        }
    }

    @Override
    public String name() {
        return "pipe";
    }

    @Override
    public List<DeliveryStatus> deliver(DeliveryRequest req) throws IOException {
        // delivered here: a deferral is the recipients', never the destination's
        return DeliveryStatus.at(DeliveryStatus.Stage.DELIVERY, deliverAll(req));
    }

    private List<DeliveryStatus> deliverAll(DeliveryRequest req) throws IOException {
        long started = System.nanoTime();
        if (broken != null) return configError(req.recipients(), broken.getMessage());
        CommandUser user;
        Duration limit;
        int recipientLimit;
        try {
            user = CommandUser.resolve(service, attrs.user(), config.str(Params.MAIL_OWNER), passwd, group);
            limit = CommandAttributes.timeLimit(config, service);
            recipientLimit = recipientLimit();
        } catch (ConfigException e) {
            return configError(req.recipients(), e.getMessage());
        }
        List<DeliveryStatus> out = new ArrayList<>();
        List<Recipient> rcpts = req.recipients();
        if (req.verifyOnly()) { // an address verification probe: the command is not run
            for (Recipient r : rcpts) {
                out.add(DeliveryStatus.sent(r, service, "delivers to command: "
                        + (attrs.argv().isEmpty() ? service : attrs.argv().get(0)), 0, 0));
            }
            return out;
        }
        for (int i = 0; i < rcpts.size(); i += recipientLimit) {
            List<Recipient> chunk = rcpts.subList(i, Math.min(rcpts.size(), i + recipientLimit));
            PipeStatus st = deliverChunk(req, chunk, user, limit);
            double secs = (System.nanoTime() - started) / 1e9;
            for (Recipient r : chunk) {
                DeliveryStatus ds = new DeliveryStatus(r, st.outcome(), st.dsn(), service, st.reason(), 0, secs);
                out.add(st.outcome() == DeliveryStatus.Outcome.SENT && attrs.has(PipeFlag.FINAL_DELIVERY)
                        ? ds.asFinalDelivery() : ds);
            }
        }
        return out;
    }

    private PipeStatus deliverChunk(DeliveryRequest req, List<Recipient> chunk, CommandUser user,
                                    Duration limit) throws IOException {
        for (PipeFlag f : List.of(PipeFlag.DELIVERED_TO, PipeFlag.ORIGINAL_TO)) {
            if (attrs.has(f) && chunk.size() > 1) {
                log.warn("pipe flag `" + f.letter + "' requires " + service + "_destination_recipient_limit = 1");
                return PipeStatus.failed(Dsn.SYSTEM_MISCONFIGURED.temporary(), "mail system configuration error");
            }
        }
        if (attrs.sizeLimit() > 0 && req.contentSize() > attrs.sizeLimit()) {
            return PipeStatus.failed(Dsn.MESSAGE_LENGTH_EXCEEDS_LIMIT, "message too large");
        }
        Recipient first = chunk.get(0);
        if (attrs.has(PipeFlag.DELIVERED_TO) && DeliveredTo.contains(req, first.address())) {
            return PipeStatus.failed(Dsn.ROUTING_LOOP, "mail forwarding loop for " + first.address());
        }
        String sender = req.sender().isEmpty() ? attrs.nullSender() : req.sender();
        List<String> argv;
        try {
            argv = PipeArgv.expand(attrs.argv(), values(req, sender), chunk);
        } catch (PipeArgv.UnknownMacro e) {
            log.warn("master.cf: service " + service + ": unknown macro name: \"" + e.getMessage() + "\"");
            return PipeStatus.failed(Dsn.SYSTEM_MISCONFIGURED.temporary(), "mail system configuration error");
        }
        if (argv.isEmpty()) return PipeStatus.failed(Dsn.SYSTEM_MISCONFIGURED.temporary(), "mail system configuration error");
        String original = first.original() != null && !first.original().isEmpty() ? first.original() : first.address();
        Path dir = attrs.directory() != null ? Path.of(attrs.directory()) : config.path(Params.QUEUE_DIRECTORY);
        PipeCommand.Run run = PipeCommand.run(argv, user, config.list(Params.EXPORT_ENVIRONMENT), dir, limit,
                in -> PipeCopy.write(in, req, attrs, sender, original, first.address()));
        return PipeStatus.of(run, service);
    }

    /** The per-message macro values, folded and quoted as the flags ask. */
    private PipeArgv.Values values(DeliveryRequest req, String sender) {
        return new PipeArgv.Values(PipeArgv.messageValues(attrs.flags(), sender, req.nexthop(), req.contentSize(),
                req.queueId(), req.attributes() == null ? Map.of() : req.attributes()), attrs.flags(),
                config.str(Params.RECIPIENT_DELIMITER), config.bool(Params.OWNER_REQUEST_SPECIAL));
    }

    /** {@code SERVICE_destination_recipient_limit}, else {@code default_destination_recipient_limit}. */
    private int recipientLimit() {
        String name = service + "_destination_recipient_limit";
        if (!config.isSet(name)) return config.integer(Params.DEFAULT_DESTINATION_RECIPIENT_LIMIT);
        String v = config.get(name);
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException("bad numerical configuration: " + name + " = " + v);
    }

    /** The service cannot work: say why once per delivery, and keep the mail. */
    private List<DeliveryStatus> configError(List<Recipient> rcpts, String why) {
        log.fatal(why);
        List<DeliveryStatus> out = new ArrayList<>();
        for (Recipient r : rcpts) {
            out.add(DeliveryStatus.deferred(r, Dsn.SYSTEM_MISCONFIGURED.temporary(), service, "mail system configuration error"));
        }
        return out;
    }
}
