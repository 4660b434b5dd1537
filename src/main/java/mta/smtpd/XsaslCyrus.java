package mta.smtpd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * XsaslCyrus - {@code smtpd_sasl_type = cyrus}: the PLAIN and LOGIN mechanisms, with passwords checked by saslauthd.
 *
 * <p>This is what a Cyrus SASL set-up with {@code pwcheck_method: saslauthd} does inside Postfix:
 * the SMTP server runs the mechanism itself (PLAIN's single response, LOGIN's {@code Username:} and
 * {@code Password:} challenges) and asks saslauthd ({@link Saslauthd}) whether the password is right,
 * giving it {@code smtpd_sasl_service} and the realm {@code smtpd_sasl_local_domain}. The mechanisms
 * offered are those of {@code mech_list} in the application file ({@link CyrusSaslConfig}). A refusal
 * is Cyrus's {@code authentication failure}; saslauthd unreachable or silent is a temporary failure
 * ({@code generic failure}, 454), with the cause in a warning. Passwords are decoded here, passed to
 * saslauthd, and neither logged nor kept.
 */
final class XsaslCyrus implements XsaslServer {
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final String USERNAME = B64.encodeToString("Username:".getBytes(StandardCharsets.US_ASCII));
    private static final String PASSWORD = B64.encodeToString("Password:".getBytes(StandardCharsets.US_ASCII));
    private static final String REFUSED = "authentication failure";

    private enum Wait { NOTHING, PLAIN_RESPONSE, LOGIN_USER, LOGIN_PASSWORD }

    private final CyrusSaslConfig config;
    private final String realm;
    private final Duration timeout;
    private final Consumer<String> warn;
    private Wait wait = Wait.NOTHING;
    private String service = "smtp";
    private String loginUser;

    /**
     * @param config  the application file (usable: {@link CyrusSaslConfig#problem} is null)
     * @param realm   smtpd_sasl_local_domain, "" for none
     * @param timeout how long saslauthd may take to answer
     * @param warn    where a warning about saslauthd goes (the mail log)
     */
    XsaslCyrus(CyrusSaslConfig config, String realm, Duration timeout, Consumer<String> warn) {
        this.config = config;
        this.realm = realm == null ? "" : realm;
        this.timeout = timeout;
        this.warn = warn;
    }

    @Override
    public List<Mechanism> mechanisms() {
        List<Mechanism> out = new ArrayList<>();
        for (String m : config.mechanisms()) out.add(new Mechanism(m, Set.of("plaintext")));
        return out;
    }

    @Override
    public Step start(String mechanism, String initialResponse, String service, String localIp, String remoteIp,
                      boolean secured) throws IOException {
        this.service = service;
        loginUser = null;
        String mech = mechanism.toUpperCase(Locale.ROOT);
        if (!config.mechanisms().contains(mech)) return fail(null);
        if (mech.equals("PLAIN")) {
            if (initialResponse == null) {
                wait = Wait.PLAIN_RESPONSE;
                return new Step(Kind.CONTINUE, "", null);
            }
            return plain(initialResponse);
        }
        if (initialResponse == null || initialResponse.isEmpty()) {
            wait = Wait.LOGIN_USER;
            return new Step(Kind.CONTINUE, USERNAME, null);
        }
        return loginUser(initialResponse);
    }

    @Override
    public Step next(String response) throws IOException {
        Wait was = wait;
        wait = Wait.NOTHING;
        return switch (was) {
            case PLAIN_RESPONSE -> plain(response);
            case LOGIN_USER -> loginUser(response);
            case LOGIN_PASSWORD -> check(loginUser, decode(response));
            case NOTHING -> fail(null);
        };
    }

    /** PLAIN (RFC 4616): authzid NUL authcid NUL password; an authzid other than the authcid is refused. */
    private Step plain(String base64) {
        String text = decode(base64);
        if (text == null) return fail(null);
        String[] f = text.split("\0", -1);
        if (f.length != 3 || f[1].isEmpty()) return fail(null);
        if (!f[0].isEmpty() && !f[0].equals(f[1])) return fail(f[1]);
        return check(f[1], f[2]);
    }

    private Step loginUser(String base64) {
        loginUser = decode(base64);
        if (loginUser == null || loginUser.isEmpty()) return fail(null);
        wait = Wait.LOGIN_PASSWORD;
        return new Step(Kind.CONTINUE, PASSWORD, null);
    }

    private Step check(String user, String password) {
        if (user == null || password == null) return fail(user);
        try {
            Saslauthd.Answer a = Saslauthd.check(config.saslauthdPath(), user, password, service, realm, timeout);
            if (!a.ok()) return fail(user);
            String name = realm.isEmpty() || user.contains("@") ? user : user + "@" + realm;
            return new Step(Kind.OK, null, name);
        } catch (IOException e) {
            warn.accept("SASL authentication problem: cannot connect to saslauthd server "
                    + config.saslauthdPath() + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return new Step(Kind.TEMPORARY, "generic failure", user);
        }
    }

    private static Step fail(String user) {
        return new Step(Kind.FAIL, REFUSED, user);
    }

    private static String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public void close() {
        wait = Wait.NOTHING;
        loginUser = null;
    }
}
