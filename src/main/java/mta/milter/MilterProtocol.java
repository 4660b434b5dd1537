package mta.milter;

/**
 * MilterProtocol - the command, reply, action and protocol codes of the Sendmail 8 milter protocol.
 *
 * <p>Reads and writes nothing: constants only. A packet is a 32-bit length in network byte order
 * (the command byte included), one command byte and its data. The MTA sends {@code SMFIC_*}
 * commands; the filter answers with {@code SMFIR_*} replies. The {@code SMFIF_*} actions and
 * {@code SMFIP_*} protocol flags are agreed at {@code SMFIC_OPTNEG}; what this side offers
 * depends on {@code milter_protocol} (2, 3, 4 or 6), as in Postfix.
 */
final class MilterProtocol {
    private MilterProtocol() {}

    // commands, MTA to filter
    static final byte SMFIC_ABORT = 'A';
    static final byte SMFIC_BODY = 'B';
    static final byte SMFIC_CONNECT = 'C';
    static final byte SMFIC_MACRO = 'D';
    static final byte SMFIC_BODYEOB = 'E';
    static final byte SMFIC_HELO = 'H';
    static final byte SMFIC_HEADER = 'L';
    static final byte SMFIC_MAIL = 'M';
    static final byte SMFIC_EOH = 'N';
    static final byte SMFIC_OPTNEG = 'O';
    static final byte SMFIC_QUIT = 'Q';
    static final byte SMFIC_RCPT = 'R';
    static final byte SMFIC_DATA = 'T';
    static final byte SMFIC_UNKNOWN = 'U';

    // replies, filter to MTA
    static final byte SMFIR_ADDRCPT = '+';
    static final byte SMFIR_DELRCPT = '-';
    static final byte SMFIR_ADDRCPT_PAR = '2';
    static final byte SMFIR_SHUTDOWN = '4';
    static final byte SMFIR_ACCEPT = 'a';
    static final byte SMFIR_REPLBODY = 'b';
    static final byte SMFIR_CONTINUE = 'c';
    static final byte SMFIR_DISCARD = 'd';
    static final byte SMFIR_CHGFROM = 'e';
    static final byte SMFIR_CONN_FAIL = 'f';
    static final byte SMFIR_ADDHEADER = 'h';
    static final byte SMFIR_INSHEADER = 'i';
    static final byte SMFIR_SETSYMLIST = 'l';
    static final byte SMFIR_CHGHEADER = 'm';
    static final byte SMFIR_PROGRESS = 'p';
    static final byte SMFIR_QUARANTINE = 'q';
    static final byte SMFIR_REJECT = 'r';
    static final byte SMFIR_SKIP = 's';
    static final byte SMFIR_TEMPFAIL = 't';
    static final byte SMFIR_REPLYCODE = 'y';

    // actions the filter may take (SMFIF_*)
    static final int SMFIF_ADDHDRS = 0x01;
    static final int SMFIF_CHGBODY = 0x02;
    static final int SMFIF_ADDRCPT = 0x04;
    static final int SMFIF_DELRCPT = 0x08;
    static final int SMFIF_CHGHDRS = 0x10;
    static final int SMFIF_QUARANTINE = 0x20;
    static final int SMFIF_CHGFROM = 0x40;
    static final int SMFIF_ADDRCPT_PAR = 0x80;
    static final int SMFIF_SETSYMLIST = 0x100;

    // protocol flags (SMFIP_*): events the filter does not want, replies it will not send
    static final int SMFIP_NOCONNECT = 0x01;
    static final int SMFIP_NOHELO = 0x02;
    static final int SMFIP_NOMAIL = 0x04;
    static final int SMFIP_NORCPT = 0x08;
    static final int SMFIP_NOBODY = 0x10;
    static final int SMFIP_NOHDRS = 0x20;
    static final int SMFIP_NOEOH = 0x40;
    static final int SMFIP_NR_HDR = 0x80;
    static final int SMFIP_NOUNKNOWN = 0x100;
    static final int SMFIP_NODATA = 0x200;
    static final int SMFIP_SKIP = 0x400;
    static final int SMFIP_RCPT_REJ = 0x800;
    static final int SMFIP_NR_CONN = 0x1000;
    static final int SMFIP_NR_HELO = 0x2000;
    static final int SMFIP_NR_MAIL = 0x4000;
    static final int SMFIP_NR_RCPT = 0x8000;
    static final int SMFIP_NR_DATA = 0x10000;
    static final int SMFIP_NR_UNKN = 0x20000;
    static final int SMFIP_NR_EOH = 0x40000;
    static final int SMFIP_NR_BODY = 0x80000;
    static final int SMFIP_HDR_LEADSPC = 0x100000;

    // macro stages of SMFIR_SETSYMLIST
    static final int SMFIM_CONNECT = 0;
    static final int SMFIM_HELO = 1;
    static final int SMFIM_ENVFROM = 2;
    static final int SMFIM_ENVRCPT = 3;
    static final int SMFIM_DATA = 4;
    static final int SMFIM_EOM = 5;
    static final int SMFIM_EOH = 6;

    /** The most body bytes in one SMFIC_BODY packet. */
    static final int BODY_CHUNK = 65535;
    /** The largest reply packet accepted from a filter. */
    static final int MAX_PACKET = 1024 * 1024 + 1024;

    /** The protocol flags this side offers for a milter_protocol version. */
    static int protocolOffered(int version) {
        int v2 = SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOMAIL | SMFIP_NORCPT | SMFIP_NOBODY | SMFIP_NOHDRS;
        int v3 = v2 | SMFIP_NOEOH;
        int v4 = v3 | SMFIP_NR_HDR | SMFIP_NOUNKNOWN | SMFIP_NODATA;
        int v6 = v4 | SMFIP_SKIP | SMFIP_RCPT_REJ | SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL | SMFIP_NR_RCPT
                | SMFIP_NR_DATA | SMFIP_NR_UNKN | SMFIP_NR_EOH | SMFIP_NR_BODY | SMFIP_HDR_LEADSPC;
        return switch (version) {
            case 2 -> v2;
            case 3 -> v3;
            case 4 -> v4;
            default -> v6;
        };
    }

    /** The actions this side allows for a milter_protocol version. */
    static int actionsOffered(int version) {
        int v2 = SMFIF_ADDHDRS | SMFIF_CHGBODY | SMFIF_ADDRCPT | SMFIF_DELRCPT | SMFIF_CHGHDRS;
        int v3 = v2 | SMFIF_QUARANTINE;
        int v6 = v3 | SMFIF_CHGFROM | SMFIF_ADDRCPT_PAR | SMFIF_SETSYMLIST;
        return switch (version) {
            case 2 -> v2;
            case 3, 4 -> v3;
            default -> v6;
        };
    }

    /** The name of a command or reply code for warnings ({@code SMFIC_RCPT}). */
    static String name(byte code, boolean command) {
        if (command) {
            return switch (code) {
                case SMFIC_ABORT -> "SMFIC_ABORT";
                case SMFIC_BODY -> "SMFIC_BODY";
                case SMFIC_CONNECT -> "SMFIC_CONNECT";
                case SMFIC_MACRO -> "SMFIC_MACRO";
                case SMFIC_BODYEOB -> "SMFIC_BODYEOB";
                case SMFIC_HELO -> "SMFIC_HELO";
                case SMFIC_HEADER -> "SMFIC_HEADER";
                case SMFIC_MAIL -> "SMFIC_MAIL";
                case SMFIC_EOH -> "SMFIC_EOH";
                case SMFIC_OPTNEG -> "SMFIC_OPTNEG";
                case SMFIC_QUIT -> "SMFIC_QUIT";
                case SMFIC_RCPT -> "SMFIC_RCPT";
                case SMFIC_DATA -> "SMFIC_DATA";
                case SMFIC_UNKNOWN -> "SMFIC_UNKNOWN";
                default -> "(unknown MTA event)";
            };
        }
        return "reply code '" + (char) code + "'";
    }
}
