package dev.escalator.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import dev.escalator.operator.metrics.OperatorHttpServer;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.hotspot.DefaultExports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the operator against the cluster of the current kubeconfig or the in-cluster service account. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    OperatorSettings settings;
    try {
      settings = OperatorSettings.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("escalator: invalid setting: " + e.getMessage());
      System.exit(2);
      return;
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    CollectorRegistry registry = CollectorRegistry.defaultRegistry;
    DefaultExports.register(registry);
    EscalatorOperator operator = new EscalatorOperator(client, settings, Clock.systemUTC(), registry);
    OperatorHttpServer metrics = null;
    if (settings.metricsPort() > 0) {
      metrics = new OperatorHttpServer(new InetSocketAddress(settings.metricsPort()), registry, operator::isReady);
      LOG.info("/metrics, /healthz and /readyz on :{}", settings.metricsPort());
    }
    try {
      operator.start();
    } catch (RuntimeException e) {
      // The metrics server's threads would keep the JVM (and /healthz) alive: exit, so Kubernetes restarts the pod.
      LOG.error("escalator could not start against {}", client.getMasterUrl(), e);
      operator.close();
      if (metrics != null) metrics.close();
      client.close();
      System.exit(1);
    }
    LOG.info("escalator started against {} (namespaces: {})", client.getMasterUrl(), settings.namespaces().isEmpty() ? "all" : settings.namespaces());
    CountDownLatch stopped = new CountDownLatch(1);
    OperatorHttpServer metricsServer = metrics;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.close();
      if (metricsServer != null) metricsServer.close();
      client.close();
      stopped.countDown();
    }, "escalator-shutdown"));
    stopped.await();
  }
}
