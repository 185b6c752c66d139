package dev.escalator.operator.reconciler;

import dev.escalator.operator.api.EnvironmentStatus;
import dev.escalator.operator.api.EscalationRecordStatus;
import dev.escalator.operator.api.EscalationStatus;
import dev.escalator.operator.api.FailureStatus;
import dev.escalator.operator.api.PlanStatus;
import dev.escalator.operator.api.RunStatus;
import dev.escalator.operator.api.SelectorStatus;
import dev.escalator.operator.api.StepStatus;
import dev.escalator.operator.ladder.CamelCase;
import dev.escalator.operator.ladder.EnvironmentState;
import dev.escalator.operator.ladder.Escalation;
import dev.escalator.operator.ladder.EscalationRecord;
import dev.escalator.operator.ladder.Failure;
import dev.escalator.operator.ladder.Phase;
import dev.escalator.operator.ladder.Plan;
import dev.escalator.operator.ladder.Run;
import dev.escalator.operator.ladder.RunState;
import dev.escalator.operator.ladder.Selector;
import dev.escalator.operator.ladder.Step;
import dev.escalator.operator.ladder.StepState;
import dev.escalator.operator.ladder.Target;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * Translates the state machine's state to and from {@code Environment.status}: status is where
 * the operator's progress lives between reconciles and across restarts. Enum values appear in
 * status in CamelCase (BACKING_OFF as BackingOff), instants in RFC 3339.
 */
final class StateCodec {
  private StateCodec() {}

  /** The persisted state, or a fresh Healthy state when status holds none. */
  static EnvironmentState decode(EnvironmentStatus status, Instant now) {
    if (status == null || status.machinePhase == null) return EnvironmentState.initial(now);
    Phase phase = CamelCase.parse(Phase.class, status.machinePhase);
    Instant since = status.phaseSince != null ? Instant.parse(status.phaseSince) : now;
    Escalation escalation = status.escalation == null ? null : decode(status.escalation);
    List<EscalationRecord> history = status.history == null ? List.of() : status.history.stream().map(StateCodec::decode).toList();
    String proposed = status.announced != null ? status.announced : status.proposedPlan != null ? status.proposedPlan.summary : null;
    return new EnvironmentState(phase, since, status.escalationCounter, escalation, history, proposed);
  }

  /** Writes the state machine's part of status. */
  static void encode(EnvironmentState state, EnvironmentStatus status, dev.escalator.operator.ladder.Ladder ladder) {
    status.machinePhase = CamelCase.of(state.phase());
    status.phaseSince = time(state.since());
    status.escalationCounter = state.counter();
    status.escalation = state.escalation() == null ? null : encode(state.escalation());
    if (status.escalation != null && status.escalation.startLevelIndex >= 1 && status.escalation.startLevelIndex <= ladder.size()) {
      status.escalation.startLevel = ladder.at(status.escalation.startLevelIndex).name();
    }
    status.history = new ArrayList<>(state.history().stream().map(StateCodec::encode).toList());
    status.announced = state.proposed();
  }

  static PlanStatus encode(Plan plan) {
    PlanStatus p = new PlanStatus();
    p.summary = plan.describe();
    p.startLevel = plan.start().name();
    p.trigger = failures(plan.trigger());
    p.steps = new ArrayList<>();
    plan.steps().forEach(s -> {
      StepStatus st = new StepStatus();
      st.level = s.level().name();
      st.selector = encode(s.selector());
      st.state = CamelCase.of(StepState.PENDING);
      p.steps.add(st);
    });
    return p;
  }

  private static EscalationStatus encode(Escalation e) {
    EscalationStatus s = new EscalationStatus();
    s.id = e.id();
    s.startedAt = time(e.startedAt());
    s.trigger = failures(e.trigger());
    s.startLevelIndex = e.startIndex();
    s.attempt = e.attempt();
    s.attemptsTotal = e.attemptsTotal();
    s.floor = e.floor().isPresent() ? e.floor().getAsInt() : null;
    s.currentStep = e.current();
    s.nextAttemptAt = time(e.nextAttemptAt());
    s.verifyUntil = time(e.verifyUntil());
    s.steps = new ArrayList<>(e.steps().stream().map(StateCodec::encode).toList());
    return s;
  }

  private static Escalation decode(EscalationStatus s) {
    List<Step> steps = s.steps == null ? List.of() : s.steps.stream().map(StateCodec::decode).toList();
    return new Escalation(s.id, Instant.parse(s.startedAt), decodeFailures(s.trigger), s.startLevelIndex, s.attempt,
        s.floor == null ? OptionalInt.empty() : OptionalInt.of(s.floor), steps, s.currentStep,
        instant(s.nextAttemptAt), instant(s.verifyUntil), s.attemptsTotal);
  }

  private static StepStatus encode(Step step) {
    StepStatus s = new StepStatus();
    s.level = step.level();
    s.selector = encode(step.selector());
    s.state = CamelCase.of(step.state());
    s.startedAt = time(step.startedAt());
    s.finishedAt = time(step.finishedAt());
    s.settleUntil = time(step.settleUntil());
    s.message = step.message();
    s.runs = step.runs().isEmpty() ? null : new ArrayList<>(step.runs().stream().map(r -> {
      RunStatus rs = new RunStatus();
      rs.target = r.target().key();
      rs.state = CamelCase.of(r.state());
      rs.handle = r.handle();
      rs.message = r.message();
      return rs;
    }).toList());
    return s;
  }

  private static Step decode(StepStatus s) {
    List<Run> runs = s.runs == null ? List.of()
        : s.runs.stream().map(r -> new Run(Target.parse(r.target), r.handle, CamelCase.parse(RunState.class, r.state), r.message)).toList();
    return new Step(s.level, decode(s.selector), CamelCase.parse(StepState.class, s.state), instant(s.startedAt), instant(s.finishedAt),
        instant(s.settleUntil), runs, s.message);
  }

  private static SelectorStatus encode(Selector selector) {
    SelectorStatus s = new SelectorStatus();
    s.all = selector.all();
    s.tiers = selector.tiers().isEmpty() ? null : new ArrayList<>(selector.tiers());
    s.nodes = selector.nodes().isEmpty() ? null : new ArrayList<>(selector.nodes().stream().map(Target::key).toList());
    return s;
  }

  private static Selector decode(SelectorStatus s) {
    if (s == null) return Selector.NONE;
    TreeSet<String> tiers = s.tiers == null ? new TreeSet<>() : new TreeSet<>(s.tiers);
    TreeSet<Target> nodes = new TreeSet<>();
    if (s.nodes != null) s.nodes.forEach(n -> nodes.add(Target.parse(n)));
    return new Selector(s.all, tiers, nodes);
  }

  private static EscalationRecordStatus encode(EscalationRecord r) {
    EscalationRecordStatus s = new EscalationRecordStatus();
    s.id = r.id();
    s.outcome = CamelCase.of(r.outcome());
    s.startedAt = time(r.startedAt());
    s.finishedAt = time(r.finishedAt());
    s.startLevel = r.startLevel();
    s.attempts = r.attempts();
    s.trigger = failures(r.trigger());
    s.steps = new ArrayList<>(r.steps());
    s.message = r.message();
    return s;
  }

  private static EscalationRecord decode(EscalationRecordStatus s) {
    return new EscalationRecord(s.id, CamelCase.parse(EscalationRecord.Outcome.class, s.outcome), instant(s.startedAt), instant(s.finishedAt),
        s.startLevel, s.attempts, decodeFailures(s.trigger), s.steps == null ? List.of() : s.steps, s.message);
  }

  static List<FailureStatus> failures(List<Failure> failures) {
    return new ArrayList<>(failures.stream().map(f -> {
      FailureStatus s = new FailureStatus();
      s.check = f.check();
      s.target = f.target().key();
      s.level = f.level();
      return s;
    }).toList());
  }

  private static List<Failure> decodeFailures(List<FailureStatus> list) {
    return list == null ? List.of() : list.stream().map(f -> new Failure(f.check, Target.parse(f.target), f.level)).toList();
  }

  static String time(Instant i) {
    return i == null ? null : i.toString();
  }

  private static Instant instant(String s) {
    return s == null ? null : Instant.parse(s);
  }

}
