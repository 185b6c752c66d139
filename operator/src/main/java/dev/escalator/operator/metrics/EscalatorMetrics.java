package dev.escalator.operator.metrics;

import dev.escalator.operator.check.CheckVerdict;
import dev.escalator.operator.ladder.DomainEvent;
import dev.escalator.operator.ladder.Hold;
import dev.escalator.operator.ladder.StormGuard;
import dev.escalator.operator.ladder.EnvironmentState;
import dev.escalator.operator.ladder.Escalation;
import dev.escalator.operator.ladder.EscalationRecord;
import dev.escalator.operator.ladder.Ladder;
import dev.escalator.operator.ladder.Level;
import dev.escalator.operator.ladder.Step;
import dev.escalator.operator.ladder.StepState;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator's own metrics. Labels are bounded: namespace, environment, check, target (the
 * inventory's size bounds it), level, phase, reason, outcome, action or check type, provider and
 * endpoint. Series of an Environment that went away, or of check targets that no longer exist, are
 * removed. The duration histograms carry the namespace but not the environment: a histogram costs a
 * dozen series per label set, and per-environment detail is in status and Events.
 */
public final class EscalatorMetrics implements AutoCloseable {
  /** Phases status can show; the phase gauge is one-hot over them. */
  static final List<String> PHASES = List.of("Pending", "Healthy", "Quiescing", "Escalating", "PendingApproval", "Verifying",
      "BackingOff", "Held", "Exhausted", "Paused", "Observing", "Invalid");
  /** Outcomes of an episode, as Event reasons name them; the counter starts at 0 for each. */
  static final List<String> EPISODE_OUTCOMES = List.of("Converged", "Recovered", "Exhausted", "Cancelled");
  private static final Set<DomainEvent.Kind> OUTCOMES = Set.of(DomainEvent.Kind.CONVERGED, DomainEvent.Kind.RECOVERED,
      DomainEvent.Kind.EXHAUSTED, DomainEvent.Kind.CANCELLED);
  /** Value of {@code escalator_environment_level}'s level label while nothing escalates. */
  static final String NO_LEVEL = "none";

  /** Circuit-breaker states as {@code escalator_provider_circuit_state} reports them. */
  public enum CircuitState {
    CLOSED(0),
    HALF_OPEN(1),
    OPEN(2);

    private final int value;

    CircuitState(int value) {
      this.value = value;
    }

    public int value() {
      return value;
    }

    /**
     * Reads a state name in any case, with {@code -} or {@code _}: Resilience4j's names map here, its
     * DISABLED and METRICS_ONLY (calls pass) to CLOSED and FORCED_OPEN to OPEN.
     */
    public static CircuitState parse(String state) {
      Objects.requireNonNull(state, "state");
      return switch (state.trim().toUpperCase(Locale.ROOT).replace('-', '_')) {
        case "CLOSED", "DISABLED", "METRICS_ONLY" -> CLOSED;
        case "HALF_OPEN" -> HALF_OPEN;
        case "OPEN", "FORCED_OPEN" -> OPEN;
        default -> throw new IllegalArgumentException("unknown circuit state '" + state + "' (closed, half-open or open)");
      };
    }
  }

  private final Gauge checkUp;
  private final Gauge phase;
  private final Gauge level;
  private final Counter events;
  private final Counter escalations;
  private final Counter actions;
  private final Histogram probeDuration;
  private final Histogram stepDuration;
  private final Histogram escalationDuration;
  private final Gauge circuit;
  private final Gauge held;
  private final Gauge stormInFlight;
  private final Gauge stormEnvironments;
  private final Gauge meltdown;
  private final Map<String, Set<List<String>>> checkSeries = new ConcurrentHashMap<>();
  private final Map<String, String> levelSeries = new ConcurrentHashMap<>();
  private final CollectorRegistry registry;
  private final List<Collector> collectors;

  public EscalatorMetrics(CollectorRegistry registry) {
    this.registry = registry;
    checkUp = Gauge.build("escalator_check_up", "1 when the check target is healthy, 0 when failing (absent while unknown).")
        .labelNames("namespace", "environment", "check", "target").register(registry);
    phase = Gauge.build("escalator_environment_phase", "1 for the phase the Environment is in, 0 for the others.")
        .labelNames("namespace", "environment", "phase").register(registry);
    level = Gauge.build("escalator_environment_level",
            "Ladder index (1 = most drastic) of the level the Environment's escalation is at, named by the level label; 0 and level=\"none\" when none.")
        .labelNames("namespace", "environment", "level").register(registry);
    events = Counter.build("escalator_escalation_events_total", "Escalation transitions, by Event reason.")
        .labelNames("namespace", "environment", "reason").register(registry);
    escalations = Counter.build("escalator_escalations_total", "Finished episodes by outcome: Converged, Recovered, Exhausted, Cancelled.")
        .labelNames("namespace", "environment", "outcome").register(registry);
    actions = Counter.build("escalator_actions_total", "Action runs started and finished, by action type and outcome.")
        .labelNames("type", "outcome").register(registry);
    probeDuration = Histogram.build("escalator_probe_duration_seconds", "Time one probe took, by check type and outcome (pass, fail, error).")
        .labelNames("type", "outcome")
        .buckets(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
        .register(registry);
    stepDuration = Histogram.build("escalator_step_duration_seconds",
            "Time a level's action took, from start to done, by level and outcome (Succeeded, Failed, TimedOut, Skipped); the settling time after it is not included.")
        .labelNames("namespace", "level", "outcome")
        .buckets(0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200)
        .register(registry);
    escalationDuration = Histogram.build("escalator_escalation_duration_seconds",
            "Time from the start of an episode to its end, by the level it started at (\"none\" for a recovery without action) and outcome; its _count is the number of episodes by level and outcome.")
        .labelNames("namespace", "level", "outcome")
        .buckets(1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400)
        .register(registry);
    circuit = Gauge.build("escalator_provider_circuit_state",
            "State of a provider's circuit breaker for one endpoint: 0 closed, 1 half-open, 2 open (calls are refused).")
        .labelNames("provider", "endpoint").register(registry);
    held = Gauge.build("escalator_environment_held", "1 for the storm guard or flap damping that holds the Environment's new work back, by reason.")
        .labelNames("namespace", "environment", "reason").register(registry);
    stormInFlight = Gauge.build("escalator_escalations_in_flight", "Escalations holding a slot of the operator's concurrency cap.").register(registry);
    stormEnvironments = Gauge.build("escalator_environments", "Valid Environments the storm guard knows, by whether their checks fail.")
        .labelNames("state").register(registry);
    meltdown = Gauge.build("escalator_meltdown_hold", "1 while more than the configured share of Environments fail at once and every escalation is held.")
        .register(registry);
    collectors = List.of(checkUp, phase, level, events, escalations, actions, probeDuration, stepDuration, escalationDuration, circuit, held,
        stormInFlight, stormEnvironments, meltdown);
  }

  /** Records an Environment's phase and check verdicts after a reconcile. */
  public void environment(String namespace, String name, String currentPhase, List<CheckVerdict> verdicts) {
    // Counters start at 0, so that increase() sees the first episode of each outcome too.
    if (!checkSeries.containsKey(namespace + "/" + name)) {
      for (String outcome : EPISODE_OUTCOMES) escalations.labels(namespace, name, outcome);
      if (!levelSeries.containsKey(namespace + "/" + name)) setLevel(namespace, name, NO_LEVEL, 0);
    }
    for (String p : PHASES) phase.labels(namespace, name, p).set(p.equals(currentPhase) ? 1 : 0);
    Set<List<String>> now = ConcurrentHashMap.newKeySet();
    for (CheckVerdict v : verdicts) {
      List<String> labels = List.of(namespace, name, v.check(), v.target().key());
      if (v.healthy() == null) continue;
      checkUp.labels(labels.toArray(String[]::new)).set(v.healthy() ? 1 : 0);
      now.add(labels);
    }
    Set<List<String>> before = checkSeries.put(namespace + "/" + name, now);
    if (before != null) before.stream().filter(l -> !now.contains(l)).forEach(l -> checkUp.remove(l.toArray(String[]::new)));
  }

  public void event(String namespace, String name, DomainEvent event) {
    events.labels(namespace, name, event.kind().reason()).inc();
    if (OUTCOMES.contains(event.kind())) escalations.labels(namespace, name, event.kind().reason()).inc();
  }

  /**
   * Records what one reconcile's decisions changed, comparing the state read from status with the
   * state about to be written: the duration of every step whose action finished in between, of
   * every episode that ended in between, and the level the escalation is now at.
   */
  public void decided(String namespace, String name, Ladder ladder, EnvironmentState before, EnvironmentState after) {
    Escalation was = before == null ? null : before.escalation();
    Escalation now = after.escalation();
    if (now != null) {
      for (int i = 0; i < now.steps().size(); i++) {
        Step step = now.steps().get(i);
        if (step.startedAt() == null || step.finishedAt() == null) continue;
        if (finishedBefore(was, now.id(), i, step)) continue;
        stepDuration.labels(namespace, step.level(), stepOutcome(step.state()))
            .observe(seconds(step.startedAt(), step.finishedAt()));
      }
    }
    Set<List<Object>> known = new HashSet<>();
    if (before != null) before.history().forEach(r -> known.add(key(r)));
    for (EscalationRecord r : after.history()) {
      if (known.contains(key(r))) continue;
      String outcome = outcomeName(r.outcome());
      escalationDuration.labels(namespace, r.startLevel() == null ? NO_LEVEL : r.startLevel(), outcome)
          .observe(seconds(r.startedAt(), r.finishedAt()));
    }
    Level at = now == null ? null : currentLevel(ladder, now);
    setLevel(namespace, name, at == null ? NO_LEVEL : at.name(), at == null ? 0 : at.index());
  }

  /** The level the escalation's current step is at or, past its last step, the level it started at. */
  private static Level currentLevel(Ladder ladder, Escalation e) {
    Step step = e.currentStep();
    if (step != null) return ladder.find(step.level()).orElse(null);
    return e.startIndex() >= 1 && e.startIndex() <= ladder.size() ? ladder.at(e.startIndex()) : null;
  }

  private void setLevel(String namespace, String name, String levelName, int index) {
    String previous = levelSeries.put(namespace + "/" + name, levelName);
    if (previous != null && !previous.equals(levelName)) level.remove(namespace, name, previous);
    level.labels(namespace, name, levelName).set(index);
  }

  private static boolean finishedBefore(Escalation was, String id, int index, Step step) {
    if (was == null || !was.id().equals(id) || index >= was.steps().size()) return false;
    Step old = was.steps().get(index);
    return old.finishedAt() != null && old.level().equals(step.level()) && Objects.equals(old.startedAt(), step.startedAt());
  }

  private static String stepOutcome(StepState state) {
    return switch (state) {
      case FAILED -> "Failed";
      case TIMED_OUT -> "TimedOut";
      case SKIPPED -> "Skipped";
      default -> "Succeeded"; // SETTLING or SUCCEEDED: the action is done and succeeded
    };
  }

  private static String outcomeName(EscalationRecord.Outcome outcome) {
    return switch (outcome) {
      case CONVERGED -> "Converged";
      case RECOVERED -> "Recovered";
      case EXHAUSTED -> "Exhausted";
      case CANCELLED -> "Cancelled";
    };
  }

  private static List<Object> key(EscalationRecord r) {
    return Arrays.asList(r.id(), r.outcome(), r.startedAt(), r.finishedAt());
  }

  private static double seconds(Instant from, Instant to) {
    return Math.max(0, Duration.between(from, to).toNanos() / 1e9);
  }

  /** outcome: started, succeeded, failed or error (transient). */
  public void action(String type, String outcome) {
    actions.labels(type, outcome).inc();
  }

  /** One probe of a check type took {@code seconds}; outcome is pass, fail or error. */
  public void probe(String type, String outcome, double seconds) {
    probeDuration.labels(type, outcome).observe(seconds);
  }

  /**
   * Reports the state of a provider's circuit breaker for one endpoint: what providers that guard
   * their API calls with a circuit breaker call on every state transition (and once when the breaker
   * is created). {@code provider} is the provider's short name ({@code openstack}), {@code endpoint}
   * a bounded name of the guarded API ({@code compute}, {@code network}, a region-qualified service
   * name; never a URL with ids in it). {@code state} is {@code closed}, {@code half-open} or {@code
   * open} in any case (Resilience4j's state names are accepted as they are).
   *
   * @throws IllegalArgumentException on an unknown state name
   */
  public void circuitState(String provider, String endpoint, String state) {
    circuit.labels(provider, endpoint).set(CircuitState.parse(state).value());
  }

  /**
   * Follows every circuit breaker of a Resilience4j registry, present and future, reporting each as
   * {@code escalator_provider_circuit_state{provider, endpoint=<breaker name>}}: one call where a
   * provider builds its registry.
   */
  public void circuitBreakers(String provider, CircuitBreakerRegistry breakers) {
    breakers.getAllCircuitBreakers().forEach(cb -> follow(provider, cb));
    breakers.getEventPublisher().onEntryAdded(e -> follow(provider, e.getAddedEntry()));
    breakers.getEventPublisher().onEntryReplaced(e -> follow(provider, e.getNewEntry()));
  }

  private void follow(String provider, CircuitBreaker cb) {
    circuitState(provider, cb.getName(), cb.getState().name());
    cb.getEventPublisher().onStateTransition(e -> circuitState(provider, cb.getName(), e.getStateTransition().getToState().name()));
  }

  /** Which hold, if any, keeps the Environment's new work back now (null: none). */
  public void held(String namespace, String name, Hold hold) {
    for (Hold.Kind kind : Hold.Kind.values()) held.labels(namespace, name, kind.reason()).set(hold != null && hold.kind() == kind ? 1 : 0);
  }

  /** The operator-wide storm guard's view after a decision. */
  public void storm(StormGuard.Snapshot snapshot) {
    stormInFlight.set(snapshot.inFlight());
    stormEnvironments.labels("failing").set(snapshot.failing());
    stormEnvironments.labels("passing").set(snapshot.environments() - snapshot.failing());
    meltdown.set(snapshot.meltdown() ? 1 : 0);
  }

  /** Drops every per-Environment series of a deleted Environment. */
  public void forget(String namespace, String name) {
    for (String p : PHASES) phase.remove(namespace, name, p);
    for (Hold.Kind kind : Hold.Kind.values()) held.remove(namespace, name, kind.reason());
    Set<List<String>> before = checkSeries.remove(namespace + "/" + name);
    if (before != null) before.forEach(l -> checkUp.remove(l.toArray(String[]::new)));
    for (String outcome : EPISODE_OUTCOMES) escalations.remove(namespace, name, outcome);
    for (DomainEvent.Kind kind : DomainEvent.Kind.values()) events.remove(namespace, name, kind.reason());
    String levelName = levelSeries.remove(namespace + "/" + name);
    if (levelName != null) level.remove(namespace, name, levelName);
  }

  /** Unregisters the collectors, so an operator started again in the same process can register its own. */
  @Override
  public void close() {
    collectors.forEach(registry::unregister);
  }
}
