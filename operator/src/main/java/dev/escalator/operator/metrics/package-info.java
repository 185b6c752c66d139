/**
 * Prometheus metrics (simpleclient) with bounded label sets, and the small HTTP server that
 * serves them with the health endpoints.
 */
package dev.escalator.operator.metrics;
