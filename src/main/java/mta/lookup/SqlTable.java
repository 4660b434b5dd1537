package mta.lookup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLNonTransientConnectionException;
import java.util.List;

/**
 * SqlTable - what the SQL tables ({@code pgsql:}, {@code mysql:}, {@code sqlite:}) share: the
 * query as a prepared statement, {@code domain}, {@code result_format} and {@code expansion_limit}
 * (Postfix's db_common).
 *
 * <p>Reads the database through a {@link SqlPool}; writes nothing. A lookup folds the key to lower
 * case, skips keys outside {@code domain} and keys that lack a field the query or result_format
 * names, binds the fields as parameters ({@link SqlQuery}), and joins every column of every row
 * through result_format with commas. No row is "not found". A failure (no server, a query error,
 * a timeout) is a {@link TableLookupException} naming the table and the server; a broken
 * connection taken from the pool is retried once on a new one. Each backend class says how to
 * reach its servers.
 */
abstract class SqlTable extends ReadOnlyTable {
    /** Defaults shared by the SQL tables, in seconds. */
    static final long CONNECT_TIMEOUT = 10;
    static final long QUERY_TIMEOUT = 30;
    static final long IDLE_INTERVAL = 60;
    static final long RETRY_INTERVAL = 60;

    private final String kind;
    private final SqlQuery query;
    private final DbTemplate resultFormat;
    private final int expansionLimit;
    private final DomainFilter domain;
    private final boolean requireResultSet;
    protected final int queryTimeout;
    private SqlPool pool;

    SqlTable(String spec, TableConfig cf, String kind, SqlQuery.Dialect dialect, String defaultQuery) {
        super(spec);
        this.kind = kind;
        String q = cf.str("query", null);
        if (q == null || q.isEmpty()) q = defaultQuery != null ? defaultQuery : legacyQuery(spec, cf);
        this.query = SqlQuery.parse(spec, q, dialect);
        this.resultFormat = DbTemplate.parse(spec, "result_format", cf.str("result_format", "%s"));
        this.expansionLimit = cf.integer("expansion_limit", 0);
        this.domain = new DomainFilter(spec, cf.list("domain"));
        this.requireResultSet = cf.bool("require_result_set", true);
        this.queryTimeout = (int) Math.min(Integer.MAX_VALUE, cf.seconds("query_timeout",
                cf.seconds("read_timeout", QUERY_TIMEOUT)));
    }

    /** Called by the subclass once it knows its servers. */
    final void pool(SqlPool pool) {
        this.pool = pool;
    }

    /** {@code SELECT select_field FROM table WHERE where_field = '%s' additional_conditions}. */
    static String legacyQuery(String spec, TableConfig cf) {
        String field = cf.str("select_field", "");
        String table = cf.str("table", "");
        String where = cf.str("where_field", "");
        if (field.isEmpty() || table.isEmpty() || where.isEmpty()) {
            throw new TableException(spec + ": no query specified (query, or select_field, table and where_field)");
        }
        String more = cf.str("additional_conditions", "");
        return "SELECT " + field + " FROM " + table + " WHERE " + where + " = '%s'" + (more.isEmpty() ? "" : " " + more);
    }

    /** The statement text with placeholders (for tests and postmap -v). */
    final String statement() {
        return query.sql();
    }

    @Override
    public String get(String key) {
        KeyFields k = KeyFields.of(Keys.fold(key));
        if (!domain.allows(k) || !resultFormat.keyFieldsExist(k)) return null;
        List<String> args = query.bind(k);
        if (args == null) return null;
        for (int attempt = 0; ; attempt++) {
            SqlPool.Lease lease = pool.borrow();
            try {
                String result = run(lease.connection(), args, k);
                pool.release(lease, true, false);
                return result;
            } catch (SQLException e) {
                boolean broken = isConnectionFailure(e, lease.connection());
                boolean timeout = e instanceof SQLTimeoutException;
                // A connection that died while idle says little about the server: try once more
                // on a new connection, and mark the server down only if that fails too.
                pool.release(lease, false, broken && !timeout && attempt > 0);
                if (broken && !timeout && attempt == 0) continue;
                throw new TableLookupException(spec(), kind + " server " + lease.server().label() + ": "
                        + (e instanceof SQLTimeoutException ? "query timed out after " + queryTimeout + "s" : "query failed: " + reason(e)), e);
            } catch (RuntimeException e) {
                pool.release(lease, false, false);
                throw e;
            }
        }
    }

    private String run(Connection c, List<String> args, KeyFields key) throws SQLException {
        DbResults results = new DbResults(spec(), resultFormat, expansionLimit, key);
        try (PreparedStatement ps = c.prepareStatement(query.sql())) {
            if (queryTimeout > 0) ps.setQueryTimeout(queryTimeout);
            for (int i = 0; i < args.size(); i++) ps.setString(i + 1, args.get(i));
            if (!ps.execute()) {
                if (requireResultSet) throw new SQLException("query returned no result set");
                return null;
            }
            try (ResultSet rs = ps.getResultSet()) {
                ResultSetMetaData md = rs.getMetaData();
                int columns = md.getColumnCount();
                while (rs.next()) {
                    for (int col = 1; col <= columns; col++) results.add(rs.getString(col));
                }
            }
        }
        return results.result();
    }

    /** True when the error means the connection (or the server) is gone rather than a bad query. */
    private static boolean isConnectionFailure(SQLException e, Connection c) {
        String state = e.getSQLState();
        if (e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException
                || e instanceof SQLTimeoutException) {
            return true;
        }
        if (state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("HY000") && isClosed(c))) {
            return true;
        }
        return isClosed(c);
    }

    private static boolean isClosed(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    /** One line of text for an exception, for the log: no stack trace, no password. */
    static String reason(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) m = e.getClass().getSimpleName();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !m.contains(cause.getMessage())) m = m + ": " + cause.getMessage();
        return m.replaceAll("\\s+", " ").strip();
    }

    @Override
    public void close() {
        if (pool != null) pool.close();
        domain.close();
    }
}
