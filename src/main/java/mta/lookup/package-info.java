/**
 * NAME
 *   lookup - lookup tables
 *
 * SUMMARY
 *   {@code Tables.open("type:name")} and one class per table type (Postfix's dict_open).
 *
 * DESCRIPTION
 *   A {@link mta.lookup.Table} answers {@code get(key)}; {@link mta.lookup.Tables} opens one by its
 *   Postfix name: hash, btree, lmdb and cdb (compiled by postmap into an H2 MVStore file), inline,
 *   static, texthash, regexp, pcre, cidr, unix:passwd.byname, pgsql, mysql, sqlite, ldap, memcache,
 *   socketmap, tcp, pipemap, unionmap and proxy. The tables that can only be queried extend
 *   {@link mta.lookup.ReadOnlyTable}; {@link mta.lookup.AddressLookup} and
 *   {@link mta.lookup.Aliases} do Postfix's address lookup order; {@link mta.lookup.CacheTable} is
 *   a table a service writes (address_verify_map). A table that cannot answer raises
 *   {@link mta.lookup.TableLookupException}, a temporary error: the caller defers, never bounces.
 *   TableContractTest (src/test) is what every backend passes. Layer 2: uses config.
 *
 * READS
 *   Table files and their compiled forms; database, directory and socket servers.
 *
 * WRITES
 *   Compiled tables (postmap, postalias, newaliases); address_verify_map.
 *
 * SEE ALSO
 *   Postfix postmap(1), DATABASE_README, pgsql_table(5), ldap_table(5) and the other *_table(5).
 */
package mta.lookup;
