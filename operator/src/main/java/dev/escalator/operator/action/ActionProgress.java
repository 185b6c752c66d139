package dev.escalator.operator.action;

import java.util.Objects;

/** Where a started action stands. The message reaches status and Events: never a secret. */
public record ActionProgress(State state, String message) {
  public enum State {
    RUNNING,
    SUCCEEDED,
    FAILED
  }

  public ActionProgress {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(message, "message");
  }

  public static ActionProgress running(String message) {
    return new ActionProgress(State.RUNNING, message);
  }

  public static ActionProgress succeeded(String message) {
    return new ActionProgress(State.SUCCEEDED, message);
  }

  public static ActionProgress failed(String message) {
    return new ActionProgress(State.FAILED, message);
  }
}
