package dev.escalator.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.escalator.operator.check.CheckTypes;
import dev.escalator.operator.check.ProbeResult;
import dev.escalator.operator.ladder.EnvironmentState;
import dev.escalator.operator.ladder.Escalation;
import dev.escalator.operator.ladder.EscalationRecord;
import dev.escalator.operator.ladder.Ladder;
import dev.escalator.operator.ladder.Level;
import dev.escalator.operator.ladder.Phase;
import dev.escalator.operator.ladder.Scope;
import dev.escalator.operator.ladder.Selector;
import dev.escalator.operator.ladder.Step;
import dev.escalator.operator.ladder.StepState;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.prometheus.client.CollectorRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The metrics derived from decisions (durations, level), probes and circuit breakers. */
class EscalatorMetricsDecisionTest {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final Ladder LADDER = new Ladder(List.of(
      new Level(1, "rebuild", Scope.ENVIRONMENT, Duration.ZERO, Duration.ofMinutes(30), true),
      new Level(2, "restart", Scope.ENVIRONMENT, Duration.ZERO, Duration.ofMinutes(5), false),
      new Level(3, "redeploy", Scope.ENVIRONMENT, Duration.ZERO, Duration.ofMinutes(5), false)));

  private final CollectorRegistry registry = new CollectorRegistry();
  private final EscalatorMetrics metrics = new EscalatorMetrics(registry);

  private static Step step(String level, StepState state, Instant started, Instant finished) {
    return new Step(level, Selector.ALL, state, started, finished, null, List.of(), null);
  }

  private static EnvironmentState escalating(int current, Step... steps) {
    Escalation e = new Escalation("e1", T0, List.of(), 2, 1, OptionalInt.empty(), List.of(steps), current, null, null, 1);
    return new EnvironmentState(Phase.ESCALATING, T0, 1, e, List.of(), null);
  }

  private Double stepCount(String level, String outcome) {
    return registry.getSampleValue("escalator_step_duration_seconds_count", new String[] {"namespace", "level", "outcome"},
        new String[] {"ns", level, outcome});
  }

  private Double stepSum(String level, String outcome) {
    return registry.getSampleValue("escalator_step_duration_seconds_sum", new String[] {"namespace", "level", "outcome"},
        new String[] {"ns", level, outcome});
  }

  private Double level(String name) {
    return registry.getSampleValue("escalator_environment_level", new String[] {"namespace", "environment", "level"},
        new String[] {"ns", "shop", name});
  }

  @Test
  void aStepIsObservedOnceWhenItsActionFinishes() {
    EnvironmentState running = escalating(0, step("restart", StepState.RUNNING, T0, null), step("redeploy", StepState.PENDING, null, null));
    EnvironmentState settling = escalating(0, step("restart", StepState.SETTLING, T0, T0.plusSeconds(12)),
        step("redeploy", StepState.PENDING, null, null));
    EnvironmentState next = escalating(1, step("restart", StepState.SUCCEEDED, T0, T0.plusSeconds(12)),
        step("redeploy", StepState.RUNNING, T0.plusSeconds(20), null));

    metrics.decided("ns", "shop", LADDER, null, running);
    assertThat(stepCount("restart", "Succeeded")).isNull();
    assertThat(level("restart")).isEqualTo(2.0);

    metrics.decided("ns", "shop", LADDER, running, settling);
    assertThat(stepCount("restart", "Succeeded")).isEqualTo(1.0);
    assertThat(stepSum("restart", "Succeeded")).isEqualTo(12.0);

    metrics.decided("ns", "shop", LADDER, settling, next);
    metrics.decided("ns", "shop", LADDER, next, next);
    assertThat(stepCount("restart", "Succeeded")).as("settled, then unchanged: not observed again").isEqualTo(1.0);
    assertThat(level("redeploy")).isEqualTo(3.0);
    assertThat(level("restart")).as("the previous level's series is removed").isNull();
  }

  @Test
  void failedAndTimedOutStepsCarryTheirOutcome() {
    EnvironmentState running = escalating(0, step("restart", StepState.RUNNING, T0, null));
    metrics.decided("ns", "shop", LADDER, running, escalating(0, step("restart", StepState.TIMED_OUT, T0, T0.plusSeconds(300))));
    metrics.decided("ns", "shop", LADDER, running, escalating(0, step("restart", StepState.FAILED, T0, T0.plusSeconds(3))));
    assertThat(stepCount("restart", "TimedOut")).isEqualTo(1.0);
    assertThat(stepSum("restart", "TimedOut")).isEqualTo(300.0);
    assertThat(stepCount("restart", "Failed")).isEqualTo(1.0);
  }

  @Test
  void finishedEpisodesAreObservedByStartLevelAndOutcome() {
    EnvironmentState running = escalating(0, step("restart", StepState.SUCCEEDED, T0, T0.plusSeconds(1)));
    EscalationRecord converged = new EscalationRecord("e1", EscalationRecord.Outcome.CONVERGED, T0, T0.plusSeconds(90), "restart", 1,
        List.of(), List.of("restart:Succeeded"), "checks pass");
    EscalationRecord recovered = new EscalationRecord(null, EscalationRecord.Outcome.RECOVERED, T0.plusSeconds(100), T0.plusSeconds(105),
        null, 0, List.of(), List.of(), "recovered");
    EnvironmentState healthy = new EnvironmentState(Phase.HEALTHY, T0.plusSeconds(90), 1, null, List.of(converged), null);
    EnvironmentState recoveredToo = new EnvironmentState(Phase.HEALTHY, T0.plusSeconds(105), 1, null, List.of(recovered, converged), null);

    metrics.decided("ns", "shop", LADDER, running, healthy);
    metrics.decided("ns", "shop", LADDER, healthy, recoveredToo);
    String[] names = {"namespace", "level", "outcome"};
    assertThat(registry.getSampleValue("escalator_escalation_duration_seconds_count", names, new String[] {"ns", "restart", "Converged"}))
        .as("the converged episode is counted once, not again when a later record is prepended").isEqualTo(1.0);
    assertThat(registry.getSampleValue("escalator_escalation_duration_seconds_sum", names, new String[] {"ns", "restart", "Converged"})).isEqualTo(90.0);
    assertThat(registry.getSampleValue("escalator_escalation_duration_seconds_count", names, new String[] {"ns", "none", "Recovered"})).isEqualTo(1.0);
    assertThat(level("none")).isEqualTo(0.0);
    assertThat(level("restart")).isNull();
  }

  @Test
  void anExhaustedEscalationStaysAtTheLevelItGaveUpAt() {
    Escalation e = new Escalation("e1", T0, List.of(), 1, 2, OptionalInt.of(1), List.of(step("rebuild", StepState.SUCCEEDED, T0, T0)),
        1, null, null, 3);
    metrics.decided("ns", "shop", LADDER, null, new EnvironmentState(Phase.EXHAUSTED, T0, 1, e, List.of(), null));
    assertThat(level("rebuild")).isEqualTo(1.0);
  }

  @Test
  void episodeCountersStartAtZeroAndEverySeriesGoesWithTheEnvironment() {
    metrics.environment("ns", "shop", "Healthy", List.of());
    String[] names = {"namespace", "environment", "outcome"};
    for (String outcome : EscalatorMetrics.EPISODE_OUTCOMES) {
      assertThat(registry.getSampleValue("escalator_escalations_total", names, new String[] {"ns", "shop", outcome})).isEqualTo(0.0);
    }
    assertThat(level("none")).isEqualTo(0.0);
    metrics.forget("ns", "shop");
    assertThat(registry.getSampleValue("escalator_escalations_total", names, new String[] {"ns", "shop", "Converged"})).isNull();
    assertThat(level("none")).isNull();
  }

  @Test
  void circuitStatesAreReportedAsNumbersAndResilience4jBreakersAreFollowed() {
    String[] names = {"provider", "endpoint"};
    metrics.circuitState("openstack", "compute", "half-open");
    assertThat(registry.getSampleValue("escalator_provider_circuit_state", names, new String[] {"openstack", "compute"})).isEqualTo(1.0);
    metrics.circuitState("openstack", "compute", "FORCED_OPEN");
    assertThat(registry.getSampleValue("escalator_provider_circuit_state", names, new String[] {"openstack", "compute"})).isEqualTo(2.0);
    assertThatThrownBy(() -> metrics.circuitState("openstack", "compute", "ajar")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ajar");

    CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    CircuitBreaker existing = breakers.circuitBreaker("identity");
    metrics.circuitBreakers("openstack", breakers);
    CircuitBreaker added = breakers.circuitBreaker("network");
    assertThat(registry.getSampleValue("escalator_provider_circuit_state", names, new String[] {"openstack", "identity"})).isEqualTo(0.0);
    assertThat(registry.getSampleValue("escalator_provider_circuit_state", names, new String[] {"openstack", "network"})).isEqualTo(0.0);
    existing.transitionToOpenState();
    added.transitionToOpenState();
    added.transitionToHalfOpenState();
    assertThat(registry.getSampleValue("escalator_provider_circuit_state", names, new String[] {"openstack", "identity"})).isEqualTo(2.0);
    assertThat(registry.getSampleValue("escalator_provider_circuit_state", names, new String[] {"openstack", "network"})).isEqualTo(1.0);
  }

  @Test
  void everyProbeIsTimedByTypeAndOutcome() {
    CheckTypes timed = TimedProbes.of(CheckTypes.standard(null), metrics);
    assertThat(timed.types()).extracting(t -> t.name()).isEqualTo(CheckTypes.standard(null).types().stream().map(t -> t.name()).toList());
    // The Kubernetes probe without a client reports ERROR without any I/O.
    var kubernetes = timed.byName("kubernetes").orElseThrow();
    var spec = new dev.escalator.operator.api.KubernetesProbeSpec();
    spec.kind = "Deployment";
    spec.name = "shop";
    spec.namespace = "ns";
    ProbeResult result = kubernetes.run(spec, Duration.ofSeconds(1));
    assertThat(result.outcome()).isEqualTo(ProbeResult.Outcome.ERROR);
    assertThat(registry.getSampleValue("escalator_probe_duration_seconds_count", new String[] {"type", "outcome"},
        new String[] {"kubernetes", "error"})).isEqualTo(1.0);
  }

  @Test
  void theReconcilingGaugeRegistersOnARegistryThatChecksNamesBeforeTheOperatorExists() {
    CollectorRegistry checking = new CollectorRegistry(true); // like CollectorRegistry.defaultRegistry, which Main uses
    java.util.concurrent.atomic.AtomicBoolean acting = new java.util.concurrent.atomic.AtomicBoolean();
    new OperatorStatusCollector(() -> {
      if (!acting.get()) throw new IllegalStateException("read before the operator exists");
      return true;
    }).register(checking);
    acting.set(true);
    assertThat(checking.getSampleValue("escalator_operator_reconciling")).isEqualTo(1.0);
  }
}
