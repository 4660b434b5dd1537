package mta.lookup;

import java.util.ArrayList;
import java.util.List;

/**
 * SqlQuery - a {@code query} template of the SQL tables turned into a prepared statement: the key
 * goes to the server as a parameter, never into the SQL text.
 *
 * <p>Reads and writes nothing but strings. Postfix pastes the SQL-quoted key into the query text;
 * here each string literal that holds an expansion becomes one {@code ?} parameter whose value is
 * the literal's text with the expansions filled in ({@code '%u@%d'} binds {@code user@domain},
 * {@code '%s%%'} binds the key followed by {@code %}), and an expansion outside a literal
 * ({@code WHERE id = %s}) becomes a {@code ?} of its own. So the answer is the one Postfix gives,
 * and no key (quotes, {@code %}, {@code *}, {@code (}, {@code )}, {@code \}) can change the
 * statement. {@code %%} outside the parameters becomes {@code %}. Literals are {@code '...'} with
 * {@code ''} for a quote (and backslash escapes for MySQL, where {@code "..."} is a literal too);
 * identifiers in {@code "..."} (or MySQL's backquotes) and comments are copied as they are, and an
 * expansion inside an identifier is refused.
 */
final class SqlQuery {
    /** The SQL flavour, which decides what the quote characters mean. */
    enum Dialect { PGSQL, MYSQL, SQLITE }

    private final String sql;
    private final List<List<DbTemplate.Piece>> params;

    private SqlQuery(String sql, List<List<DbTemplate.Piece>> params) {
        this.sql = sql;
        this.params = List.copyOf(params);
    }

    /** The statement text with {@code ?} placeholders. */
    String sql() {
        return sql;
    }

    int parameterCount() {
        return params.size();
    }

    /**
     * The parameter values for {@code key}, in order; null when an expansion does not exist for
     * this key ({@code %d} of an unqualified key...), and the query is then not sent.
     */
    List<String> bind(KeyFields key) {
        List<String> out = new ArrayList<>(params.size());
        for (List<DbTemplate.Piece> param : params) {
            StringBuilder v = new StringBuilder();
            for (DbTemplate.Piece p : param) {
                if (!p.isField()) {
                    v.append(p.literal());
                    continue;
                }
                String f = key.field(p.field());
                if (f == null) return null;
                v.append(f);
            }
            out.add(v.toString());
        }
        return out;
    }

    /** Parses {@code query}; throws {@link TableException} for an unknown expansion or an unclosed quote. */
    static SqlQuery parse(String spec, String query, Dialect dialect) {
        StringBuilder sql = new StringBuilder();
        List<List<DbTemplate.Piece>> params = new ArrayList<>();
        int i = 0;
        int n = query.length();
        while (i < n) {
            char c = query.charAt(i);
            boolean literalQuote = c == '\'' || (c == '"' && dialect == Dialect.MYSQL);
            boolean identifierQuote = (c == '"' && dialect != Dialect.MYSQL) || (c == '`' && dialect == Dialect.MYSQL);
            if (literalQuote) {
                i = literal(spec, query, i, c, dialect, sql, params);
            } else if (identifierQuote) {
                int end = query.indexOf(c, i + 1);
                if (end < 0) throw new TableException(spec + ": query: missing closing " + c + " in \"" + query + "\"");
                String ident = query.substring(i, end + 1);
                for (DbTemplate.Piece p : pieces(spec, ident)) {
                    if (p.isField()) throw new TableException(spec + ": query: an expansion inside a quoted name is not supported: " + ident);
                    sql.append(p.literal());
                }
                i = end + 1;
            } else if (c == '-' && i + 1 < n && query.charAt(i + 1) == '-') {
                int end = query.indexOf('\n', i);
                end = end < 0 ? n : end;
                sql.append(query, i, end);
                i = end;
            } else if (c == '/' && i + 1 < n && query.charAt(i + 1) == '*') {
                int end = query.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                sql.append(query, i, end);
                i = end;
            } else if (c == '%') {
                if (i + 1 >= n) throw bad(spec, query, "%");
                char f = query.charAt(i + 1);
                if (f == '%') {
                    sql.append('%');
                } else if (DbTemplate.isField(f)) {
                    sql.append('?');
                    params.add(List.of(new DbTemplate.Piece(null, f)));
                } else {
                    throw bad(spec, query, "%" + f);
                }
                i += 2;
            } else {
                sql.append(c);
                i++;
            }
        }
        return new SqlQuery(sql.toString(), params);
    }

    /** One string literal starting at {@code start}; returns the index after it. */
    private static int literal(String spec, String query, int start, char quote, Dialect dialect,
                               StringBuilder sql, List<List<DbTemplate.Piece>> params) {
        StringBuilder content = new StringBuilder(); // the literal's value, escapes undone, % kept
        int i = start + 1;
        int n = query.length();
        while (true) {
            if (i >= n) throw new TableException(spec + ": query: missing closing " + quote + " in \"" + query + "\"");
            char c = query.charAt(i);
            if (c == quote) {
                if (i + 1 < n && query.charAt(i + 1) == quote) {
                    content.append(quote);
                    i += 2;
                    continue;
                }
                i++;
                break;
            }
            if (c == '\\' && dialect == Dialect.MYSQL && i + 1 < n) {
                char e = query.charAt(i + 1);
                content.append(switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    case '0' -> '\0';
                    default -> e;
                });
                i += 2;
                continue;
            }
            content.append(c);
            i++;
        }
        List<DbTemplate.Piece> pieces = pieces(spec, content.toString());
        boolean hasField = pieces.stream().anyMatch(DbTemplate.Piece::isField);
        if (hasField) {
            sql.append('?');
            params.add(pieces);
        } else {
            sql.append(quote);
            for (DbTemplate.Piece p : pieces) {
                String t = p.literal().replace(String.valueOf(quote), String.valueOf(quote) + quote);
                if (dialect == Dialect.MYSQL) t = t.replace("\\", "\\\\");
                sql.append(t);
            }
            sql.append(quote);
        }
        return i;
    }

    private static List<DbTemplate.Piece> pieces(String spec, String text) {
        return DbTemplate.parse(spec, "query", text).pieces();
    }

    private static TableException bad(String spec, String query, String token) {
        return new TableException(spec + ": invalid query template: unknown expansion \"" + token + "\" in \"" + query + "\"");
    }
}
