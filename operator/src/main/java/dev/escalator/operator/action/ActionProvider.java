package dev.escalator.operator.action;

/**
 * One action type. {@code S} is its spec (e.g. JobActionSpec).
 *
 * <p>Contract: {@link #start} is "ensure": called again with the same request (same escalation,
 * step and attempt, e.g. after a crash before the handle was recorded) it finds the work it
 * started before instead of starting it twice. It returns quickly (no waiting for completion);
 * {@link #poll} reports progress from the handle alone, so a restarted operator can resume.
 */
public interface ActionProvider<S> {
  /** Starts or finds the work; returns a handle to record in status (never a secret). */
  String start(ActionRequest request, S spec) throws ActionFailedException;

  /** Reports progress of the work started with {@code handle}. */
  ActionProgress poll(ActionRequest request, S spec, String handle) throws ActionFailedException;

  /**
   * Polls, and returns the handle to record from now on. A provider that learns after {@link
   * #start} what resuming needs (e.g. the id a webhook answered with) overrides this to fold it
   * into a new handle; the caller persists a changed handle before polling again. By default the
   * handle never changes.
   */
  default ActionPoll track(ActionRequest request, S spec, String handle) throws ActionFailedException {
    return new ActionPoll(poll(request, spec, handle), handle);
  }
}
