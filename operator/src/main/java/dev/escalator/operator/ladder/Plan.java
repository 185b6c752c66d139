package dev.escalator.operator.ladder;

import java.util.List;
import java.util.stream.Collectors;

/** Levels {@code start..n} of the ladder, each with the part of the environment it covers. */
public record Plan(Level start, List<PlannedStep> steps, List<Failure> trigger) {
  public Plan {
    steps = List.copyOf(steps);
    trigger = List.copyOf(trigger);
    if (steps.isEmpty()) throw new IllegalArgumentException("a plan has at least one step");
  }

  /** e.g. {@code one-vm[node/web/web-1] -> converge[node/web/web-1] -> deploy[all]}. */
  public String describe() {
    return steps.stream().map(s -> s.level().name() + "[" + s.selector() + "]").collect(Collectors.joining(" -> "));
  }
}
