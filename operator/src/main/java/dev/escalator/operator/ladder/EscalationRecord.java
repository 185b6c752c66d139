package dev.escalator.operator.ladder;

import java.time.Instant;
import java.util.List;

/** A finished episode, kept in a bounded history. {@code id} is null for a recovery without action. */
public record EscalationRecord(
    String id,
    Outcome outcome,
    Instant startedAt,
    Instant finishedAt,
    String startLevel,
    int attempts,
    List<Failure> trigger,
    List<String> steps,
    String message) {

  public enum Outcome {
    /** The plan ran and the checks passed. */
    CONVERGED,
    /** The checks passed again during quiescence: no action was taken. */
    RECOVERED,
    /** Attempts at the ceiling were used up: a human is needed. */
    EXHAUSTED,
    /** The ladder changed under the escalation so that it could not continue. */
    CANCELLED
  }

  public EscalationRecord {
    trigger = List.copyOf(trigger);
    steps = List.copyOf(steps);
  }
}
