package mta.lookup;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * PgsqlTable - the {@code pgsql:} backend: pgsql_table(5), lookups in PostgreSQL.
 *
 * <p>Reads its configuration file ({@code hosts}, {@code user}, {@code password}, {@code dbname},
 * {@code query} or {@code select_function} or the old {@code select_field}/{@code table}/
 * {@code where_field}/{@code additional_conditions}, and what {@link SqlTable} reads) and asks the
 * servers through PostgreSQL's JDBC driver. {@code hosts} entries are {@code inet:host:port},
 * {@code host:port}, {@code unix:/socket/directory} or a {@code postgresql://} URI whose query
 * options ({@code sslmode=require} and the like) go to the driver. Timeouts: {@code
 * connect_timeout} (10s) and {@code query_timeout} (30s). The password is passed to the driver
 * only, never put into a URL or a message. Writes nothing.
 */
final class PgsqlTable extends SqlTable {
    private static final int PORT = 5432;
    private final String user;
    private final String password;
    private final String dbname;
    private final long connectTimeout;

    PgsqlTable(String spec, TableConfig cf) {
        super(spec, cf, "pgsql", SqlQuery.Dialect.PGSQL, selectFunction(cf));
        this.user = cf.str("user", "");
        this.password = cf.str("password", "");
        this.dbname = cf.str("dbname", "");
        this.connectTimeout = cf.seconds("connect_timeout", CONNECT_TIMEOUT);
        List<String> hosts = cf.list("hosts");
        if (hosts.isEmpty()) hosts = List.of("localhost");
        List<SqlPool.Server> servers = new ArrayList<>();
        for (String h : hosts) servers.add(h.startsWith("postgresql://") || h.startsWith("postgres://") ? uri(spec, h) : SqlHosts.parseOne(spec, h, PORT));
        pool(new SqlPool(spec, "pgsql", servers, this::connect, cf.seconds("idle_interval", IDLE_INTERVAL),
                cf.seconds("retry_interval", RETRY_INTERVAL), connectTimeout));
    }

    private static String selectFunction(TableConfig cf) {
        String f = cf.str("select_function", "");
        return f.isEmpty() ? null : "SELECT " + f + "('%s')";
    }

    /** A {@code postgresql://user:pw@host:port/db?options} entry: the URL for the driver without the user part. */
    private static SqlPool.Server uri(String spec, String text) {
        try {
            URI u = new URI(text);
            String host = u.getHost() == null ? "localhost" : u.getHost();
            int port = u.getPort() < 0 ? PORT : u.getPort();
            String db = u.getPath() == null || u.getPath().length() <= 1 ? "" : u.getPath().substring(1);
            String url = "jdbc:postgresql://" + (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host)
                    + ":" + port + "/" + db + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
            String label = host + ":" + port;
            return new SqlPool.Server(label, host, port, null, url, u.getRawUserInfo());
        } catch (URISyntaxException e) {
            throw new TableException(spec + ": bad host \"" + text.replaceAll(":[^:@/]*@", ":...@") + "\"");
        }
    }

    private Connection connect(SqlPool.Server s) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (!password.isEmpty()) p.setProperty("password", password);
        int timeout = (int) Math.max(1, connectTimeout);
        p.setProperty("connectTimeout", Integer.toString(timeout));
        p.setProperty("loginTimeout", Integer.toString(timeout));
        p.setProperty("socketTimeout", Integer.toString(queryTimeout > 0 ? queryTimeout + 5 : 0));
        p.setProperty("stringtype", "unspecified"); // a bound key compares with any column type, as quoted text does
        p.setProperty("ApplicationName", "postfix");
        p.setProperty("tcpKeepAlive", "true");
        String url;
        if (s.url() != null) {
            url = s.url();
            String userInfo = s.userInfo();
            if (userInfo != null && !userInfo.isEmpty()) {
                int colon = userInfo.indexOf(':');
                p.setProperty("user", decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
                if (colon >= 0) p.setProperty("password", decode(userInfo.substring(colon + 1)));
            }
            if (url.endsWith("/") && !dbname.isEmpty()) url = url + dbname;
        } else if (s.socketPath() != null) {
            url = "jdbc:postgresql://localhost:" + s.port() + "/" + dbname;
            p.setProperty("socketFactory", UnixSocketFactory.class.getName());
            p.setProperty("socketFactoryArg", UnixSocketFactory.pgsqlSocket(s.socketPath(), s.port()));
            p.setProperty("sslmode", "disable");
        } else {
            url = "jdbc:postgresql://" + (s.host().indexOf(':') >= 0 ? "[" + s.host() + "]" : s.host()) + ":" + s.port() + "/" + dbname;
        }
        Connection c = new org.postgresql.Driver().connect(url, p);
        if (c == null) throw new SQLException("the driver refused the URL");
        c.setReadOnly(true);
        c.setAutoCommit(true);
        return c;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
