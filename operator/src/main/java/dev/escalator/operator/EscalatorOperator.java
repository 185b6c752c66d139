package dev.escalator.operator;

import dev.escalator.operator.action.ActionTypes;
import dev.escalator.operator.check.CheckExpansion;
import dev.escalator.operator.check.CheckScheduler;
import dev.escalator.operator.check.CheckTypes;
import dev.escalator.operator.ladder.StormGuard;
import dev.escalator.operator.metrics.EscalatorMetrics;
import dev.escalator.operator.metrics.OperatorStatusCollector;
import dev.escalator.operator.metrics.ReconcileMetrics;
import dev.escalator.operator.metrics.TimedProbes;
import dev.escalator.operator.metal.BmcDrivers;
import dev.escalator.operator.metal.MetalProvider;
import dev.escalator.operator.openstack.OpenStackClouds;
import dev.escalator.operator.openstack.OpenStackProvider;
import dev.escalator.operator.spec.EnvironmentDirectory;
import dev.escalator.operator.reconciler.EnvironmentReconciler;
import dev.escalator.operator.reconciler.EventRecorder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.prometheus.client.CollectorRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running operator: the JOSDK {@link Operator} with the Environment reconciler, the check
 * scheduler and the action types, all around one Kubernetes client. Tests, the demo and {@link
 * Main} build it the same way.
 */
public final class EscalatorOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EscalatorOperator.class);

  private final Operator operator;
  private final CheckScheduler scheduler;
  private final HttpClient http;
  private final BmcDrivers bmcDrivers;
  private final EscalatorMetrics metrics;
  private final ReconcileMetrics reconcileMetrics;
  private final OperatorStatusCollector statusCollector;
  private final CollectorRegistry registry;
  /** Whether this replica holds the Lease; always true without leader election. */
  private final AtomicBoolean leading;
  /** Set by {@link #close()}: the Lease is then given up on purpose, not lost. */
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile Runnable onLeaseLost = EscalatorOperator::exitAfterLosingTheLease;

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
    this.registry = registry;
    this.metrics = new EscalatorMetrics(registry);
    this.reconcileMetrics = new ReconcileMetrics(registry);
    OperatorSettings.LeaderElection election = settings.leaderElection();
    this.leading = new AtomicBoolean(!election.enabled());
    this.statusCollector = new OperatorStatusCollector(() -> leading.get() && isReady()).register(registry);
    this.bmcDrivers = new BmcDrivers();
    EnvironmentDirectory directory = new EnvironmentDirectory();
    OpenStackClouds clouds = new OpenStackClouds(OpenStackProvider.secrets(client), settings.openstack(), clock,
        (endpoint, state) -> metrics.circuitState("openstack", endpoint, state));
    CheckTypes checkTypes = TimedProbes.of(CheckTypes.standard(client).with(OpenStackProvider.checkType(clouds, directory)), metrics);
    var verdictEvents = EnvironmentReconciler.newVerdictEventSource();
    this.scheduler = new CheckScheduler(checkTypes, verdictEvents, checkOptions);
    EnvironmentReconciler reconciler = new EnvironmentReconciler(scheduler, new CheckExpansion(checkTypes), verdictEvents,
        ActionTypes.kubernetes(client, http, clock).with(OpenStackProvider.actionType(clouds), MetalProvider.actionType(client, bmcDrivers, clock)),
        new EventRecorder(client, clock), clock, settings.actionPollInterval(), metrics, directory, clouds::endpoints,
        new StormGuard(settings.storm()));
    this.operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withCloseClientOnStop(false)
          // Status is patched without server-side apply (JOSDK computes a JSON Patch against the cached
          // object, on the status subresource): the in-process API the tests use has no SSA, and what
          // the tests exercise is what runs in clusters. A plain merge patch would leave removed keys.
          .withUseSSAToPatchPrimaryResource(false)
          // Needed for the status cache of PrimaryUpdateAndCacheUtils to tell its own writes from newer ones.
          .withParseResourceVersions(true)
          .withStopOnInformerErrorDuringStartup(true)
          .withMetrics(reconcileMetrics);
      if (election.enabled()) {
        // JOSDK's own exit-on-stop-leading is off: it would also fire when close() cancels the election
        // (the leader's SIGTERM path, where System.exit from Main's shutdown hook blocks forever). A
        // Lease lost while running still ends the process, in leadershipStopped.
        var le = LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(election.leaseName())
            .withLeaseNamespace(election.leaseNamespace())
            .withLeaseDuration(election.leaseDuration())
            .withRenewDeadline(election.renewDeadline())
            .withRetryPeriod(election.retryPeriod())
            .withExitOnStopLeading(false)
            .withLeaderCallbacks(new LeaderCallbacks(() -> leading.set(true), this::leadershipStopped, leader -> {}));
        if (election.identity() != null) le.withIdentity(election.identity());
        o.withLeaderElectionConfiguration(le.build());
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

  /**
   * What to do when this replica loses the Lease while running (it could not renew it within the
   * renew deadline, so another replica may already be acting). By default the process exits and
   * Kubernetes restarts it as a standby; tests that run several operators in one JVM replace it.
   * Not called when {@link #close()} gives the Lease up.
   */
  public EscalatorOperator onLeaseLost(Runnable action) {
    this.onLeaseLost = action;
    return this;
  }

  private void leadershipStopped() {
    leading.set(false);
    if (!closing.get()) onLeaseLost.run();
  }

  private static void exitAfterLosingTheLease() {
    LOG.error("lost the leader Lease (not renewed within the renew deadline): exiting so that only the new leader acts");
    System.exit(1);
  }

  public EscalatorOperator start() {
    operator.start();
    return this;
  }

  /** Started, and every informer and event source healthy: what /readyz reports. */
  public boolean isReady() {
    return operator != null && operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  public CheckScheduler checkScheduler() {
    return scheduler;
  }

  /** The operator's metrics: what action providers report to, e.g. {@link EscalatorMetrics#circuitBreakers}. */
  public EscalatorMetrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    closing.set(true);
    operator.stop();
    scheduler.close();
    http.close();
    bmcDrivers.close();
    metrics.close();
    reconcileMetrics.close();
    registry.unregister(statusCollector);
  }
}
