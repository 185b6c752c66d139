package dev.escalator.operator.ladder;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * The escalation state machine of DESIGN.md as a pure function: {@code (state, inputs) ->
 * decision}. It never performs I/O and never reads a clock: time comes in as {@link Inputs#now()}.
 * The reconciler starts and polls the runs the decision names and feeds their reports back.
 *
 * <pre>
 * Healthy -> Quiescing -> Escalating(step i: [approval] run, settle, re-observe) -> Verifying -> Healthy
 *                              ^                                                      |
 *                              +-- BackingOff <- attempt failed (step failed, timed out, checks still failing)
 *                                  after maxAttempts: climb one level; at the ceiling: Exhausted
 * </pre>
 */
public final class EscalationMachine {
  /** Transitions one decision may chain at a single instant; the graph has no cycle at one instant. */
  private static final int MAX_TRANSITIONS = 64;

  private final Ladder ladder;
  private final Planner planner;
  private final Policy policy;

  public EscalationMachine(Ladder ladder, Policy policy) {
    this.ladder = ladder;
    this.planner = new Planner(ladder);
    this.policy = policy;
    if (policy.ceilingIndex() > ladder.size()) {
      throw new IllegalArgumentException("ceiling index " + policy.ceilingIndex() + " beyond the ladder's " + ladder.size() + " levels");
    }
  }

  public Planner planner() {
    return planner;
  }

  public Decision decide(EnvironmentState state, Inputs in) {
    // A failure naming a level this ladder lacks cannot be acted on (the planner ignores it); it
    // must not start a quiescence whose plan would then be empty, nor keep a verification failing.
    Context ctx = new Context(in.withFailures(in.failures().stream().filter(f -> ladder.find(f.level()).isPresent()).toList()));
    EnvironmentState s = state;
    for (int i = 0; i < MAX_TRANSITIONS; i++) {
      ctx.held = null;
      EnvironmentState next = step(s, ctx);
      if (next.equals(s)) return new Decision(s, ctx.events, Optional.ofNullable(ctx.wakeAt), ctx.held);
      s = next;
      ctx.wakeAt = null;
    }
    throw new IllegalStateException("state machine did not settle after " + MAX_TRANSITIONS + " transitions from " + state.phase());
  }

  /** Mutable scratch space of one decision. */
  private static final class Context {
    final Inputs in;
    final List<DomainEvent> events = new ArrayList<>();
    Instant wakeAt;
    boolean reportsApplied;
    /** The hold that kept work from starting in the current transition. */
    Hold held;

    Context(Inputs in) {
      this.in = in;
    }

    void emit(DomainEvent.Kind kind, String message) {
      events.add(new DomainEvent(kind, message));
    }

    void wake(Instant at) {
      if (wakeAt == null || at.isBefore(wakeAt)) wakeAt = at;
    }
  }

  private EnvironmentState step(EnvironmentState s, Context ctx) {
    return switch (s.phase()) {
      case HEALTHY -> healthy(s, ctx);
      case QUIESCING -> quiescing(s, ctx);
      case ESCALATING -> escalating(s, ctx);
      case VERIFYING -> verifying(s, ctx);
      case BACKING_OFF -> backingOff(s, ctx);
      case EXHAUSTED -> exhausted(s, ctx);
    };
  }

  private EnvironmentState healthy(EnvironmentState s, Context ctx) {
    // What was told stays remembered while all pass: a flapping check passing between its failures
    // must not be told again at its next failure. A quiescence starting forgets it.
    if (ctx.in.failures().isEmpty()) return s;
    if (ctx.in.triggers().isEmpty()) return held(s, ctx, flapping(ctx), "Not escalating although " + describe(ctx.in.failures()) + " fail");
    ctx.emit(DomainEvent.Kind.QUIESCENCE_STARTED,
        "Failing: " + describe(ctx.in.triggers()) + "; waiting " + human(policy.quiescence()) + " before acting");
    return s.to(Phase.QUIESCING, ctx.in.now()).withProposed(null);
  }

  private EnvironmentState quiescing(EnvironmentState s, Context ctx) {
    Instant now = ctx.in.now();
    if (ctx.in.failures().isEmpty()) {
      ctx.emit(DomainEvent.Kind.RECOVERED, "All checks pass again after " + human(Duration.between(s.since(), now)) + "; no action taken");
      EscalationRecord record = new EscalationRecord(null, EscalationRecord.Outcome.RECOVERED, s.since(), now, null, 0,
          List.of(), List.of(), "recovered during quiescence");
      return s.to(Phase.HEALTHY, now).recorded(record, policy.historyLimit()).withProposed(null);
    }
    Instant due = s.since().plus(policy.quiescence());
    if (now.isBefore(due)) {
      ctx.wake(due);
      return s;
    }
    if (ctx.in.triggers().isEmpty()) return held(s, ctx, flapping(ctx), "Not escalating although " + describe(ctx.in.failures()) + " fail");
    Plan plan = planner.plan(ctx.in.triggers()).orElseThrow();
    if (ctx.in.dryRun()) return announce(s, plan, ctx);
    Optional<Hold> hold = ctx.in.holds().stream().filter(h -> h.holdsStart(plan.start())).findFirst();
    if (hold.isPresent()) return held(s, ctx, hold.get(), "Not escalating although " + describe(plan.trigger()) + " fail");
    Optional<Hold.Kind> lifted = Hold.Kind.ofMarker(s.proposed())
        .filter(k -> k.sharedCause() && ctx.in.holds().stream().noneMatch(h -> h.kind() == k));
    if (lifted.isPresent()) {
      ctx.emit(DomainEvent.Kind.QUIESCENCE_STARTED, "The " + lifted.get().reason() + " hold lifted while " + describe(plan.trigger())
          + " still fail; waiting " + human(policy.quiescence()) + " again before acting, to see whether they recover with the rest");
      return s.requiesced(now);
    }
    Optional<Instant> limitedUntil = rateLimitedUntil(s, now);
    if (limitedUntil.isPresent()) {
      ctx.wake(limitedUntil.get());
      String held = "rate limited: " + policy.maxPerHour() + " escalations started in the last hour; the next may start at " + limitedUntil.get();
      if (held.equals(s.proposed())) return s;
      ctx.emit(DomainEvent.Kind.RATE_LIMITED, "Not escalating although " + describe(plan.trigger()) + " fail: " + held
          + " (spec.escalation.maxPerHour)");
      return s.withProposed(held);
    }
    String id = "e" + (s.counter() + 1);
    List<Step> steps = plan.steps().stream().map(Step::pending).toList();
    Escalation e = new Escalation(id, now, plan.trigger(), plan.start().index(), 1, OptionalInt.empty(), steps, 0, null, null, 1);
    ctx.emit(DomainEvent.Kind.ESCALATION_STARTED,
        "Escalation " + id + " from level " + plan.start().name() + " because " + describe(plan.trigger()) + "; plan: " + plan.describe());
    return s.started(e, now);
  }

  /**
   * When {@code maxPerHour} escalations started within the last hour, the moment the oldest of
   * them leaves that hour; empty when another may start now.
   */
  private Optional<Instant> rateLimitedUntil(EnvironmentState s, Instant now) {
    if (policy.maxPerHour() == 0) return Optional.empty();
    Instant hourAgo = now.minus(Duration.ofHours(1));
    List<Instant> recent = s.history().stream()
        .filter(r -> r.id() != null && r.startedAt() != null && r.startedAt().isAfter(hourAgo))
        .map(EscalationRecord::startedAt).sorted().toList();
    if (recent.size() < policy.maxPerHour()) return Optional.empty();
    return Optional.of(recent.get(recent.size() - policy.maxPerHour()).plus(Duration.ofHours(1)));
  }

  /**
   * Stays put while {@code hold} lasts, telling it once per kind of hold: a meltdown whose count of
   * failing environments moves is the same hold, and a storm must not become a storm of Events.
   */
  private static EnvironmentState held(EnvironmentState s, Context ctx, Hold hold, String what) {
    ctx.held = hold;
    String marker = hold.kind().marker();
    if (marker.equals(s.proposed())) return s;
    DomainEvent.Kind kind = hold.kind() == Hold.Kind.FLAPPING ? DomainEvent.Kind.FLAPPING : DomainEvent.Kind.HELD;
    ctx.emit(kind, what + "; held by " + hold);
    return s.withProposed(marker);
  }

  private static Hold flapping(Context ctx) {
    return Hold.flapping(describe(ctx.in.flapping()) + " keep changing between passing and failing (spec.escalation.flapDamping)"
        + " and start no escalation until they hold steady");
  }

  /** In a dry run, tells once per distinct plan what would run. */
  private EnvironmentState announce(EnvironmentState s, Plan plan, Context ctx) {
    String described = plan.describe();
    if (described.equals(s.proposed())) return s;
    ctx.emit(DomainEvent.Kind.WOULD_ESCALATE,
        "Would escalate from level " + plan.start().name() + " because " + describe(plan.trigger()) + "; plan: " + described + " (no action: paused or Observe mode)");
    return s.withProposed(described);
  }

  private EnvironmentState escalating(EnvironmentState s, Context ctx) {
    Escalation e = s.escalation();
    Step step = e.currentStep();
    if (step == null) return verify(s, ctx);
    Instant now = ctx.in.now();
    Optional<Level> found = ladder.find(step.level());
    if (found.isEmpty()) {
      if (step.state() == StepState.RUNNING && step.runs().stream().anyMatch(Run::inFlight)) {
        // The ladder changed under a running action: let it finish (never abort half-way), then cancel.
        return applyReports(s, e, step, ctx);
      }
      return cancel(s, ctx, "level " + step.level() + " is no longer in the ladder");
    }
    Level level = found.get();
    return switch (step.state()) {
      case PENDING, AWAITING_APPROVAL -> startStep(s, e, step, level, ctx);
      case RUNNING -> running(s, e, step, level, ctx);
      case SETTLING -> {
        if (now.isBefore(step.settleUntil())) {
          ctx.wake(step.settleUntil());
          yield s;
        }
        yield afterStep(s, e.withStep(step.finished(StepState.SUCCEEDED, now, step.message())), level, ctx);
      }
      case SUCCEEDED, SKIPPED -> afterStep(s, e, level, ctx);
      case FAILED, TIMED_OUT -> attemptFailed(s, ctx, "step " + step.level() + " " + CamelCase.of(step.state()) + ": " + step.message());
    };
  }

  private EnvironmentState startStep(EnvironmentState s, Escalation e, Step step, Level level, Context ctx) {
    if (ctx.in.dryRun()) return s;
    // A step waiting to start (for a gate, a hold, an approval) re-observes too: a failure that
    // needs a more drastic level may have appeared meanwhile, and waiting for the gentler step
    // could wait forever (a gate that the skipped level would open).
    Optional<EnvironmentState> replanned = replanned(s, e, e.current(), ctx);
    if (replanned.isPresent()) return replanned.get();
    Gate gate = ctx.in.gate();
    if (gate != null && gate.holds(level)) {
      String held = "held: gate check " + gate.check() + " is not passing (" + gate.why() + ")";
      return keptFromStarting(s, e, step, held, DomainEvent.Kind.GATED, held + "; it starts when the gate passes", ctx);
    }
    Optional<Hold> hold = ctx.in.holds().stream().filter(h -> h.holds(level)).findFirst();
    if (hold.isPresent()) {
      ctx.held = hold.get();
      return keptFromStarting(s, e, step, hold.get().kind().marker(), DomainEvent.Kind.HELD,
          "held by " + hold.get() + "; it starts when the hold lifts", ctx);
    }
    if (level.requiresApproval() && !approved(e.id(), level.name(), ctx.in)) {
      if (step.state() == StepState.AWAITING_APPROVAL) return s;
      ctx.emit(DomainEvent.Kind.APPROVAL_REQUIRED,
          "Level " + level.name() + " of escalation " + e.id() + " needs approval: annotate the Environment with escalator.dev/approve=" + e.id());
      return s.withEscalation(e.withStep(step.withState(StepState.AWAITING_APPROVAL, "waiting for approval")));
    }
    List<Target> targets = step.selector().resolve(level.scope(), ctx.in.inventory());
    Instant now = ctx.in.now();
    if (targets.isEmpty()) {
      ctx.emit(DomainEvent.Kind.STEP_SKIPPED, "Level " + level.name() + " of escalation " + e.id() + " has no targets (" + step.selector() + "); skipped");
      return s.withEscalation(e.withStep(new Step(step.level(), step.selector(), StepState.SKIPPED, now, now, null, List.of(), "no targets")));
    }
    ctx.emit(DomainEvent.Kind.STEP_STARTED, "Level " + level.name() + " of escalation " + e.id() + " (attempt " + e.attempt() + ") started on "
        + targets.stream().map(Target::key).collect(Collectors.joining(", ")));
    List<Run> runs = targets.stream().map(Run::starting).toList();
    return s.withEscalation(e.withStep(step.started(now, runs)));
  }

  /**
   * Keeps a step from starting: its message remembers {@code marker}, so {@code why} is told once
   * per reason however many decisions the wait lasts.
   */
  private static EnvironmentState keptFromStarting(EnvironmentState s, Escalation e, Step step, String marker, DomainEvent.Kind kind,
      String why, Context ctx) {
    if (marker.equals(step.message())) return s;
    ctx.emit(kind, "Level " + step.level() + " of escalation " + e.id() + " is " + why);
    return s.withEscalation(e.withStep(step.withState(step.state(), marker)));
  }

  private EnvironmentState running(EnvironmentState s, Escalation e, Step step, Level level, Context ctx) {
    EnvironmentState applied = applyReports(s, e, step, ctx);
    if (!applied.equals(s)) return applied;
    Instant now = ctx.in.now();
    boolean inFlight = step.runs().stream().anyMatch(Run::inFlight);
    List<Run> failed = step.runs().stream().filter(r -> r.state() == RunState.FAILED).toList();
    if (!inFlight) {
      if (failed.isEmpty()) {
        ctx.emit(DomainEvent.Kind.STEP_SUCCEEDED, "Level " + level.name() + " of escalation " + e.id() + " succeeded; settling " + human(level.quiescence()));
        return s.withEscalation(e.withStep(step.settling(now, now.plus(level.quiescence()))));
      }
      String why = failed.stream().map(r -> r.target().key() + ": " + r.message()).collect(Collectors.joining("; "));
      ctx.emit(DomainEvent.Kind.STEP_FAILED, "Level " + level.name() + " of escalation " + e.id() + " failed: " + why);
      return s.withEscalation(e.withStep(step.finished(StepState.FAILED, now, why)));
    }
    Instant deadline = step.startedAt().plus(level.timeout());
    if (!now.isBefore(deadline)) {
      String why = "timed out after " + human(level.timeout()) + " (runs still in flight are left to finish, not aborted)";
      ctx.emit(DomainEvent.Kind.STEP_FAILED, "Level " + level.name() + " of escalation " + e.id() + " " + why);
      return s.withEscalation(e.withStep(step.finished(StepState.TIMED_OUT, now, why)));
    }
    ctx.wake(deadline);
    return s;
  }

  /** Folds the action layer's reports into the current step's runs (once per decision). */
  private EnvironmentState applyReports(EnvironmentState s, Escalation e, Step step, Context ctx) {
    if (ctx.reportsApplied || ctx.in.reports().isEmpty()) return s;
    ctx.reportsApplied = true;
    Map<Target, RunReport> reports = new HashMap<>(ctx.in.reports());
    List<Run> runs = new ArrayList<>();
    for (Run run : step.runs()) {
      RunReport report = run.inFlight() ? reports.remove(run.target()) : null;
      if (report == null) {
        runs.add(run);
      } else {
        String handle = report.handle() != null ? report.handle() : run.handle();
        runs.add(new Run(run.target(), handle, report.state(), report.message()));
      }
    }
    return s.withEscalation(e.withStep(step.withRuns(runs)));
  }

  /** After a step's quiescence: re-observe, re-plan if something more drastic is needed, else go on. */
  private EnvironmentState afterStep(EnvironmentState s, Escalation e, Level level, Context ctx) {
    Optional<EnvironmentState> replanned = replanned(s, e, e.current() + 1, ctx);
    if (replanned.isPresent()) return replanned.get();
    Escalation next = e.advanced();
    if (next.currentStep() == null) return verify(s.withEscalation(next), ctx);
    return s.withEscalation(next);
  }

  /**
   * Re-plans from a more drastic level when the failures now require one, keeping the first
   * {@code done} steps; flapping failures re-plan nothing. More drastic than the plan's start, not than the current step: failures
   * the plan already covers usually keep failing until its last step ran, and re-planning for them
   * would loop forever.
   */
  private Optional<EnvironmentState> replanned(EnvironmentState s, Escalation e, int done, Context ctx) {
    OptionalInt required = planner.requiredIndex(ctx.in.triggers());
    if (required.isEmpty() || required.getAsInt() >= e.startIndex()) return Optional.empty();
    Plan plan = planner.plan(ctx.in.triggers(), e.floor()).orElseThrow();
    ctx.emit(DomainEvent.Kind.REPLANNED, "Escalation " + e.id() + ": level " + plan.start().name() + " is now required by "
        + describe(plan.trigger()) + "; re-planned: " + plan.describe());
    return Optional.of(s.withEscalation(e.withPlan(plan, e.steps().subList(0, done), plan.start().index(), e.attempt(), e.floor(), false)));
  }

  private EnvironmentState verify(EnvironmentState s, Context ctx) {
    Instant until = ctx.in.now().plus(policy.verifyTimeout());
    return s.withEscalation(s.escalation().verifying(until)).to(Phase.VERIFYING, ctx.in.now());
  }

  private EnvironmentState verifying(EnvironmentState s, Context ctx) {
    Escalation e = s.escalation();
    if (ctx.in.failures().isEmpty()) return converged(s, ctx, "checks pass after the plan ran");
    if (ctx.in.now().isBefore(e.verifyUntil())) {
      ctx.wake(e.verifyUntil());
      return s;
    }
    return attemptFailed(s, ctx, "checks still failing after the plan ran: " + describe(ctx.in.failures()));
  }

  private EnvironmentState converged(EnvironmentState s, Context ctx, String why) {
    Escalation e = s.escalation();
    Instant now = ctx.in.now();
    ctx.emit(DomainEvent.Kind.CONVERGED, "Escalation " + e.id() + " converged after " + e.attemptsTotal() + " attempt(s) in "
        + human(Duration.between(e.startedAt(), now)) + ": " + why);
    return finish(s, EscalationRecord.Outcome.CONVERGED, why, Phase.HEALTHY, now);
  }

  private EnvironmentState finish(EnvironmentState s, EscalationRecord.Outcome outcome, String message, Phase phase, Instant now) {
    Escalation e = s.escalation();
    List<String> steps = e.steps().stream().map(st -> st.level() + ":" + CamelCase.of(st.state())).toList();
    EscalationRecord record = new EscalationRecord(e.id(), outcome, e.startedAt(), now, levelName(e.startIndex()),
        e.attemptsTotal(), e.trigger(), steps, message);
    EnvironmentState out = s.to(phase, now).recorded(record, policy.historyLimit());
    return phase == Phase.EXHAUSTED ? out : out.withEscalation(null);
  }

  private EnvironmentState attemptFailed(EnvironmentState s, Context ctx, String why) {
    Escalation e = s.escalation();
    Instant now = ctx.in.now();
    if (e.attempt() < policy.maxAttempts()) {
      Instant next = now.plus(policy.backoffAfter(e.attempt()));
      ctx.emit(DomainEvent.Kind.ATTEMPT_FAILED, "Escalation " + e.id() + " attempt " + e.attempt() + " at level "
          + levelName(e.startIndex()) + " failed (" + why + "); next attempt at " + next);
      return s.withEscalation(e.backingOff(e.startIndex(), e.attempt() + 1, e.floor(), next)).to(Phase.BACKING_OFF, now);
    }
    int ceiling = policy.ceilingIndex();
    if (e.startIndex() <= ceiling) {
      String message = "Escalation " + e.id() + " exhausted: " + e.attempt() + " attempt(s) at level " + levelName(e.startIndex())
          + " (the ceiling is " + ladder.at(ceiling).name() + ") did not converge; last failure: " + why
          + ". A human is needed: fix and annotate escalator.dev/reset=" + e.id() + ", or change the spec";
      ctx.emit(DomainEvent.Kind.EXHAUSTED, message);
      return finish(s, EscalationRecord.Outcome.EXHAUSTED, why, Phase.EXHAUSTED, now);
    }
    int climbed = e.startIndex() - 1;
    Instant next = now.plus(policy.backoffAfter(1));
    ctx.emit(DomainEvent.Kind.CLIMBED, "Escalation " + e.id() + ": " + e.attempt() + " attempt(s) at level " + levelName(e.startIndex())
        + " failed (" + why + "); climbing to level " + levelName(climbed) + ", next attempt at " + next);
    return s.withEscalation(e.backingOff(climbed, 1, OptionalInt.of(climbed), next)).to(Phase.BACKING_OFF, now);
  }

  private EnvironmentState backingOff(EnvironmentState s, Context ctx) {
    Escalation e = s.escalation();
    if (ctx.in.failures().isEmpty()) return converged(s, ctx, "checks pass again while waiting for the next attempt");
    Instant now = ctx.in.now();
    if (now.isBefore(e.nextAttemptAt())) {
      ctx.wake(e.nextAttemptAt());
      return s;
    }
    Plan plan = planner.plan(ctx.in.failures(), e.floor()).orElseThrow();
    if (ctx.in.dryRun()) return announce(s, plan, ctx);
    ctx.emit(DomainEvent.Kind.ESCALATION_STARTED, "Escalation " + e.id() + " attempt " + e.attempt() + " from level " + plan.start().name()
        + " because " + describe(plan.trigger()) + "; plan: " + plan.describe());
    Escalation next = e.withPlan(plan, List.of(), plan.start().index(), e.attempt(), e.floor(), true);
    return s.withEscalation(next).to(Phase.ESCALATING, now).withProposed(null);
  }

  private EnvironmentState exhausted(EnvironmentState s, Context ctx) {
    Escalation e = s.escalation();
    Instant now = ctx.in.now();
    if (ctx.in.failures().isEmpty()) {
      ctx.emit(DomainEvent.Kind.RECOVERED, "All checks pass again; leaving Exhausted (escalation " + e.id() + ")");
      return s.to(Phase.HEALTHY, now).withEscalation(null);
    }
    if (e.id().equals(ctx.in.reset()) || ctx.in.specChanged()) {
      String why = ctx.in.specChanged() ? "the spec changed" : "reset by annotation";
      ctx.emit(DomainEvent.Kind.RESET, "Escalation " + e.id() + " cleared (" + why + "); watching the checks again");
      return s.to(Phase.HEALTHY, now).withEscalation(null);
    }
    return s;
  }

  private EnvironmentState cancel(EnvironmentState s, Context ctx, String why) {
    ctx.emit(DomainEvent.Kind.CANCELLED, "Escalation " + s.escalation().id() + " cancelled: " + why);
    return finish(s, EscalationRecord.Outcome.CANCELLED, why, Phase.HEALTHY, ctx.in.now());
  }

  /** The name of a level by index; an index past a ladder that shrank under the escalation maps to its gentlest level. */
  private String levelName(int index) {
    return ladder.at(Math.max(1, Math.min(index, ladder.size()))).name();
  }

  private static boolean approved(String id, String level, Inputs in) {
    return in.approvals().contains(id) || in.approvals().contains(id + "/" + level);
  }

  private static String describe(List<Failure> failures) {
    int shown = 5;
    String head = failures.stream().limit(shown).map(Failure::toString).collect(Collectors.joining(", "));
    return failures.size() > shown ? head + " and " + (failures.size() - shown) + " more" : head;
  }

  static String human(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 != 0) return ms + "ms";
    long sec = ms / 1000;
    if (sec < 60 || sec % 60 != 0) return sec + "s";
    long min = sec / 60;
    return min % 60 == 0 ? (min / 60) + "h" : min + "m";
  }
}
