package dev.escalator.operator.crash;

import dev.escalator.operator.EscalatorOperator;
import dev.escalator.operator.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.client.CollectorRegistry;
import java.time.Clock;
import java.time.Duration;

/**
 * One operator process, as far as a test in one JVM can make one: an {@link EscalatorOperator}
 * with caches and a Kubernetes client of its own. {@link #cutOff} is the crash: the client closes
 * at once, so nothing the instance still had in flight reaches the API afterwards; {@link #close}
 * then stops its threads.
 */
final class OperatorInstance implements AutoCloseable {
  private final KubernetesClient client;
  private final EscalatorOperator operator;

  /** An instance on {@code client}, which it owns and closes; not started. */
  OperatorInstance(KubernetesClient client) {
    this.client = client;
    OperatorSettings settings = OperatorSettings.defaults().withActionPollInterval(Duration.ofMillis(200)).withMetricsPort(0);
    this.operator = new EscalatorOperator(client, settings, Clock.systemUTC(), new CollectorRegistry());
  }

  OperatorInstance start() {
    operator.start();
    return this;
  }

  /** The crash: the instance loses its connection to the API server; callable from any thread. */
  void cutOff() {
    client.close();
  }

  @Override
  public void close() {
    operator.close();
    client.close();
  }
}
