package dev.escalator.operator.openstack;

/**
 * The cloud could not be reached or answered with a transient error after retries. Unchecked on
 * purpose: the step executor treats unchecked errors as transient, leaves the run as it was and
 * retries at the next reconcile (until the level's timeout), instead of failing the step.
 */
public class OpenStackUnavailableException extends RuntimeException {
  public OpenStackUnavailableException(OpenStackException cause) {
    super(cause.getMessage(), cause);
  }
}
