package dev.escalator.operator.ladder;

import java.util.Objects;

/** One target's share of a step: the handle its action recorded and how it went. */
public record Run(Target target, String handle, RunState state, String message) {
  public Run {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(state, "state");
  }

  public static Run starting(Target target) {
    return new Run(target, null, RunState.STARTING, null);
  }

  public boolean inFlight() {
    return state == RunState.STARTING || state == RunState.RUNNING;
  }
}
