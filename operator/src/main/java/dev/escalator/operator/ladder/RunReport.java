package dev.escalator.operator.ladder;

import java.util.Objects;

/** What the action layer found for one run: started with this handle, still running, done or failed. */
public record RunReport(Target target, RunState state, String handle, String message) {
  public RunReport {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(state, "state");
  }
}
