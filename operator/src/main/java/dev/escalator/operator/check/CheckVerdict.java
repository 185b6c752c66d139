package dev.escalator.operator.check;

import dev.escalator.operator.ladder.Target;
import java.time.Instant;
import java.util.List;

/**
 * The current verdict of one check on one target. {@code healthy} is null while unknown;
 * {@code lastOutcome} is the latest probe's outcome (null before the first), so status can tell a
 * target that answered badly from one the operator could not observe (ERROR) without parsing the
 * message. {@code changes} are the instants the verdict last changed between healthy and failing,
 * oldest first (for flap damping).
 */
public record CheckVerdict(
    String check,
    Target target,
    String level,
    Boolean healthy,
    String message,
    Instant lastTransitionTime,
    ProbeResult.Outcome lastOutcome,
    List<Instant> changes) {
  public CheckVerdict {
    changes = List.copyOf(changes);
  }

  public CheckVerdict(String check, Target target, String level, Boolean healthy, String message, Instant lastTransitionTime,
      ProbeResult.Outcome lastOutcome) {
    this(check, target, level, healthy, message, lastTransitionTime, lastOutcome, List.of());
  }
}
