/**
 * The {@link dev.escalator.operator.action.ActionProvider} interface that every ladder action
 * implements (start, poll; idempotent and resumable from the handle recorded in status), the
 * registry that binds an {@code ActionSpec} to its provider, and the Kubernetes-native providers.
 * Providers know their API and nothing of ladders.
 */
package dev.escalator.operator.action;
