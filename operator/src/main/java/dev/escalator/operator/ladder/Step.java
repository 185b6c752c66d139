package dev.escalator.operator.ladder;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** One level of an escalation attempt, with its runs (one per resolved target) and timestamps. */
public record Step(
    String level,
    Selector selector,
    StepState state,
    Instant startedAt,
    Instant finishedAt,
    Instant settleUntil,
    List<Run> runs,
    String message) {

  public Step {
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(state, "state");
    runs = List.copyOf(runs);
  }

  public static Step pending(PlannedStep planned) {
    return new Step(planned.level().name(), planned.selector(), StepState.PENDING, null, null, null, List.of(), null);
  }

  Step withState(StepState newState, String newMessage) {
    return new Step(level, selector, newState, startedAt, finishedAt, settleUntil, runs, newMessage);
  }

  Step started(Instant now, List<Run> newRuns) {
    return new Step(level, selector, StepState.RUNNING, now, null, null, newRuns, null);
  }

  Step withRuns(List<Run> newRuns) {
    return new Step(level, selector, state, startedAt, finishedAt, settleUntil, newRuns, message);
  }

  Step settling(Instant now, Instant until) {
    return new Step(level, selector, StepState.SETTLING, startedAt, now, until, runs, message);
  }

  Step finished(StepState finalState, Instant now, String newMessage) {
    Instant end = finishedAt != null ? finishedAt : now;
    return new Step(level, selector, finalState, startedAt, end, settleUntil, runs, newMessage);
  }
}
