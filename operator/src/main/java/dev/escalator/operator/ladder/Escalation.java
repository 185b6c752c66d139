package dev.escalator.operator.ladder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One escalation in flight: its id and trigger, the current attempt's steps and where it is.
 *
 * @param startIndex 1-based ladder index the current attempt starts at
 * @param attempt attempt number at startIndex, from 1
 * @param floor set once the escalation climbed: later attempts start no lower than this index
 * @param current index into {@code steps} of the step in progress
 */
public record Escalation(
    String id,
    Instant startedAt,
    List<Failure> trigger,
    int startIndex,
    int attempt,
    OptionalInt floor,
    List<Step> steps,
    int current,
    Instant nextAttemptAt,
    Instant verifyUntil,
    int attemptsTotal) {

  public Escalation {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(startedAt, "startedAt");
    trigger = List.copyOf(trigger);
    steps = List.copyOf(steps);
    Objects.requireNonNull(floor, "floor");
  }

  public Step currentStep() {
    return current < steps.size() ? steps.get(current) : null;
  }

  Escalation withStep(Step step) {
    List<Step> s = new ArrayList<>(steps);
    s.set(current, step);
    return new Escalation(id, startedAt, trigger, startIndex, attempt, floor, s, current, nextAttemptAt, verifyUntil, attemptsTotal);
  }

  Escalation advanced() {
    return new Escalation(id, startedAt, trigger, startIndex, attempt, floor, steps, current + 1, nextAttemptAt, verifyUntil, attemptsTotal);
  }

  Escalation verifying(Instant until) {
    return new Escalation(id, startedAt, trigger, startIndex, attempt, floor, steps, current, nextAttemptAt, until, attemptsTotal);
  }

  Escalation withPlan(Plan plan, List<Step> keep, int newStart, int newAttempt, OptionalInt newFloor, boolean newAttemptStarted) {
    List<Step> s = new ArrayList<>(keep);
    plan.steps().forEach(p -> s.add(Step.pending(p)));
    return new Escalation(id, startedAt, trigger, newStart, newAttempt, newFloor, s, keep.size(), null, null,
        attemptsTotal + (newAttemptStarted ? 1 : 0));
  }

  Escalation backingOff(int newStart, int newAttempt, OptionalInt newFloor, Instant next) {
    return new Escalation(id, startedAt, trigger, newStart, newAttempt, newFloor, steps, current, next, null, attemptsTotal);
  }
}
