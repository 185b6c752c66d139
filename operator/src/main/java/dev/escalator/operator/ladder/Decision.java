package dev.escalator.operator.ladder;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The result of one decision: the next state, what to tell humans, and the earliest instant at
 * which time alone would change the decision (the reconciler reschedules for it), and the hold that
 * kept new work from starting in it, if any (a storm guard or flapping checks; the reconciler
 * shows it as phase Held with its reason).
 */
public record Decision(EnvironmentState state, List<DomainEvent> events, Optional<Instant> wakeAt, Hold held) {
  public Decision {
    events = List.copyOf(events);
  }

  public Decision(EnvironmentState state, List<DomainEvent> events, Optional<Instant> wakeAt) {
    this(state, events, wakeAt, null);
  }

  /** Runs of the current step that the action layer must start (or find again) now. */
  public List<Run> runsToStart() {
    return currentRuns().stream().filter(r -> r.state() == RunState.STARTING).toList();
  }

  /** Runs of the current step that are running and must be polled. */
  public List<Run> runsToPoll() {
    return currentRuns().stream().filter(r -> r.state() == RunState.RUNNING).toList();
  }

  private List<Run> currentRuns() {
    Escalation e = state.escalation();
    if (e == null || state.phase() != Phase.ESCALATING) return List.of();
    Step step = e.currentStep();
    return step != null && step.state() == StepState.RUNNING ? step.runs() : List.of();
  }
}
