package mta.local;

import java.util.Locale;

/**
 * LocalAddress - a recipient split the way local delivery sees it: user, extension, domain.
 *
 * <p>Reads and writes nothing. The local part is folded to lower case (delivery decisions use the
 * bare name). With {@code recipient_delimiter = +}, {@code Joe+Lists@example.com} gives user
 * {@code joe}, extension {@code lists}, delimiter {@code +}. {@code recipient_delimiter} is a set
 * of characters: the first of them in the local part splits it, unless it starts the local part.
 * With {@code owner_request_special = yes} and {@code -} among the delimiters, {@code owner-x} and
 * {@code x-request} are never split, so mailing-list aliases keep working.
 *
 * @param address   the complete address as delivered to ({@code joe+lists@example.com})
 * @param local     the whole local part, lower case ({@code joe+lists})
 * @param user      the local part without the extension ({@code joe})
 * @param extension the extension without its delimiter, or empty
 * @param delimiter the delimiter character that was found, or empty
 * @param domain    the domain, lower case, or empty
 */
record LocalAddress(String address, String local, String user, String extension, String delimiter, String domain) {

    static LocalAddress parse(String address, String delimiters, boolean ownerRequestSpecial) {
        int at = address.lastIndexOf('@');
        String local = (at < 0 ? address : address.substring(0, at)).toLowerCase(Locale.ROOT);
        String domain = at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
        int split = splitAt(local, delimiters == null ? "" : delimiters, ownerRequestSpecial);
        if (split < 0) return new LocalAddress(address, local, local, "", "", domain);
        return new LocalAddress(address, local, local.substring(0, split), local.substring(split + 1),
                local.substring(split, split + 1), domain);
    }

    /** The same address with another local part (for a name found in an alias). */
    LocalAddress withLocal(String newLocal, String delimiters, boolean ownerRequestSpecial) {
        String full = domain.isEmpty() ? newLocal : newLocal + "@" + domain;
        return parse(full, delimiters, ownerRequestSpecial);
    }

    private static int splitAt(String local, String delimiters, boolean ownerRequestSpecial) {
        if (delimiters.isEmpty()) return -1;
        if (ownerRequestSpecial && delimiters.indexOf('-') >= 0
                && (local.startsWith("owner-") || local.endsWith("-request"))) {
            return -1;
        }
        for (int i = 0; i < local.length(); i++) {
            if (delimiters.indexOf(local.charAt(i)) >= 0) return i == 0 ? -1 : i;
        }
        return -1;
    }
}
