package dev.escalator.operator.metrics;

import dev.escalator.operator.check.CheckVerdict;
import dev.escalator.operator.ladder.DomainEvent;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator's own metrics. Labels are bounded: namespace, environment, check, target (the
 * inventory's size bounds it), level, phase, reason, outcome, action type. Series of an
 * Environment that went away, or of check targets that no longer exist, are removed.
 */
public final class EscalatorMetrics implements AutoCloseable {
  /** Phases status can show; the phase gauge is one-hot over them. */
  static final List<String> PHASES = List.of("Pending", "Healthy", "Quiescing", "Escalating", "PendingApproval", "Verifying",
      "BackingOff", "Exhausted", "Paused", "Observing", "Invalid");
  private static final Set<DomainEvent.Kind> OUTCOMES = Set.of(DomainEvent.Kind.CONVERGED, DomainEvent.Kind.RECOVERED,
      DomainEvent.Kind.EXHAUSTED, DomainEvent.Kind.CANCELLED);

  private final Gauge checkUp;
  private final Gauge phase;
  private final Counter events;
  private final Counter escalations;
  private final Counter actions;
  private final Map<String, Set<List<String>>> checkSeries = new ConcurrentHashMap<>();
  private final CollectorRegistry registry;

  public EscalatorMetrics(CollectorRegistry registry) {
    this.registry = registry;
    checkUp = Gauge.build("escalator_check_up", "1 when the check target is healthy, 0 when failing (absent while unknown).")
        .labelNames("namespace", "environment", "check", "target").register(registry);
    phase = Gauge.build("escalator_environment_phase", "1 for the phase the Environment is in, 0 for the others.")
        .labelNames("namespace", "environment", "phase").register(registry);
    events = Counter.build("escalator_escalation_events_total", "Escalation transitions, by Event reason.")
        .labelNames("namespace", "environment", "reason").register(registry);
    escalations = Counter.build("escalator_escalations_total", "Finished episodes by outcome: Converged, Recovered, Exhausted, Cancelled.")
        .labelNames("namespace", "environment", "outcome").register(registry);
    actions = Counter.build("escalator_actions_total", "Action runs started and finished, by action type and outcome.")
        .labelNames("type", "outcome").register(registry);
  }

  /** Records an Environment's phase and check verdicts after a reconcile. */
  public void environment(String namespace, String name, String currentPhase, List<CheckVerdict> verdicts) {
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

  /** outcome: started, succeeded, failed or error (transient). */
  public void action(String type, String outcome) {
    actions.labels(type, outcome).inc();
  }

  /** Drops every per-Environment series of a deleted Environment. */
  public void forget(String namespace, String name) {
    for (String p : PHASES) phase.remove(namespace, name, p);
    Set<List<String>> before = checkSeries.remove(namespace + "/" + name);
    if (before != null) before.forEach(l -> checkUp.remove(l.toArray(String[]::new)));
  }

  /** Unregisters the collectors, so an operator started again in the same process can register its own. */
  @Override
  public void close() {
    List.of(checkUp, phase, events, escalations, actions).forEach(registry::unregister);
  }
}
