package dev.escalator.operator.reconciler;

import dev.escalator.operator.action.ActionTypes;
import dev.escalator.operator.action.ProviderHealth;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.EnvironmentStatus;
import dev.escalator.operator.check.CheckExpansion;
import dev.escalator.operator.check.CheckScheduler;
import dev.escalator.operator.check.CheckSpecException;
import dev.escalator.operator.check.CheckVerdict;
import dev.escalator.operator.ladder.Decision;
import dev.escalator.operator.ladder.DomainEvent;
import dev.escalator.operator.ladder.EnvironmentState;
import dev.escalator.operator.ladder.EscalationMachine;
import dev.escalator.operator.ladder.Failure;
import dev.escalator.operator.ladder.Gate;
import dev.escalator.operator.ladder.Hold;
import dev.escalator.operator.ladder.StormGuard;
import dev.escalator.operator.ladder.Inputs;
import dev.escalator.operator.ladder.Node;
import dev.escalator.operator.ladder.Phase;
import dev.escalator.operator.ladder.Plan;
import dev.escalator.operator.ladder.Target;
import dev.escalator.operator.metrics.EscalatorMetrics;
import dev.escalator.operator.spec.EnvironmentDirectory;
import dev.escalator.operator.spec.EnvironmentModel;
import dev.escalator.operator.spec.InvalidSpecException;
import dev.escalator.operator.spec.SpecProblem;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles one Environment: a short pipeline of validate, observe (check verdicts), decide (the
 * state machine), carry out (start/poll the current step's runs), record (status, Events), and
 * reschedule at the next deadline. It never waits on a probe or an action.
 */
public class EnvironmentReconciler implements Reconciler<Environment>, Cleaner<Environment> {
  private static final Logger LOG = LoggerFactory.getLogger(EnvironmentReconciler.class);
  /** Decide/act rounds in one reconcile: enough to chain start -> report -> next step with zero quiescence. */
  private static final int MAX_ROUNDS = 8;

  private final CheckScheduler checks;
  private final CheckExpansion expansion;
  private final VerdictEventSource verdictEvents;
  private final StepExecutor executor;
  private final EventRecorder events;
  private final Clock clock;
  private final Duration pollInterval;
  private final EscalatorMetrics metrics;
  private final EnvironmentDirectory directory;
  private final ProviderHealth providers;
  private final StormGuard storm;

  public EnvironmentReconciler(CheckScheduler checks, CheckExpansion expansion, VerdictEventSource verdictEvents, ActionTypes actions,
      EventRecorder events, Clock clock, Duration pollInterval, EscalatorMetrics metrics, EnvironmentDirectory directory, ProviderHealth providers,
      StormGuard storm) {
    this.checks = checks;
    this.storm = storm;
    this.providers = providers;
    this.directory = directory;
    this.expansion = expansion;
    this.verdictEvents = verdictEvents;
    this.executor = new StepExecutor(actions, metrics);
    this.metrics = metrics;
    this.events = events;
    this.clock = clock;
    this.pollInterval = pollInterval;
  }

  /** The event source the check scheduler reports verdict changes to. */
  public static VerdictEventSource newVerdictEventSource() {
    return new VerdictEventSource();
  }

  @Override
  public List<EventSource<?, Environment>> prepareEventSources(EventSourceContext<Environment> context) {
    return List.of(verdictEvents);
  }

  @Override
  public UpdateControl<Environment> reconcile(Environment env, Context<Environment> context) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    String key = VerdictEventSource.key(env);
    EnvironmentModel model;
    List<Node> inventory;
    try {
      model = EnvironmentModel.from(env, expansion::validate);
      directory.put(model.namespace(), model.name(), env.getSpec());
      inventory = model.inventory(Inventory.recorded(env.getStatus()));
      checks.sync(key, expansion.expand(model.name(), model.namespace(), model.checks(), inventory));
    } catch (InvalidSpecException e) {
      return invalid(env, key, e, now, context);
    } catch (CheckSpecException e) {
      return invalid(env, key, new InvalidSpecException(List.of(new SpecProblem(e.field(), e.problem()))), now, context);
    }
    List<CheckVerdict> verdicts = checks.verdicts(key);
    Observed observed = Observed.of(verdicts, model.flapping(), now);

    EscalationMachine machine = new EscalationMachine(model.ladder(), model.policy());
    EnvironmentState state = StateCodec.decode(env.getStatus(), now);
    Inputs inputs = new Inputs(now, observed.failures(), inventory, model.dryRun(), annotationValues(env, Environment.APPROVE_ANNOTATION),
        annotation(env, Environment.RESET_ANNOTATION), specChanged(env), Map.of(), closedGate(model, verdicts),
        tierHolds(model, observed, inventory), observed.flapping());

    List<DomainEvent> emitted = new ArrayList<>();
    List<String> transientErrors = new ArrayList<>();
    Set<Target> polled = new HashSet<>();
    boolean proven = env.getStatus() != null && env.getStatus().firstHealthyTime != null;
    Decision decision = storm.decide(model.namespace(), model.name(), proven, machine, state, inputs);
    emitted.addAll(decision.events());
    for (int round = 0; round < MAX_ROUNDS; round++) {
      StepExecutor.Outcome outcome = executor.execute(env, model, decision, inventory, polled);
      transientErrors.addAll(outcome.transientErrors());
      if (!outcome.nodes().isEmpty()) {
        List<Node> updated = model.inventory(Inventory.merge(inventory, outcome.nodes()));
        if (!updated.equals(inventory)) {
          inventory = updated;
          inputs = inputs.withInventory(inventory).withHolds(tierHolds(model, observed, inventory));
          checks.sync(key, expansion.expand(model.name(), model.namespace(), model.checks(), inventory));
        }
      }
      if (outcome.reports().isEmpty()) break;
      decision = storm.decide(model.namespace(), model.name(), proven, machine, decision.state(), inputs.withReports(outcome.reports()));
      emitted.addAll(decision.events());
    }

    // Shown once the machine announced it (quiescence elapsed); its summary is what the machine compares to announce once.
    Optional<Plan> proposed = model.dryRun() && decision.state().proposed() != null ? machine.planner().plan(observed.failures()) : Optional.empty();
    EnvironmentStatus status = StatusBuilder.build(env, model, decision, verdicts, inventory, proposed, transientErrors,
        providers.endpoints(model.namespace(), model.name()), now);
    // Written before the Events are told: a write refused for a conflict is retried from fresh state
    // and must not leave Events of a decision that was never recorded.
    writeStatus(env, status, context);
    emitted.forEach(e -> record(env, e));
    metrics.environment(model.namespace(), model.name(), status.phase, verdicts);
    metrics.decided(model.namespace(), model.name(), model.ladder(), state, decision.state());
    metrics.held(model.namespace(), model.name(), decision.held());
    metrics.storm(storm.snapshot());

    Duration delay = nextReconcile(decision, transientErrors, observed.flappingUntil(), now);
    UpdateControl<Environment> control = UpdateControl.noUpdate();
    return delay == null ? control : control.rescheduleAfter(delay);
  }

  /** The environment's own storm guard (the operator-wide ones are added by the StormGuard's decide). */
  private static List<Hold> tierHolds(EnvironmentModel model, Observed observed, List<Node> inventory) {
    return model.tierShare().hold(observed.failures(), inventory).stream().toList();
  }

  /**
   * The most drastic gate check not passing on some target (failing, or no result: a gate opens
   * only on evidence), or null.
   */
  static Gate closedGate(EnvironmentModel model, List<CheckVerdict> verdicts) {
    Gate closed = null;
    for (var check : model.checks()) {
      if (!check.gate) continue;
      int index = model.ladder().find(check.escalatesTo).map(l -> l.index()).orElse(1);
      List<CheckVerdict> own = verdicts.stream().filter(v -> v.check().equals(check.name)).toList();
      String why = own.isEmpty() ? "no result yet" : own.stream().filter(v -> !Boolean.TRUE.equals(v.healthy()))
          .map(v -> v.target().key() + ": " + (v.message() == null ? "no result yet" : v.message())).findFirst().orElse(null);
      if (why != null && (closed == null || index < closed.levelIndex())) closed = new Gate(check.name, index, why);
    }
    return closed;
  }

  private UpdateControl<Environment> invalid(Environment env, String key, InvalidSpecException e, Instant now, Context<Environment> context) {
    // Stop probing a spec we cannot trust, and never act on it; what was recorded in status is kept.
    checks.remove(key);
    directory.remove(env.getMetadata().getNamespace(), env.getMetadata().getName());
    storm.forget(env.getMetadata().getNamespace(), env.getMetadata().getName());
    metrics.environment(env.getMetadata().getNamespace(), env.getMetadata().getName(), "Invalid", List.of());
    EnvironmentStatus status = StatusBuilder.invalid(env, e.problems(), now);
    if (unchanged(env.getStatus(), status)) return UpdateControl.noUpdate();
    boolean wasInvalid = env.getStatus() != null && "Invalid".equals(env.getStatus().phase);
    writeStatus(env, status, context);
    if (!wasInvalid || !Objects.equals(validMessage(env.getStatus()), e.getMessage())) {
      events.warning(env, "InvalidSpec", e.getMessage());
    }
    return UpdateControl.noUpdate();
  }

  private static String validMessage(EnvironmentStatus status) {
    if (status == null || status.conditions == null) return null;
    return status.conditions.stream().filter(c -> Conditions.VALID.equals(c.getType())).map(c -> c.getMessage()).findFirst().orElse(null);
  }

  @Override
  public DeleteControl cleanup(Environment env, Context<Environment> context) {
    checks.remove(VerdictEventSource.key(env));
    directory.remove(env.getMetadata().getNamespace(), env.getMetadata().getName());
    storm.forget(env.getMetadata().getNamespace(), env.getMetadata().getName());
    metrics.forget(env.getMetadata().getNamespace(), env.getMetadata().getName());
    return DeleteControl.defaultDelete();
  }

  private void record(Environment env, DomainEvent e) {
    metrics.event(env.getMetadata().getNamespace(), env.getMetadata().getName(), e);
    if (e.kind().warning()) events.warning(env, e.kind().reason(), e.message());
    else events.normal(env, e.kind().reason(), e.message());
  }

  /**
   * The earliest of: the machine's own deadline, the next poll of runs in flight, a retry after a
   * transient error, a look at a hold that lifts without this environment's checks changing (other
   * environments' escalations end, or they recover), the moment flapping checks count as steady.
   */
  private Duration nextReconcile(Decision decision, List<String> transientErrors, Optional<Instant> flappingUntil, Instant now) {
    Duration delay = decision.wakeAt().map(at -> Duration.between(now, at)).orElse(null);
    if (flappingUntil.isPresent()) delay = min(delay, Duration.between(now, flappingUntil.get()));
    boolean inFlight = decision.state().phase() == Phase.ESCALATING && !decision.runsToPoll().isEmpty();
    boolean heldByOthers = decision.held() != null && (decision.held().kind() == Hold.Kind.CONCURRENCY || decision.held().kind() == Hold.Kind.MELTDOWN);
    if (inFlight || heldByOthers || !transientErrors.isEmpty() || !decision.runsToStart().isEmpty()) delay = min(delay, pollInterval);
    if (delay != null && delay.compareTo(Duration.ofMillis(50)) < 0) delay = Duration.ofMillis(50);
    return delay;
  }

  private static Duration min(Duration a, Duration b) {
    return a == null || b.compareTo(a) < 0 ? b : a;
  }

  private static boolean specChanged(Environment env) {
    EnvironmentStatus s = env.getStatus();
    return s != null && s.observedGeneration != null && !s.observedGeneration.equals(env.getMetadata().getGeneration());
  }

  private static String annotation(Environment env, String name) {
    Map<String, String> a = env.getMetadata().getAnnotations();
    return a == null ? null : a.get(name);
  }

  /** Annotation values may list several, comma-separated. */
  private static Set<String> annotationValues(Environment env, String name) {
    String value = annotation(env, name);
    if (value == null || value.isBlank()) return Set.of();
    Set<String> out = new HashSet<>();
    for (String v : value.split(",")) if (!v.isBlank()) out.add(v.trim());
    return out;
  }

  /** Status compared as JSON: the model classes have no equals, and JSON is what would be written. */
  private static boolean unchanged(EnvironmentStatus before, EnvironmentStatus after) {
    return before != null && Serialization.asJson(before).equals(Serialization.asJson(after));
  }

  /**
   * Patches status (a JSON Patch on the status subresource, no server-side apply) under optimistic
   * locking on the resourceVersion this reconcile read, and puts the result in JOSDK's cache. Without
   * both, a reconcile that ran before the informer saw the previous write would decide from stale
   * status and overwrite it: an escalation started twice, a finished step run again. A conflict
   * throws, and JOSDK reconciles again from the current resource. Unchanged status is not written.
   */
  private static void writeStatus(Environment env, EnvironmentStatus status, Context<Environment> context) {
    if (unchanged(env.getStatus(), status)) return;
    PrimaryUpdateAndCacheUtils.patchStatusAndCacheResource(env, context, copy -> {
      copy.setStatus(status);
      return copy;
    });
  }

}
