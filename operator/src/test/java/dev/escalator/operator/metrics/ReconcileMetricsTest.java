package dev.escalator.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.prometheus.client.CollectorRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How JOSDK's callbacks, in the order JOSDK makes them on one executor thread, become counters. */
class ReconcileMetricsTest {
  private static final Map<String, Object> META = Map.of(Constants.CONTROLLER_NAME, "environment");
  private final CollectorRegistry registry = new CollectorRegistry();
  private final ReconcileMetrics metrics = new ReconcileMetrics(registry);

  private double value(String name) {
    Double v = registry.getSampleValue(name, new String[] {"controller"}, new String[] {"environment"});
    return v == null ? -1 : v;
  }

  @Test
  void executionsEndInSuccessOrFailureAndSkippedOnesCountNothing() throws Exception {
    metrics.reconciliationExecutionStarted(null, META);
    assertThat(value("escalator_reconciliations_executing")).isEqualTo(1.0);
    metrics.finishedReconciliation(null, META);
    metrics.reconciliationExecutionFinished(null, META);

    // The status write threw: JOSDK never calls finishedReconciliation.
    metrics.reconciliationExecutionStarted(null, META);
    metrics.reconciliationExecutionFinished(null, META);

    // The resource left the cache: JOSDK calls only "finished".
    metrics.reconciliationExecutionFinished(null, META);

    assertThat(value("escalator_reconciliations_started_total")).isEqualTo(2.0);
    assertThat(value("escalator_reconciliations_succeeded_total")).isEqualTo(1.0);
    assertThat(value("escalator_reconciliations_failed_total")).isEqualTo(1.0);
    assertThat(value("escalator_reconciliations_executing")).isEqualTo(0.0);
  }

  @Test
  void timedExecutionsRecordTheirOutcomeAndRethrow() {
    Metrics.ControllerExecution<String> failing = new Metrics.ControllerExecution<>() {
      @Override
      public String name() {
        return "reconcile";
      }

      @Override
      public String controllerName() {
        return "environment";
      }

      @Override
      public String successTypeName(String result) {
        return "resource";
      }

      @Override
      public ResourceID resourceID() {
        return new ResourceID("shop", "ns");
      }

      @Override
      public Map<String, Object> metadata() {
        return META;
      }

      @Override
      public String execute() {
        throw new IllegalStateException("boom");
      }
    };
    assertThatThrownBy(() -> metrics.timeControllerExecution(failing)).hasMessage("boom");
    assertThat(registry.getSampleValue("escalator_reconcile_duration_seconds_count", new String[] {"controller", "operation", "outcome"},
        new String[] {"environment", "reconcile", "failure"})).isEqualTo(1.0);
  }

}
