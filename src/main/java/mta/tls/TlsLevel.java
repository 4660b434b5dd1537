package mta.tls;

import java.util.Locale;
import mta.config.Config;
import mta.config.Params;

/**
 * TlsLevel - Postfix's TLS security levels, weakest first, and how main.cf selects one.
 *
 * <p>Reads {@code smtp_tls_security_level} (the SMTP client) or {@code smtpd_tls_security_level}
 * (the server), falling back to the parameters they replaced ({@code smtp_use_tls},
 * {@code smtp_enforce_tls} with {@code smtp_tls_enforce_peername}; {@code smtpd_use_tls},
 * {@code smtpd_enforce_tls}) when they are empty, as Postfix does.
 */
public enum TlsLevel {
    NONE("none"),
    MAY("may"),
    ENCRYPT("encrypt"),
    FINGERPRINT("fingerprint"),
    VERIFY("verify"),
    SECURE("secure"),
    DANE("dane"),
    DANE_ONLY("dane-only");

    private final String word;

    TlsLevel(String word) {
        this.word = word;
    }

    /** The level's name in main.cf and policy tables ({@code dane-only}). */
    public String word() {
        return word;
    }

    /** The level a word names (case ignored), or null for an unknown word. */
    public static TlsLevel parse(String word) {
        String w = word.strip().toLowerCase(Locale.ROOT);
        for (TlsLevel l : values()) if (l.word.equals(w)) return l;
        return null;
    }

    /** STARTTLS must succeed, or the server is not used (all but none, may and dane). */
    public boolean required() {
        return this != NONE && this != MAY && this != DANE;
    }

    /** The {@code mandatory} protocols and ciphers apply (encrypt and above, dane included). */
    public boolean mandatory() {
        return this != NONE && this != MAY;
    }

    /** The server certificate must be authenticated: by CAs, trust anchors, fingerprints or TLSA. */
    public boolean authenticates() {
        return this == FINGERPRINT || this == VERIFY || this == SECURE || this == DANE_ONLY;
    }

    /**
     * The SMTP client's level from main.cf (with a service's {@code -o} overrides).
     *
     * @throws mta.config.ConfigException {@code invalid tls security level: "x"}, as Postfix's fatal error
     */
    public static TlsLevel client(Config c) {
        String v = c.str(Params.SMTP_TLS_SECURITY_LEVEL).strip();
        if (v.isEmpty()) {
            if (c.bool(Params.SMTP_ENFORCE_TLS)) return c.bool(Params.SMTP_TLS_ENFORCE_PEERNAME) ? VERIFY : ENCRYPT;
            return c.bool(Params.SMTP_USE_TLS) ? MAY : NONE;
        }
        TlsLevel l = parse(v);
        if (l == null) throw new mta.config.ConfigException("invalid tls security level: \"" + v + "\"");
        return l;
    }

    /**
     * The SMTP server's level: none, may or encrypt; fingerprint, verify and secure mean encrypt
     * for a server (Postfix's smtpd warns and does the same), dane and dane-only are invalid.
     *
     * @throws mta.config.ConfigException {@code Invalid TLS level "x"}
     */
    public static TlsLevel server(Config c) {
        String v = c.str(Params.SMTPD_TLS_SECURITY_LEVEL).strip();
        if (v.isEmpty()) {
            if (c.bool(Params.SMTPD_ENFORCE_TLS)) return ENCRYPT;
            return c.bool(Params.SMTPD_USE_TLS) ? MAY : NONE;
        }
        TlsLevel l = parse(v);
        if (l == null || l == DANE || l == DANE_ONLY) {
            throw new mta.config.ConfigException("Invalid TLS level \"" + v + "\" (smtpd_tls_security_level)");
        }
        return l.authenticates() ? ENCRYPT : l;
    }
}
