package mta.lookup;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/**
 * MysqlTable - the {@code mysql:} backend: mysql_table(5), lookups in MySQL or MariaDB.
 *
 * <p>Reads its configuration file ({@code hosts}, {@code user}, {@code password}, {@code dbname},
 * {@code query} or the old {@code select_field}/{@code table}/{@code where_field}/
 * {@code additional_conditions}, {@code require_result_set}, {@code tls_CAfile},
 * {@code tls_verify_cert}, and what {@link SqlTable} reads) and asks the servers through
 * MariaDB's JDBC driver (Connector/J), which speaks to MySQL too. {@code hosts} entries are
 * {@code inet:host:port}, {@code host:port}, {@code host}, or {@code unix:/socket}; as in Postfix,
 * UNIX-domain servers are tried before TCP ones. {@code query = CALL proc('%s')} works (a stored
 * procedure returning one result set). TLS is used when {@code tls_CAfile} or
 * {@code tls_cert_file} is set: the server certificate is checked against tls_CAfile, and its
 * name too with {@code tls_verify_cert = yes}. Timeouts: {@code connect_timeout} (10s) and
 * {@code read_timeout} (30s). The password goes to the driver only. Writes nothing.
 */
final class MysqlTable extends SqlTable {
    private static final int PORT = 3306;
    private final String user;
    private final String password;
    private final String dbname;
    private final long connectTimeout;
    private final String caFile;
    private final boolean tls;
    private final boolean verifyName;

    MysqlTable(String spec, TableConfig cf) {
        super(spec, cf, "mysql", SqlQuery.Dialect.MYSQL, null);
        this.user = cf.str("user", "");
        this.password = cf.str("password", "");
        this.dbname = cf.str("dbname", "");
        this.connectTimeout = cf.seconds("connect_timeout", CONNECT_TIMEOUT);
        this.caFile = cf.str("tls_cafile", "");
        this.tls = !caFile.isEmpty() || !cf.str("tls_cert_file", "").isEmpty() || !cf.str("tls_capath", "").isEmpty();
        this.verifyName = cf.bool("tls_verify_cert", false);
        List<String> hosts = cf.list("hosts");
        if (hosts.isEmpty()) hosts = List.of("localhost");
        List<SqlPool.Server> servers = new java.util.ArrayList<>(SqlHosts.parse(spec, hosts, PORT));
        servers.sort((a, b) -> Boolean.compare(a.socketPath() == null, b.socketPath() == null)); // unix: first
        pool(new SqlPool(spec, "mysql", servers, this::connect, cf.seconds("idle_interval", IDLE_INTERVAL),
                cf.seconds("retry_interval", RETRY_INTERVAL), connectTimeout));
    }

    private Connection connect(SqlPool.Server s) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (!password.isEmpty()) p.setProperty("password", password);
        p.setProperty("connectTimeout", Long.toString(Math.max(1, connectTimeout) * 1000));
        p.setProperty("socketTimeout", Long.toString(queryTimeout > 0 ? (queryTimeout + 5) * 1000L : 0));
        p.setProperty("permitMysqlScheme", "true");
        if (tls) {
            p.setProperty("sslMode", verifyName ? "verify-full" : caFile.isEmpty() ? "trust" : "verify-ca");
            if (!caFile.isEmpty()) p.setProperty("serverSslCert", caFile);
        }
        String url;
        if (s.socketPath() != null) {
            url = "jdbc:mariadb://localhost/" + dbname;
            MariadbUnixSockets.use(p, s.socketPath());
        } else {
            url = "jdbc:mariadb://" + (s.host().indexOf(':') >= 0 ? "[" + s.host() + "]" : s.host()) + ":" + s.port() + "/" + dbname;
        }
        Connection c = new org.mariadb.jdbc.Driver().connect(url, p);
        if (c == null) throw new SQLException("the driver refused the URL");
        return c;
    }
}
