package dev.escalator.operator.crash;

import static org.awaitility.Awaitility.await;

import dev.escalator.operator.api.Environment;
import dev.escalator.operator.demo.CloudEnvironments;
import dev.escalator.operator.demo.DemoService;
import dev.escalator.operator.demo.InProcessKubernetes;
import dev.escalator.operator.demo.SimulatedControllers;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One crash run: a fresh in-process Kubernetes API, the six-level Environment (a tier of two
 * servers) built from nothing on a {@link CrashCloud} by an operator that is crashed at the run's
 * {@link CrashPoints} and started afresh (new caches, same API server and cloud) after each crash,
 * until the escalation reaches its final state; then the audit.
 *
 * <p>A crash lands right after one of the operator's durable effects, on the thread that carried it
 * and before the operator heard back: after an OpenStack mutation (on the simulator) the reply is
 * dropped; after a Kubernetes write or a webhook call the reply is lost with the instance's
 * connection. From that instant the dying instance reaches the API server no more (its client is
 * closed) nor, on the simulator, the cloud (every service resets connections until the next
 * instance starts), as if its process had died.
 */
final class CrashRun implements AutoCloseable {
  static final String NAMESPACE = "crash";
  static final int NODES = 2;
  private static final Duration FINAL_STATE_TIMEOUT = Duration.ofSeconds(120);
  private static final String CRASHED = "crashed";

  private final long seed;
  private final String name;
  private final CrashPoints points;
  private final CrashCloud cloud;
  private final InProcessKubernetes kube = new InProcessKubernetes();
  private final DemoService service = new DemoService(line -> {});
  private final SimulatedControllers controllers;
  private final WorkAudit audit;
  private final AtomicBoolean crashed = new AtomicBoolean();
  private volatile OperatorInstance live;

  /** A run of Environment {@code name} on {@code cloud}, which it closes. */
  CrashRun(long seed, String name, CrashPoints points, CrashCloud cloud) throws Exception {
    this.seed = seed;
    this.name = name;
    this.points = points;
    this.cloud = cloud;
    KubernetesClient client = kube.client();
    controllers = new SimulatedControllers(client, NAMESPACE, line -> {}).start();
    audit = new WorkAudit(client, NAMESPACE, name);
    cloud.onEffect(this::crashAfter);
    kube.onWrite(w -> {
      String effect = kubernetesEffect(w);
      if (effect != null) crashAfter(effect);
    });
    service.onDeploy(() -> !crashAfter("webhook redeploy"));
  }

  /** The operator's writes that record or start work; Events and the test's own writes are not counted. */
  private static String kubernetesEffect(InProcessKubernetes.Write w) {
    if (w.path().contains("/environments/") && w.path().contains("/status")) return "kubernetes status write";
    if (w.method().equals("POST") && w.path().contains("/jobs")) return "kubernetes job create";
    return null;
  }

  private boolean crashAfter(String effect) {
    if (!points.crashAfter(effect)) return false;
    cloud.refuseCrashedInstance();
    live.cutOff();
    crashed.set(true);
    return true;
  }

  CrashRunReport run() throws Exception {
    long t0 = System.nanoTime();
    KubernetesClient client = kube.client();
    client.secrets().inNamespace(NAMESPACE).resource(new SecretBuilder().withNewMetadata().withName(CloudEnvironments.SECRET).endMetadata()
        .addToStringData("clouds.yaml", cloud.cloudsYaml()).build()).create();
    startInstance();
    client.resources(Environment.class).inNamespace(NAMESPACE)
        .resource(environment(name, cloud.cloudName(), service.baseUrl())).create();
    List<CrashRunReport.CrashPoint> crashes = new ArrayList<>();
    String outcome;
    while ((outcome = awaitFinalState()) == null) crashes.add(restart());
    List<String> duplicates = new ArrayList<>(cloud.duplicates());
    duplicates.addAll(audit.duplicates(service.deployKeys()));
    return new CrashRunReport(seed, crashes, points.missed(), points.effects(), outcome, cloud.leaks(NODES), duplicates,
        WorkAudit.resends(service.deployKeys()), Duration.ofNanos(System.nanoTime() - t0));
  }

  /** The final outcome; null when the operator crashed first; on timeout the outcome it got stuck in. */
  private String awaitFinalState() {
    try {
      String seen = await().atMost(FINAL_STATE_TIMEOUT).pollInterval(Duration.ofMillis(100))
          .until(() -> crashed.get() ? CRASHED : audit.finalOutcome(), Objects::nonNull);
      return seen.equals(CRASHED) ? null : seen;
    } catch (ConditionTimeoutException e) {
      return WorkAudit.outcome(audit.status());
    }
  }

  /** Stops what is left of the crashed instance and starts a fresh one; returns where the crash landed. */
  private CrashRunReport.CrashPoint restart() {
    live.close();
    List<String> landed = points.landed();
    CrashRunReport.CrashPoint point = new CrashRunReport.CrashPoint(landed.get(landed.size() - 1), audit.currentLevel());
    cloud.acceptNewInstance();
    crashed.set(false);
    points.rearm();
    startInstance();
    return point;
  }

  /**
   * Starts a fresh instance. It is assigned before it starts and before its effects count: a crash
   * during its start-up must cut it off. Such a crash can fail the start itself (an informer whose
   * client closed under it never syncs); that is a crash like any other, which the caller sees and
   * answers with the next instance. Any other failure to start is the test's.
   */
  private void startInstance() {
    live = new OperatorInstance(kube.newClient());
    try {
      live.start();
    } catch (RuntimeException e) {
      if (!crashed.get()) throw e;
    }
  }

  /**
   * The six-level Environment, escalating after a check failed once: runs are shorter, the ladder
   * is the same. Quiescence stays 1 s so that every check, the gate included, has reported before
   * the escalation picks its start level.
   */
  static Environment environment(String name, String cloudName, String serviceUrl) {
    Environment env = CloudEnvironments.sixLevels(NAMESPACE, name, cloudName, NODES, serviceUrl);
    env.getSpec().checks.forEach(c -> c.failureThreshold = 1);
    return env;
  }

  @Override
  public void close() throws Exception {
    if (live != null) live.close();
    controllers.close();
    service.close();
    kube.close();
    cloud.close();
  }
}
