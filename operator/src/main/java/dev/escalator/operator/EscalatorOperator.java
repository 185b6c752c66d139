package dev.escalator.operator;

import dev.escalator.operator.action.ActionTypes;
import dev.escalator.operator.check.CheckExpansion;
import dev.escalator.operator.check.CheckScheduler;
import dev.escalator.operator.check.CheckTypes;
import dev.escalator.operator.metrics.EscalatorMetrics;
import dev.escalator.operator.metal.BmcDrivers;
import dev.escalator.operator.metal.MetalProvider;
import dev.escalator.operator.openstack.OpenStackClouds;
import dev.escalator.operator.openstack.OpenStackProvider;
import dev.escalator.operator.spec.EnvironmentDirectory;
import io.prometheus.client.CollectorRegistry;
import dev.escalator.operator.reconciler.EnvironmentReconciler;
import dev.escalator.operator.reconciler.EventRecorder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;

/**
 * One running operator: the JOSDK {@link Operator} with the Environment reconciler, the check
 * scheduler and the action types, all around one Kubernetes client. Tests, the demo and {@link
 * Main} build it the same way.
 */
public final class EscalatorOperator implements AutoCloseable {
  private final Operator operator;
  private final CheckScheduler scheduler;
  private final HttpClient http;
  private final BmcDrivers bmcDrivers;
  private final EscalatorMetrics metrics;

  /** With metrics in a registry of its own (tests, the demo). */
  public EscalatorOperator(KubernetesClient client, OperatorSettings settings, Clock clock) {
    this(client, settings, clock, new CollectorRegistry());
  }

  public EscalatorOperator(KubernetesClient client, OperatorSettings settings, Clock clock, CollectorRegistry registry) {
    this(client, settings, clock, CheckScheduler.Options.defaults().withClock(clock).withMaxConcurrentProbes(settings.maxConcurrentProbes()), registry);
  }

  public EscalatorOperator(KubernetesClient client, OperatorSettings settings, Clock clock, CheckScheduler.Options checkOptions,
      CollectorRegistry registry) {
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
    this.metrics = new EscalatorMetrics(registry);
    this.bmcDrivers = new BmcDrivers();
    EnvironmentDirectory directory = new EnvironmentDirectory();
    OpenStackClouds clouds = new OpenStackClouds(OpenStackProvider.secrets(client), settings.openstack(), clock,
        (endpoint, state) -> { });
    CheckTypes checkTypes = CheckTypes.standard(client).with(OpenStackProvider.checkType(clouds, directory));
    var verdictEvents = EnvironmentReconciler.newVerdictEventSource();
    this.scheduler = new CheckScheduler(checkTypes, verdictEvents, checkOptions);
    EnvironmentReconciler reconciler = new EnvironmentReconciler(scheduler, new CheckExpansion(checkTypes), verdictEvents,
        ActionTypes.kubernetes(client, http, clock).with(OpenStackProvider.actionType(clouds), MetalProvider.actionType(client, bmcDrivers, clock)),
        new EventRecorder(client, clock), clock, settings.actionPollInterval(), metrics, directory, clouds::endpoints);
    this.operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withCloseClientOnStop(false)
          // Status is patched without server-side apply (JOSDK computes a JSON Patch against the cached
          // object, on the status subresource): the in-process API the tests use has no SSA, and what
          // the tests exercise is what runs in clusters. A plain merge patch would leave removed keys.
          .withUseSSAToPatchPrimaryResource(false)
          .withStopOnInformerErrorDuringStartup(true);
      if (settings.leaderElection()) {
        o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(settings.leaseName(), settings.leaseNamespace()));
      }
    });
    operator.register(reconciler, c -> {
      c.withName("environment");
      // Annotation changes (approve, reset) do not bump the generation but must be seen.
      c.withGenerationAware(false);
      c.withReconciliationMaxInterval(settings.resyncInterval());
      if (settings.namespaces().isEmpty()) c.watchingAllNamespaces();
      else c.settingNamespaces(settings.namespaces());
    });
    operator.register(MetalProvider.claimReleaser(client, clock), c -> {
      c.withName("baremetalhost-claims");
      c.withGenerationAware(false);
      if (settings.namespaces().isEmpty()) c.watchingAllNamespaces();
      else c.settingNamespaces(settings.namespaces());
    });
  }

  public EscalatorOperator start() {
    operator.start();
    return this;
  }

  /** Started, and every informer and event source healthy: what /readyz reports. */
  public boolean isReady() {
    return operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  public CheckScheduler checkScheduler() {
    return scheduler;
  }

  @Override
  public void close() {
    operator.stop();
    scheduler.close();
    http.close();
    bmcDrivers.close();
    metrics.close();
  }
}
