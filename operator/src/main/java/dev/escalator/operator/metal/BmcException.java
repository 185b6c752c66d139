package dev.escalator.operator.metal;

import java.util.Objects;

/**
 * A BMC call failed. The message names the BMC, the call and what went wrong, and never holds a
 * credential. {@link #isTransient()} says whether trying again later may help.
 */
public class BmcException extends Exception {
  /** Why a call failed; decides whether it is retried. */
  public enum Kind {
    /** No connection (refused, no route, reset): the BMC may be rebooting. Retried. */
    UNREACHABLE(true),
    /** No answer within the call timeout. Retried. */
    TIMEOUT(true),
    /** The BMC answered with a server error (5xx, an IPMI error completion). Retried. */
    BMC_ERROR(true),
    /** Wrong username or password, or not allowed. Not retried: a human must fix the Secret. */
    UNAUTHORIZED(false),
    /** The BMC refused the request as made (4xx): retrying the same request cannot help. */
    REFUSED(false),
    /** The BMC or the protocol cannot do this (no virtual media over IPMI, reset type not allowed). */
    UNSUPPORTED(false),
    /** The answer made no sense (not JSON, a missing field). */
    BAD_RESPONSE(false);

    private final boolean retried;

    Kind(boolean retried) {
      this.retried = retried;
    }
  }

  private final Kind kind;

  public BmcException(Kind kind, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public BmcException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public Kind kind() {
    return kind;
  }

  public boolean isTransient() {
    return kind.retried;
  }
}
