/**
 * Prometheus metrics (simpleclient) with bounded label sets: the Environment's phase, level, checks,
 * escalations and actions ({@link dev.escalator.operator.metrics.EscalatorMetrics}), probe timings
 * ({@link dev.escalator.operator.metrics.TimedProbes}), providers' circuit breakers, JOSDK's
 * reconcile metrics ({@link dev.escalator.operator.metrics.ReconcileMetrics}), whether this replica
 * reconciles, and the small HTTP server that serves them with the health endpoints. The list of
 * series, and the dashboard and alerts built on them, are in monitoring/README.md.
 */
package dev.escalator.operator.metrics;
