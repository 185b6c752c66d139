package dev.escalator.operator.reconciler;

import dev.escalator.operator.action.ProviderHealth;
import dev.escalator.operator.api.CheckResultStatus;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.EnvironmentStatus;
import dev.escalator.operator.api.NodeStatus;
import dev.escalator.operator.api.ProviderStatus;
import dev.escalator.operator.check.CheckVerdict;
import dev.escalator.operator.ladder.CamelCase;
import dev.escalator.operator.ladder.Decision;
import dev.escalator.operator.ladder.EnvironmentState;
import dev.escalator.operator.ladder.Flapping;
import dev.escalator.operator.ladder.Hold;
import dev.escalator.operator.ladder.EscalationRecord;
import dev.escalator.operator.ladder.Phase;
import dev.escalator.operator.ladder.Plan;
import dev.escalator.operator.ladder.Step;
import dev.escalator.operator.ladder.StepState;
import dev.escalator.operator.ladder.Node;
import dev.escalator.operator.spec.Durations;
import dev.escalator.operator.spec.EnvironmentModel;
import dev.escalator.operator.spec.SpecProblem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Builds the whole status as a fresh object from what the reconcile observed and decided. The
 * human-facing {@code phase} is derived here, and only here, from the conditions and the state.
 */
final class StatusBuilder {
  /** Check targets listed in status at most (failing first); the count in healthyChecks covers all. */
  static final int MAX_CHECK_RESULTS = 300;

  private StatusBuilder() {}

  static EnvironmentStatus build(Environment env, EnvironmentModel model, Decision decision, List<CheckVerdict> verdicts,
      List<Node> inventory, Optional<Plan> proposed, List<String> transientErrors, List<ProviderHealth.Endpoint> providers, Instant now) {
    EnvironmentState state = decision.state();
    EnvironmentStatus previous = env.getStatus();
    EnvironmentStatus s = new EnvironmentStatus();
    long generation = generation(env);
    s.observedGeneration = generation;
    StateCodec.encode(state, s, model.ladder());
    s.checks = checkResults(verdicts, model.flapping(), now);
    s.healthyChecks = verdicts.stream().filter(v -> Boolean.TRUE.equals(v.healthy())).count() + "/" + verdicts.size();
    s.inventory = new ArrayList<>(inventory.stream().map(StatusBuilder::node).toList());
    s.proposedPlan = proposed.map(StateCodec::encode).orElse(null);
    s.providers = new ArrayList<>(providers.stream().map(p -> new ProviderStatus(p.type(), p.endpoint(), p.circuit())).toList());
    s.lastEscalationTime = lastEscalation(state);
    Step step = state.escalation() == null ? null : state.escalation().currentStep();
    boolean inFlight = state.phase() != Phase.HEALTHY && state.phase() != Phase.EXHAUSTED;
    s.level = inFlight && step != null ? step.level() : null;

    long failing = verdicts.stream().filter(v -> Boolean.FALSE.equals(v.healthy())).count();
    long unknown = verdicts.stream().filter(v -> v.healthy() == null).count();
    Conditions c = new Conditions(previous == null ? null : previous.conditions, generation, now);
    c.set(Conditions.VALID, true, "Valid", "The spec is valid");
    if (failing > 0) {
      c.set(Conditions.READY, false, "ChecksFailing", failing + " of " + verdicts.size() + " check targets failing: " + failingList(verdicts));
    } else if (unknown > 0) {
      c.set(Conditions.READY, "Unknown", "ChecksPending", unknown + " of " + verdicts.size() + " check targets have no result yet");
    } else {
      c.set(Conditions.READY, true, "ChecksPassing", "All " + verdicts.size() + " check targets pass");
    }
    s.firstHealthyTime = previous != null && previous.firstHealthyTime != null ? previous.firstHealthyTime
        : failing == 0 && unknown == 0 && !verdicts.isEmpty() ? StateCodec.time(now) : null;
    String errors = transientErrors.isEmpty() ? "" : "; retrying after: " + String.join("; ", transientErrors);
    switch (state.phase()) {
      case HEALTHY, EXHAUSTED -> c.set(Conditions.ESCALATING, false, "Idle", "No escalation in progress");
      case QUIESCING -> c.set(Conditions.ESCALATING, true, "Quiescing", "Failures seen since " + state.since() + "; waiting " + Durations.format(model.policy().quiescence()) + " before acting" + errors);
      case ESCALATING -> {
        boolean awaiting = step != null && step.state() == StepState.AWAITING_APPROVAL;
        c.set(Conditions.ESCALATING, true, awaiting ? "AwaitingApproval" : "Running", escalationMessage(state, step) + errors);
      }
      case VERIFYING -> c.set(Conditions.ESCALATING, true, "Verifying", "Escalation " + state.escalation().id() + " ran its plan; waiting for the checks to pass" + errors);
      case BACKING_OFF -> c.set(Conditions.ESCALATING, true, "BackingOff", "Escalation " + state.escalation().id() + " attempt " + state.escalation().attempt() + " at " + s.escalation.startLevel + " next at " + state.escalation().nextAttemptAt() + errors);
    }
    if (state.phase() == Phase.EXHAUSTED) {
      String last = state.history().isEmpty() ? "" : state.history().get(0).message();
      c.set(Conditions.EXHAUSTED, true, "AttemptsExhausted", "Escalation " + state.escalation().id() + " could not converge (" + last
          + "). A human is needed: fix the cause, then annotate escalator.dev/reset=" + state.escalation().id() + " or change the spec");
    } else {
      c.set(Conditions.EXHAUSTED, false, "NotExhausted", "The ladder may act");
    }
    if (model.paused()) c.set(Conditions.ACTING, false, "Paused", "spec.paused is true: checks run, no new action starts");
    else if (model.dryRun()) c.set(Conditions.ACTING, false, "ObserveMode", "spec.mode is Observe: the plan is shown, no action runs");
    else c.set(Conditions.ACTING, true, "Act", "The operator runs the ladder");
    Hold held = decision.held();
    if (held != null) c.set(Conditions.HELD, true, held.kind().reason(), held.why());
    else c.set(Conditions.HELD, false, "NotHeld", "No storm guard holds this environment");
    s.conditions = c.build();
    s.phase = phase(s, state, model, step, held, unknown > 0 && failing == 0);
    return s;
  }

  /** Status of an Environment that cannot be acted on: the problems, and nothing else touched. */
  static EnvironmentStatus invalid(Environment env, List<SpecProblem> problems, Instant now) {
    EnvironmentStatus previous = env.getStatus();
    EnvironmentStatus s = previous == null ? new EnvironmentStatus() : copy(previous);
    long generation = generation(env);
    s.observedGeneration = generation;
    String message = problems.stream().map(SpecProblem::toString).collect(Collectors.joining("; "));
    List<io.fabric8.kubernetes.api.model.Condition> others = previous == null || previous.conditions == null ? List.of()
        : previous.conditions.stream().filter(c -> !Conditions.VALID.equals(c.getType())).toList();
    Conditions c = new Conditions(previous == null ? null : previous.conditions, generation, now);
    c.set(Conditions.VALID, false, "Invalid", message);
    List<io.fabric8.kubernetes.api.model.Condition> all = new ArrayList<>(c.build());
    all.addAll(others);
    s.conditions = all;
    s.phase = "Invalid";
    return s;
  }

  private static EnvironmentStatus copy(EnvironmentStatus status) {
    return io.fabric8.kubernetes.client.utils.Serialization.clone(status);
  }

  /** The one place where the human-facing phase is derived. */
  private static String phase(EnvironmentStatus s, EnvironmentState state, EnvironmentModel model, Step step, Hold held, boolean pending) {
    if (state.phase() == Phase.EXHAUSTED) return "Exhausted";
    if (model.paused()) return "Paused";
    if (model.dryRun() && state.phase() != Phase.HEALTHY) return "Observing";
    if (held != null) return "Held";
    if (state.phase() == Phase.ESCALATING && step != null && step.state() == StepState.AWAITING_APPROVAL) return "PendingApproval";
    if (state.phase() == Phase.HEALTHY && pending) return "Pending";
    return CamelCase.of(state.phase());
  }

  private static String escalationMessage(EnvironmentState state, Step step) {
    var e = state.escalation();
    String at = step == null ? "" : "; at level " + step.level() + " (" + CamelCase.of(step.state()) + ")";
    return "Escalation " + e.id() + " attempt " + e.attempt() + at;
  }

  private static List<CheckResultStatus> checkResults(List<CheckVerdict> verdicts, Flapping damping, Instant now) {
    return new ArrayList<>(verdicts.stream()
        .sorted(Comparator.comparing((CheckVerdict v) -> !Boolean.FALSE.equals(v.healthy())))
        .limit(MAX_CHECK_RESULTS)
        .sorted(Comparator.comparing(CheckVerdict::check).thenComparing(v -> v.target().key()))
        .map(v -> {
          CheckResultStatus r = new CheckResultStatus();
          r.name = v.check();
          r.target = v.target().key();
          r.healthy = v.healthy();
          r.level = v.level();
          r.message = v.message() == null ? null : Conditions.truncate(v.message());
          r.lastTransitionTime = StateCodec.time(v.lastTransitionTime());
          r.flapping = damping.until(v.changes(), now).isPresent() ? Boolean.TRUE : null;
          return r;
        }).toList());
  }

  private static String failingList(List<CheckVerdict> verdicts) {
    List<String> names = verdicts.stream().filter(v -> Boolean.FALSE.equals(v.healthy())).map(v -> v.check() + " on " + v.target().key()).toList();
    return names.size() <= 5 ? String.join(", ", names) : String.join(", ", names.subList(0, 5)) + " and " + (names.size() - 5) + " more";
  }

  private static String lastEscalation(EnvironmentState state) {
    if (state.escalation() != null) return StateCodec.time(state.escalation().startedAt());
    return state.history().stream().filter(r -> r.id() != null).findFirst().map(EscalationRecord::startedAt).map(StateCodec::time).orElse(null);
  }

  private static NodeStatus node(Node n) {
    NodeStatus s = new NodeStatus();
    s.name = n.name();
    s.tier = n.tier();
    s.address = n.address();
    s.providerId = n.providerId();
    return s;
  }

  private static long generation(Environment env) {
    Long g = env.getMetadata().getGeneration();
    return g == null ? 0 : g;
  }
}
