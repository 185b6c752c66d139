package dev.escalator.operator.action;

/**
 * The action cannot succeed as configured (workload not found, webhook answered 4xx, invalid
 * template): the step fails with this message. Any other exception from a provider is treated as
 * transient, and the reconcile is retried without failing the step.
 */
public class ActionFailedException extends Exception {
  public ActionFailedException(String message) {
    super(message);
  }

  public ActionFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
