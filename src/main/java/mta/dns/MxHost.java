package mta.dns;

import java.util.List;

/**
 * MxHost - one mail exchanger of a domain: its host name and preference.
 *
 * <p>Produced by {@link Resolver#mx}, read by the SMTP client. {@code implicit} marks the
 * "implicit MX" of RFC 5321 section 5.1: the domain has no MX records, so the domain itself is
 * the one mail host. A null MX (RFC 7505: a single MX record whose target is ".") is returned as
 * the single host {@link #NULL_MX}, so that the caller can bounce at once.
 */
public record MxHost(String host, int preference, boolean implicit) {
    /** The target name of a null MX record. */
    public static final String ROOT = ".";

    /** The one-element result that means "this domain accepts no mail" (RFC 7505). */
    public static final List<MxHost> NULL_MX = List.of(new MxHost(ROOT, 0, false));

    /** True for the target of a null MX record. */
    public boolean isNull() {
        return host.equals(ROOT);
    }

    /** True when {@code hosts} is the null MX result. */
    public static boolean isNullMx(List<MxHost> hosts) {
        return hosts.size() == 1 && hosts.get(0).isNull();
    }
}
