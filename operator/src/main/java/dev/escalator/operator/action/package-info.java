/**
 * The {@link dev.escalator.operator.action.ActionProvider} interface that every ladder action
 * implements (start, poll; idempotent and resumable from the handle recorded in status), the
 * registry that binds an {@code ActionSpec} to its provider ({@link
 * dev.escalator.operator.action.ActionTypes}, the only place that knows every type), and the
 * Kubernetes-native providers: {@link dev.escalator.operator.action.RolloutRestartAction}, {@link
 * dev.escalator.operator.action.JobAction} and {@link dev.escalator.operator.action.WebhookAction}.
 * Providers know their API and nothing of ladders; none blocks its caller on the work itself.
 */
package dev.escalator.operator.action;
