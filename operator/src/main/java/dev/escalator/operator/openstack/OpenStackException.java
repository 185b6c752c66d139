package dev.escalator.operator.openstack;

/**
 * An OpenStack call failed. The message names the call (e.g. {@code nova: boot server web-1}) and
 * its error. {@link #isTransient()} when retrying later may succeed: the API unreachable, timing out,
 * answering 5xx or 429, or the circuit breaker open.
 */
public class OpenStackException extends Exception {
  private final int status;
  private final boolean transientError;

  public OpenStackException(String message, int status, boolean transientError, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.transientError = transientError;
  }

  /** The HTTP status the API answered, or 0 when it did not answer. */
  public int status() {
    return status;
  }

  public boolean isTransient() {
    return transientError;
  }
}
