package dev.escalator.operator.ladder;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plays the reconciler's loop against the machine with a fake clock: decide, start and poll runs
 * through a simulated action layer, feed the reports to a second decision at the same instant,
 * keep the state. The action layer outlives the driver, as real work outlives an operator restart.
 */
final class Driver {
  /** Work the simulated providers hold; "ensure" semantics: one handle per (escalation, step, attempt, target). */
  static final class ActionLayer {
    final Map<String, String> handles = new HashMap<>();
    final Map<String, RunState> work = new LinkedHashMap<>();
    final Map<String, String> messages = new HashMap<>();
    final List<Started> starts = new ArrayList<>();
    final List<String> polls = new ArrayList<>();

    String start(Escalation e, Target target) {
      Step step = e.currentStep();
      String key = e.id() + "/s" + e.current() + "/a" + e.attempt() + "/" + target.key();
      String handle = handles.computeIfAbsent(key, k -> "h-" + k);
      work.putIfAbsent(handle, RunState.RUNNING);
      starts.add(new Started(e.id(), step.level(), e.attempt(), target, handle));
      return handle;
    }
  }

  record Started(String escalation, String level, int attempt, Target target, String handle) {}

  final EscalationMachine machine;
  final ActionLayer actions;
  EnvironmentState state;
  Instant now;
  List<Failure> failures = List.of();
  List<Node> inventory;
  boolean dryRun;
  Set<String> approvals = Set.of();
  String reset;
  boolean specChanged;
  Gate gate;
  List<Hold> holds = List.of();
  List<Failure> flapping = List.of();
  /** Every event so far, and those of the last reconcile. */
  final List<DomainEvent> events = new ArrayList<>();
  List<DomainEvent> lastEvents = List.of();
  Decision last;
  /** The decision before the reports were fed back, of the last reconcile. */
  Decision firstOfLast;

  Driver(EscalationMachine machine, EnvironmentState state, Instant now, List<Node> inventory, ActionLayer actions) {
    this.machine = machine;
    this.state = state;
    this.now = now;
    this.inventory = inventory;
    this.actions = actions;
  }

  static Driver fresh(Ladder ladder, Policy policy) {
    return new Driver(new EscalationMachine(ladder, policy), EnvironmentState.initial(SixLevels.T0), SixLevels.T0, SixLevels.inventory(),
        new ActionLayer());
  }

  static Driver fresh() {
    return fresh(SixLevels.ladder(), SixLevels.policy());
  }

  /** The operator restarted: a new machine (possibly for an edited ladder) resumes from the persisted state. */
  Driver restarted(EscalationMachine newMachine) {
    Driver d = new Driver(newMachine, state, now, inventory, actions);
    d.failures = failures;
    d.dryRun = dryRun;
    d.approvals = approvals;
    d.reset = reset;
    d.specChanged = specChanged;
    d.gate = gate;
    d.holds = holds;
    d.flapping = flapping;
    return d;
  }

  Inputs inputs() {
    return new Inputs(now, failures, inventory, dryRun, approvals, reset, specChanged, Map.of(), gate, holds, flapping);
  }

  Driver failing(Failure... f) {
    failures = List.of(f);
    return this;
  }

  Decision reconcile() {
    Inputs in = inputs();
    Decision d = machine.decide(state, in);
    firstOfLast = d;
    List<DomainEvent> ev = new ArrayList<>(d.events());
    Map<Target, RunReport> reports = new HashMap<>();
    for (Run r : d.runsToStart()) {
      String handle = actions.start(d.state().escalation(), r.target());
      reports.put(r.target(), new RunReport(r.target(), RunState.RUNNING, handle, "started"));
    }
    for (Run r : d.runsToPoll()) {
      actions.polls.add(r.handle());
      RunState st = actions.work.get(r.handle());
      assertThat(st).as("polled handle %s is known to the action layer", r.handle()).isNotNull();
      if (st != RunState.RUNNING) {
        reports.put(r.target(), new RunReport(r.target(), st, null, actions.messages.getOrDefault(r.handle(), st.name().toLowerCase())));
      }
    }
    if (!reports.isEmpty()) {
      d = machine.decide(d.state(), in.withReports(reports));
      ev.addAll(d.events());
    }
    state = d.state();
    last = d;
    lastEvents = ev;
    events.addAll(ev);
    return d;
  }

  Decision advance(Duration d) {
    now = now.plus(d);
    return reconcile();
  }

  Decision advanceTo(Instant at) {
    assertThat(at).isAfterOrEqualTo(now);
    now = at;
    return reconcile();
  }

  /** Advances to the wake-up the last decision asked for. */
  Decision advanceToWake() {
    assertThat(last.wakeAt()).as("a wake-up is scheduled").isPresent();
    return advanceTo(last.wakeAt().orElseThrow());
  }

  /** Marks the current step's run on {@code target} done in the action layer (seen at the next poll). */
  Driver complete(Target target, RunState outcome, String message) {
    Run run = step().runs().stream().filter(r -> r.target().equals(target)).findFirst().orElseThrow();
    assertThat(run.handle()).as("run on %s has a handle", target).isNotNull();
    actions.work.put(run.handle(), outcome);
    actions.messages.put(run.handle(), message);
    return this;
  }

  Driver completeAll(RunState outcome) {
    for (Run r : step().runs()) {
      if (r.inFlight()) complete(r.target(), outcome, outcome.name().toLowerCase());
    }
    return this;
  }

  /** Lets the current step succeed and waits out its settling: the next step (or verification) follows. */
  Decision finishStep() {
    completeAll(RunState.SUCCEEDED);
    reconcile();
    assertThat(step().state()).isEqualTo(StepState.SETTLING);
    return advanceTo(step().settleUntil());
  }

  /** Lets every remaining step succeed; fails rather than loop if the plan never ends. */
  void finishPlan() {
    for (int i = 0; i < 50 && phase() == Phase.ESCALATING; i++) finishStep();
    assertThat(phase()).as("the plan ended").isNotEqualTo(Phase.ESCALATING);
  }

  Phase phase() {
    return state.phase();
  }

  Escalation escalation() {
    return state.escalation();
  }

  Step step() {
    return state.escalation().currentStep();
  }

  List<String> stepLevels() {
    return escalation().steps().stream().map(Step::level).toList();
  }

  List<Target> targets(Step step) {
    return step.runs().stream().map(Run::target).toList();
  }

  List<DomainEvent.Kind> lastKinds() {
    return lastEvents.stream().map(DomainEvent::kind).toList();
  }

  long count(DomainEvent.Kind kind) {
    return events.stream().filter(e -> e.kind() == kind).count();
  }

  List<Started> startsOf(String level) {
    return actions.starts.stream().filter(s -> s.level().equals(level)).toList();
  }
}
