package mta.lookup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/**
 * SqliteTable - the {@code sqlite:} backend: sqlite_table(5), lookups in an SQLite database file.
 *
 * <p>Reads its configuration file ({@code dbpath}, {@code query} or the old
 * {@code select_field}/{@code table}/{@code where_field}/{@code additional_conditions}, and what
 * {@link SqlTable} reads) and the database file, read-only, through the Xerial SQLite JDBC
 * driver. A connection is opened for each lookup (cheap for a local file), so a database that
 * was replaced or came back is seen at once; a file that is missing, unreadable or locked by a
 * writer for longer than {@code query_timeout} (30s) fails the lookup temporarily. Writes nothing.
 */
final class SqliteTable extends SqlTable {
    private final Path dbpath;

    SqliteTable(String spec, TableConfig cf) {
        super(spec, cf, "sqlite", SqlQuery.Dialect.SQLITE, null);
        String path = cf.str("dbpath", "");
        if (path.isEmpty()) throw new TableException(spec + ": dbpath is not set");
        this.dbpath = Path.of(path);
        SqlPool.Server file = new SqlPool.Server(path, null, 0, path, null, null);
        pool(new SqlPool(spec, "sqlite", List.of(file), s -> connect(), 0, 0, queryTimeout));
    }

    private Connection connect() throws SQLException {
        if (!Files.isReadable(dbpath)) {
            throw new SQLException(Files.exists(dbpath) ? "Permission denied" : "No such file or directory", "08001");
        }
        Properties p = new Properties();
        p.setProperty("open_mode", "1"); // SQLITE_OPEN_READONLY
        p.setProperty("busy_timeout", Long.toString(Math.max(1, queryTimeout) * 1000L));
        Connection c = new org.sqlite.JDBC().connect("jdbc:sqlite:" + dbpath, p);
        if (c == null) throw new SQLException("the driver refused the file name");
        return c;
    }
}
