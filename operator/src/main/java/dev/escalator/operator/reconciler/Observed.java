package dev.escalator.operator.reconciler;

import dev.escalator.operator.check.CheckVerdict;
import dev.escalator.operator.ladder.Failure;
import dev.escalator.operator.ladder.Flapping;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The failures the check verdicts show, and which of them flap.
 *
 * @param flappingUntil when the earliest flapping failure counts as steady if it does not change again
 */
record Observed(List<Failure> failures, List<Failure> flapping, Optional<Instant> flappingUntil) {
  static Observed of(List<CheckVerdict> verdicts, Flapping damping, Instant now) {
    List<Failure> failures = new ArrayList<>();
    List<Failure> flapping = new ArrayList<>();
    Instant until = null;
    for (CheckVerdict v : verdicts) {
      if (!Boolean.FALSE.equals(v.healthy())) continue;
      Failure f = new Failure(v.check(), v.target(), v.level());
      failures.add(f);
      Optional<Instant> steadyAt = damping.until(v.changes(), now);
      if (steadyAt.isPresent()) {
        flapping.add(f);
        if (until == null || steadyAt.get().isBefore(until)) until = steadyAt.get();
      }
    }
    return new Observed(List.copyOf(failures), List.copyOf(flapping), Optional.ofNullable(until));
  }
}
