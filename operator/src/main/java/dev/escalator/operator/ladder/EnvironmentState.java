package dev.escalator.operator.ladder;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything the state machine persists between decisions (it is written to status after every
 * step, so a restarted operator resumes exactly here).
 *
 * @param since when the current phase began
 * @param counter escalations started so far; ids derive from it
 * @param escalation the escalation in flight, or null
 * @param proposed what was last announced without acting (the plan, in Observe mode or while
 *     paused; a rate-limit hold), so it is announced once
 */
public record EnvironmentState(
    Phase phase, Instant since, long counter, Escalation escalation, List<EscalationRecord> history, String proposed) {

  public EnvironmentState {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(since, "since");
    history = List.copyOf(history);
  }

  public static EnvironmentState initial(Instant now) {
    return new EnvironmentState(Phase.HEALTHY, now, 0, null, List.of(), null);
  }

  EnvironmentState to(Phase newPhase, Instant now) {
    return new EnvironmentState(newPhase, newPhase == phase ? since : now, counter, escalation, history, proposed);
  }

  /** Quiescence starts over from {@code now}, forgetting what was told. */
  EnvironmentState requiesced(Instant now) {
    return new EnvironmentState(phase, now, counter, escalation, history, null);
  }

  EnvironmentState withEscalation(Escalation e) {
    return new EnvironmentState(phase, since, counter, e, history, proposed);
  }

  EnvironmentState withProposed(String p) {
    return new EnvironmentState(phase, since, counter, escalation, history, p);
  }

  EnvironmentState started(Escalation e, Instant now) {
    return new EnvironmentState(Phase.ESCALATING, now, counter + 1, e, history, null);
  }

  EnvironmentState recorded(EscalationRecord record, int limit) {
    List<EscalationRecord> h = new java.util.ArrayList<>();
    h.add(record);
    h.addAll(history);
    return new EnvironmentState(phase, since, counter, escalation, h.subList(0, Math.min(limit, h.size())), proposed);
  }
}
