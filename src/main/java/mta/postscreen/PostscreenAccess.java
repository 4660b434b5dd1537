package mta.postscreen;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mta.config.Cidr;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.Params;
import mta.lookup.Table;
import mta.lookup.TableException;
import mta.lookup.Tables;
import mta.util.MailLog;

/**
 * PostscreenAccess - the permanent allow and deny list, {@code postscreen_access_list}.
 *
 * <p>Reads the list's elements in order: {@code permit_mynetworks} (the client is in mynetworks),
 * or a table ({@code cidr:/etc/postfix/postscreen_access.cidr}, any type) looked up by the
 * client's address, whose result is {@code permit}, {@code reject} or {@code dunno}. The first
 * element that decides wins; {@code dunno} and no match go on. A table that fails is logged and
 * skipped; an unknown result is logged and counts as {@code dunno}.
 */
final class PostscreenAccess implements AutoCloseable {
    enum Verdict { PERMIT, REJECT, DUNNO }

    private final List<Object> elements = new ArrayList<>();
    private final MailLog.Channel log;

    /** @throws ConfigException for an unknown element or a table that does not open */
    PostscreenAccess(Config c, MailLog.Channel log) {
        this.log = log;
        for (String e : c.list(Params.POSTSCREEN_ACCESS_LIST)) {
            if (e.equalsIgnoreCase("permit_mynetworks")) {
                elements.add(c.list(Params.MYNETWORKS).stream().map(Cidr::parse).toList());
            } else if (e.contains(":")) {
                try {
                    elements.add(Tables.open(e));
                } catch (TableException | IllegalArgumentException x) {
                    close();
                    throw new ConfigException("postscreen_access_list: " + e + ": " + x.getMessage());
                }
            } else {
                close();
                throw new ConfigException("postscreen_access_list: unknown element \"" + e
                        + "\" (permit_mynetworks or type:table)");
            }
        }
    }

    @SuppressWarnings("unchecked")
    Verdict check(InetAddress client) {
        String key = client.getHostAddress();
        for (Object e : elements) {
            if (e instanceof List<?> nets) {
                for (Cidr n : (List<Cidr>) nets) if (n.contains(client)) return Verdict.PERMIT;
                continue;
            }
            Table t = (Table) e;
            String v;
            try {
                v = t.get(key);
            } catch (TableException x) {
                log.warn("postscreen_access_list: " + t.spec() + ": table lookup problem: " + x.getMessage());
                continue;
            }
            if (v == null) continue;
            String word = v.strip().split("\\s+")[0].toLowerCase(Locale.ROOT);
            switch (word) {
                case "permit" -> {
                    return Verdict.PERMIT;
                }
                case "reject" -> {
                    return Verdict.REJECT;
                }
                case "dunno" -> { }
                default -> log.warn("postscreen_access_list: " + t.spec() + ": unknown action \"" + v.strip()
                        + "\" for client " + key + "; treated as dunno");
            }
        }
        return Verdict.DUNNO;
    }

    @Override
    public void close() {
        for (Object e : elements) if (e instanceof Table t) t.close();
    }
}
