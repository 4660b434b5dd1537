/**
 * Metrics: the mail system's own small metrics registry (counters, gauges, histograms) and
 * Prometheus's text exposition format. Layer 0 beside {@code util}: every package may count
 * something; this package uses only the JDK. {@link mta.metrics.MailMetrics} declares every metric
 * family once, as {@code config.Params} declares every parameter; the master serves them on
 * {@code metrics_listen} (docs/observability.md).
 */
package mta.metrics;
