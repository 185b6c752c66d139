/**
 * Wiring and start-up: {@link dev.escalator.operator.Main} reads the settings and starts an {@link
 * dev.escalator.operator.EscalatorOperator}, which builds the check scheduler, the action types
 * and the reconciler around one Kubernetes client.
 */
package dev.escalator.operator;
