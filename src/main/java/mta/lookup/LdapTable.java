package mta.lookup;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import javax.naming.AuthenticationException;
import javax.naming.CommunicationException;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.ServiceUnavailableException;
import javax.naming.SizeLimitExceededException;
import javax.naming.TimeLimitExceededException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.SearchControls;
import javax.naming.directory.SearchResult;
import javax.naming.ldap.InitialLdapContext;
import javax.naming.ldap.LdapContext;
import javax.naming.ldap.Rdn;
import javax.naming.ldap.StartTlsRequest;
import javax.naming.ldap.StartTlsResponse;

/**
 * LdapTable - the {@code ldap:} backend: ldap_table(5), lookups in an LDAP directory through the
 * JDK's own LDAP client (JNDI).
 *
 * <p>Reads its configuration file ({@code server_host}, {@code server_port}, {@code search_base},
 * {@code query_filter}, {@code result_attribute}, {@code special_result_attribute},
 * {@code leaf_result_attribute}, {@code terminal_result_attribute}, {@code result_format} (or the
 * old {@code result_filter}), {@code scope}, {@code bind}, {@code bind_dn}, {@code bind_pw},
 * {@code start_tls}, {@code tls_ca_cert_file}, {@code tls_require_cert}, {@code version},
 * {@code dereference}, {@code chase_referrals}, {@code timeout}, {@code size_limit},
 * {@code expansion_limit}, {@code recursion_limit}, {@code domain}) and the directory. Writes
 * nothing.
 *
 * <p>The key is folded to lower case and put into query_filter as a JNDI filter argument, which
 * escapes it as RFC 4515 says ({@code *}, {@code (}, {@code )}, {@code \} and NUL), so no key can
 * change the filter; in search_base it is escaped as an RFC 4514 DN value. From each entry found:
 * the terminal attributes alone when it has any; else the result attributes, the leaf attributes
 * unless the entry has special attributes, and for each special attribute (a DN) the same taken
 * from that entry, recursively. Servers are {@code ldap://}, {@code ldaps://} or
 * {@code ldapi://} URLs or {@code host[:port]}; JNDI tries them in order. A server that is down,
 * a bind that fails, a timeout or a size limit exceeded is a temporary failure
 * ({@link TableLookupException}); a missing search base is "not found".
 */
final class LdapTable extends ReadOnlyTable {
    private final Hashtable<String, Object> env = new Hashtable<>();
    private final String servers;
    private final LdapSockets.Settings sockets;
    private final boolean startTls;
    private final String bindMode;
    private final String bindDn;
    private final String bindPw;
    private final DbTemplate searchBase;
    private final DbTemplate queryFilter;
    private final DbTemplate resultFormat;
    private final List<String> resultAttributes;
    private final List<String> specialAttributes;
    private final List<String> leafAttributes;
    private final List<String> terminalAttributes;
    private final String[] requested;
    private final int scope;
    private final int timeoutMillis;
    private final int sizeLimit;
    private final int expansionLimit;
    private final int recursionLimit;
    private final DomainFilter domain;
    private final Deque<LdapContext> idle = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();

    LdapTable(String spec, TableConfig cf) {
        super(spec);
        int port = cf.integer("server_port", 389);
        List<String> urls = new ArrayList<>();
        String unixPath = null;
        for (String h : cf.list("server_host").isEmpty() ? List.of("localhost") : cf.list("server_host")) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("ldapi://")) {
                unixPath = java.net.URLDecoder.decode(h.substring(8).replaceAll("/$", ""), java.nio.charset.StandardCharsets.UTF_8);
                if (unixPath.isEmpty()) unixPath = "/var/run/slapd/ldapi";
                urls.add("ldap://localhost:389");
            } else if (lower.startsWith("ldap://") || lower.startsWith("ldaps://")) {
                urls.add(h.endsWith("/") ? h.substring(0, h.length() - 1) : h);
            } else {
                urls.add("ldap://" + (h.indexOf(':') >= 0 && !h.startsWith("[") && h.indexOf(':') != h.lastIndexOf(':')
                        ? "[" + h + "]:" + port : h.indexOf(':') >= 0 ? h : h + ":" + port));
            }
        }
        this.servers = String.join(" ", urls);
        this.timeoutMillis = (int) Math.max(1, cf.seconds("timeout", 10)) * 1000;
        this.startTls = cf.bool("start_tls", false);
        boolean requireCert = cf.bool("tls_require_cert", false);
        String caFile = cf.str("tls_ca_cert_file", "");
        this.sockets = new LdapSockets.Settings(unixPath, LdapSockets.sslFactory(spec, requireCert, caFile),
                urls.stream().anyMatch(u -> u.toLowerCase(Locale.ROOT).startsWith("ldaps:")));
        this.bindMode = cf.str("bind", "yes").toLowerCase(Locale.ROOT);
        if (!Set.of("yes", "no", "simple", "none").contains(bindMode)) {
            throw new TableException(spec + ": unsupported bind = " + bindMode + " (yes, simple, no, none)");
        }
        this.bindDn = cf.str("bind_dn", "");
        this.bindPw = cf.str("bind_pw", "");
        String base = cf.str("search_base", null);
        if (base == null) throw new TableException(spec + ": search_base is not set");
        this.searchBase = DbTemplate.parse(spec, "search_base", base);
        String filter = cf.str("query_filter", "mailacceptinggeneralid=%s");
        this.queryFilter = DbTemplate.parse(spec, "query_filter", filter.startsWith("(") ? filter : "(" + filter + ")");
        this.resultFormat = DbTemplate.parse(spec, "result_format", cf.str("result_format", cf.str("result_filter", "%s")));
        this.resultAttributes = cf.list("result_attribute").isEmpty() && !cf.has("result_attribute")
                ? List.of("maildrop") : cf.list("result_attribute");
        this.specialAttributes = cf.list("special_result_attribute");
        this.leafAttributes = cf.list("leaf_result_attribute");
        this.terminalAttributes = cf.list("terminal_result_attribute");
        Set<String> all = new LinkedHashSet<>();
        all.addAll(resultAttributes);
        all.addAll(specialAttributes);
        all.addAll(leafAttributes);
        all.addAll(terminalAttributes);
        this.requested = all.toArray(new String[0]);
        this.scope = switch (cf.str("scope", "sub").toLowerCase(Locale.ROOT)) {
            case "sub" -> SearchControls.SUBTREE_SCOPE;
            case "one" -> SearchControls.ONELEVEL_SCOPE;
            case "base" -> SearchControls.OBJECT_SCOPE;
            default -> throw new TableException(spec + ": unknown scope: " + cf.str("scope", ""));
        };
        this.expansionLimit = cf.integer("expansion_limit", 0);
        this.sizeLimit = cf.integer("size_limit", expansionLimit);
        this.recursionLimit = Math.max(1, cf.integer("recursion_limit", 1000));
        this.domain = new DomainFilter(spec, cf.list("domain"));
        env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.ldap.LdapCtxFactory");
        env.put(Context.PROVIDER_URL, servers);
        env.put("com.sun.jndi.ldap.connect.timeout", Integer.toString(timeoutMillis));
        env.put("com.sun.jndi.ldap.read.timeout", Integer.toString(timeoutMillis));
        env.put("java.naming.ldap.version", Integer.toString(cf.integer("version", 3)));
        env.put("java.naming.ldap.derefAliases", switch (cf.integer("dereference", 0)) {
            case 1 -> "searching";
            case 2 -> "finding";
            case 3 -> "always";
            default -> "never";
        });
        env.put(Context.REFERRAL, cf.bool("chase_referrals", false) ? "follow" : "ignore");
        env.put("java.naming.ldap.factory.socket", LdapSockets.class.getName());
    }

    @Override
    public String get(String key) {
        KeyFields k = KeyFields.of(Keys.fold(key));
        if (!domain.allows(k) || !resultFormat.keyFieldsExist(k)) return null;
        String base = searchBase.expand(k, k, Rdn::escapeValue);
        if (base == null) return null;
        List<String> args = new ArrayList<>();
        StringBuilder filter = new StringBuilder();
        for (DbTemplate.Piece p : queryFilter.pieces()) {
            if (!p.isField()) {
                filter.append(p.literal().replace("{", "\\7b").replace("}", "\\7d"));
                continue;
            }
            String v = k.field(p.field());
            if (v == null) return null;
            filter.append('{').append(args.size()).append('}');
            args.add(v);
        }
        for (int attempt = 0; ; attempt++) {
            LdapContext ctx = borrow();
            try {
                DbResults results = new DbResults(spec(), resultFormat, expansionLimit, k);
                search(ctx, base, filter.toString(), args.toArray(), scope, results, 0);
                giveBack(ctx);
                return results.result();
            } catch (NameNotFoundException e) {
                giveBack(ctx);
                return null;
            } catch (CommunicationException | ServiceUnavailableException e) {
                closeQuietly(ctx);
                if (attempt == 0) continue; // the server closed an idle connection: once more
                throw failure(e);
            } catch (NamingException e) {
                closeQuietly(ctx);
                throw failure(e);
            } catch (RuntimeException e) {
                closeQuietly(ctx);
                throw e;
            }
        }
    }

    private void search(LdapContext ctx, String base, String filter, Object[] args, int searchScope,
                        DbResults results, int depth) throws NamingException {
        if (depth > recursionLimit) {
            throw new TableLookupException(spec(), "ldap server " + servers + ": recursion limit " + recursionLimit + " exceeded");
        }
        SearchControls sc = new SearchControls();
        sc.setSearchScope(searchScope);
        sc.setReturningAttributes(requested);
        sc.setTimeLimit(timeoutMillis);
        if (sizeLimit > 0) sc.setCountLimit(sizeLimit);
        NamingEnumeration<SearchResult> found = ctx.search(base, filter, args, sc);
        List<Attributes> entries = new ArrayList<>();
        try {
            while (found.hasMore()) entries.add(found.next().getAttributes());
        } finally {
            found.close();
        }
        for (Attributes a : entries) {
            if (hasAny(a, terminalAttributes)) {
                addValues(a, terminalAttributes, results);
                continue;
            }
            addValues(a, resultAttributes, results);
            boolean group = hasAny(a, specialAttributes);
            if (!group) addValues(a, leafAttributes, results);
            for (String special : specialAttributes) {
                Attribute dns = a.get(special);
                if (dns == null) continue;
                for (NamingEnumeration<?> e = dns.getAll(); e.hasMore(); ) {
                    Object dn = e.next();
                    if (dn == null || dn.toString().toLowerCase(Locale.ROOT).startsWith("ldap:")) continue;
                    try {
                        search(ctx, dn.toString(), "(objectClass=*)", new Object[0], SearchControls.OBJECT_SCOPE, results, depth + 1);
                    } catch (NameNotFoundException missing) {
                        // a member that no longer exists adds nothing
                    }
                }
            }
        }
    }

    private static boolean hasAny(Attributes a, List<String> names) {
        for (String n : names) {
            if (a.get(n) != null) return true;
        }
        return false;
    }

    private static void addValues(Attributes a, List<String> names, DbResults results) throws NamingException {
        for (String n : names) {
            Attribute attr = a.get(n);
            if (attr == null) continue;
            for (NamingEnumeration<?> e = attr.getAll(); e.hasMore(); ) {
                Object v = e.next();
                if (v instanceof String s) results.add(s);
                else if (v instanceof byte[] b) results.add(new String(b, java.nio.charset.StandardCharsets.UTF_8));
            }
        }
    }

    private TableLookupException failure(NamingException e) {
        String what;
        if (e instanceof SizeLimitExceededException) what = "size limit " + sizeLimit + " exceeded";
        else if (e instanceof TimeLimitExceededException) what = "search timed out";
        else if (e instanceof AuthenticationException) what = "bind failed: " + reason(e);
        else what = reason(e);
        return new TableLookupException(spec(), "ldap server " + servers + ": " + what, e);
    }

    private static String reason(NamingException e) {
        String m = e.getExplanation();
        if (m == null) m = e.getClass().getSimpleName();
        Throwable root = e.getRootCause();
        if (root != null && root.getMessage() != null && !m.contains(root.getMessage())) m += ": " + root.getMessage();
        return m.replaceAll("\\s+", " ").strip();
    }

    private LdapContext borrow() {
        lock.lock();
        try {
            if (!idle.isEmpty()) return idle.pop();
        } finally {
            lock.unlock();
        }
        try {
            return connect();
        } catch (NamingException e) {
            throw new TableLookupException(spec(), "connect to ldap server " + servers + ": " + reason(e), e);
        }
    }

    private LdapContext connect() throws NamingException {
        Hashtable<String, Object> e = new Hashtable<>(env);
        boolean bind = (bindMode.equals("yes") || bindMode.equals("simple"));
        if (!startTls) {
            e.put(Context.SECURITY_AUTHENTICATION, bind && !bindDn.isEmpty() ? "simple" : "none");
            if (bind && !bindDn.isEmpty()) {
                e.put(Context.SECURITY_PRINCIPAL, bindDn);
                e.put(Context.SECURITY_CREDENTIALS, bindPw);
            }
        } else {
            e.put(Context.SECURITY_AUTHENTICATION, "none");
        }
        LdapContext ctx = LdapSockets.withSettings(sockets, () -> new InitialLdapContext(e, null));
        if (startTls) {
            try {
                StartTlsResponse tls = (StartTlsResponse) ctx.extendedOperation(new StartTlsRequest());
                tls.negotiate(sockets.ssl());
                if (bind && !bindDn.isEmpty()) {
                    ctx.addToEnvironment(Context.SECURITY_AUTHENTICATION, "simple");
                    ctx.addToEnvironment(Context.SECURITY_PRINCIPAL, bindDn);
                    ctx.addToEnvironment(Context.SECURITY_CREDENTIALS, bindPw); // bound over TLS at the next operation
                }
            } catch (java.io.IOException ex) {
                closeQuietly(ctx);
                NamingException ne = new CommunicationException("STARTTLS failed: " + ex.getMessage());
                ne.setRootCause(ex);
                throw ne;
            } catch (NamingException ex) {
                closeQuietly(ctx);
                throw ex;
            }
        }
        return ctx;
    }

    private void giveBack(LdapContext ctx) {
        lock.lock();
        try {
            if (idle.size() < SqlPool.MAX_CONNECTIONS) {
                idle.push(ctx);
                return;
            }
        } finally {
            lock.unlock();
        }
        closeQuietly(ctx);
    }

    private static void closeQuietly(LdapContext ctx) {
        try {
            ctx.close();
        } catch (NamingException e) {
            // going away anyway
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            while (!idle.isEmpty()) closeQuietly(idle.pop());
        } finally {
            lock.unlock();
        }
        domain.close();
    }
}
