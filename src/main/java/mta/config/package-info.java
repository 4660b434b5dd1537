/**
 * NAME
 *   config - main.cf, master.cf and the parameter registry
 *
 * SUMMARY
 *   Every parameter declared once, and the configuration files read into typed values.
 *
 * DESCRIPTION
 *   {@link mta.config.Params} is the one registry: each parameter with Postfix's name, default,
 *   type and one line of documentation ({@code postconf -d} and docs/parameters.md come from it);
 *   no other code holds a parameter's name or default as a literal. {@link mta.config.MainCf}
 *   parses main.cf, {@link mta.config.Config} gives typed values with {@code $name} expansion
 *   (util.MacroExpand) and computed defaults, {@link mta.config.MasterCf} reads master.cf, and
 *   {@link mta.config.ConfigLoader} finds and loads both (MAIL_CONFIG, -c). Also here: network
 *   lists ({@link mta.config.Cidr}), the pipe and spawn attributes, the postconf editors, and the
 *   warnings about unused parameters. Layer 1: uses util only.
 *
 * READS
 *   $config_directory/main.cf, master.cf; files named by "/file" parameter values.
 *
 * WRITES
 *   main.cf and master.cf, only for postconf -e, -X, -M, -F, -P (the editors).
 *
 * SEE ALSO
 *   Postfix postconf(5), master(5); docs/configuration.md, docs/parameters.md.
 */
package mta.config;
