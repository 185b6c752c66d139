package dev.escalator.operator.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * {@code escalator_operator_reconciling}: 1 when this replica is the one acting (it holds the
 * leader-election Lease, or leader election is off) and its watches are healthy; 0 when it is a
 * standby, or its informers lost the API server. Read at every scrape, so it is never stale. With
 * two replicas, exactly one reports 1; none doing so for minutes is the "not reconciling" alert.
 */
public final class OperatorStatusCollector extends Collector implements Collector.Describable {
  private static final String NAME = "escalator_operator_reconciling";
  private static final String HELP = "1 when this replica acts (leader, or leader election off) and its watches are healthy, else 0.";

  private final BooleanSupplier reconciling;

  public OperatorStatusCollector(BooleanSupplier reconciling) {
    this.reconciling = reconciling;
  }

  @Override
  public List<MetricFamilySamples> collect() {
    GaugeMetricFamily g = new GaugeMetricFamily(NAME, HELP, List.of());
    g.addMetric(List.of(), reconciling.getAsBoolean() ? 1 : 0);
    return List.of(g);
  }

  /** What a registry that checks names on registration (the default one) asks, without reading the state yet. */
  @Override
  public List<MetricFamilySamples> describe() {
    return List.of(new GaugeMetricFamily(NAME, HELP, List.of()));
  }
}
