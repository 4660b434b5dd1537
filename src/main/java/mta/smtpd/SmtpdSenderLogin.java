package mta.smtpd;

import java.util.ArrayList;
import java.util.List;
import mta.config.Config;
import mta.config.ConfigException;
import mta.config.Params;
import mta.lookup.AddressLookup;
import mta.lookup.Table;
import mta.lookup.TableException;
import mta.lookup.Tables;
import mta.mail.Address;
import mta.mail.Reply;
import mta.rewrite.TrivialRewrite;

/**
 * SmtpdSenderLogin - may this client use this MAIL FROM address? The sender login mismatch restrictions.
 *
 * <p>Reads {@code smtpd_sender_login_maps}: the MAIL FROM address is looked up as Postfix's
 * mail_addr_find does ({@code user+ext@domain}, {@code user@domain}, {@code user} for local
 * domains, {@code @domain}); the value lists the SASL login names that own the address, separated
 * by commas or white space. Writes nothing. An authenticated client whose login is not among the
 * owners gets {@code 553 5.7.1 <addr>: Sender address rejected: not owned by user NAME}; an
 * unauthenticated client using an address that has owners gets {@code ... not logged in}. The
 * null sender, and every address when the maps are empty, pass.
 */
final class SmtpdSenderLogin {
    private final List<Table> maps;
    private final AddressLookup lookup;

    SmtpdSenderLogin(Config c, TrivialRewrite rewrite) {
        List<Table> out = new ArrayList<>();
        for (String spec : c.list(Params.SMTPD_SENDER_LOGIN_MAPS)) {
            try {
                out.add(Tables.open(spec));
            } catch (TableException e) {
                throw new ConfigException("parameter " + Params.SMTPD_SENDER_LOGIN_MAPS.name() + ": " + e.getMessage());
            }
        }
        this.maps = List.copyOf(out);
        this.lookup = AddressLookup.rewrite(c.str(Params.RECIPIENT_DELIMITER), rewrite::isLocalDomain);
    }

    /**
     * One of the four restrictions.
     *
     * @param authenticated   check authenticated clients (reject_authenticated_sender_login_mismatch)
     * @param unauthenticated check unauthenticated clients (reject_unauthenticated_sender_login_mismatch)
     * @param allowUnowned    let an authenticated client use an address that has no owner (reject_known_...)
     */
    SmtpdVerdict check(SmtpdState s, boolean authenticated, boolean unauthenticated, boolean allowUnowned) {
        Address from = s.tx.sender;
        if (from == null || from.isNull() || maps.isEmpty()) return SmtpdVerdict.DUNNO;
        SmtpdState.Sasl login = s.client.sasl;
        if (login == null && !unauthenticated || login != null && !authenticated) return SmtpdVerdict.DUNNO;
        AddressLookup.Hit hit = lookup.find(maps, from.toString()); // a failing table: the caller answers 451 4.3.0
        if (login == null) {
            return hit == null ? SmtpdVerdict.DUNNO : SmtpdVerdict.refuse(Reply.senderNotLoggedIn(from.toString()));
        }
        if (hit == null && allowUnowned) return SmtpdVerdict.DUNNO;
        if (hit != null) {
            for (String owner : hit.value().split("[,\\s]+")) {
                if (owner.equalsIgnoreCase(login.username())) return SmtpdVerdict.DUNNO;
            }
        }
        return SmtpdVerdict.refuse(Reply.senderNotOwned(from.toString(), login.username()));
    }
}
