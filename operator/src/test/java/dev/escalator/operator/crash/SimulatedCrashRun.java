package dev.escalator.operator.crash;

import static org.awaitility.Awaitility.await;

import dev.escalator.operator.api.Environment;
import dev.escalator.operator.demo.CloudEnvironments;
import dev.escalator.operator.demo.DemoService;
import dev.escalator.operator.demo.InProcessKubernetes;
import dev.escalator.operator.demo.SimulatedControllers;
import dev.escalator.operator.openstack.sim.Faults;
import dev.escalator.operator.openstack.sim.OpenStackSimulator;
import dev.escalator.operator.openstack.sim.Service;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One crash run over the simulator: a fresh in-process Kubernetes API and OpenStack simulator, the
 * six-level Environment (a tier of two servers) built from nothing by an operator that is crashed
 * at the run's {@link CrashPoints} and started afresh (new caches, same API server and cloud) after
 * each crash, until the escalation reaches its final state; then the audit.
 *
 * <p>A crash lands right after one of the operator's durable effects, on the thread that carried it
 * and before the operator heard back: after an OpenStack mutation the simulator drops the reply;
 * after a Kubernetes write or a webhook call the reply is lost with the instance's connection. From
 * that instant the dying instance reaches neither the API server (its client is closed) nor the
 * cloud (every service resets connections until the next instance starts), as if its process had
 * died.
 */
final class SimulatedCrashRun implements AutoCloseable {
  static final String NAMESPACE = "crash";
  static final String NAME = "shop";
  static final String CLOUD = "sim";
  static final int NODES = 2;
  private static final Duration FINAL_STATE_TIMEOUT = Duration.ofSeconds(120);
  private static final String CRASHED = "crashed";

  private final long seed;
  private final CrashPoints points;
  private final InProcessKubernetes kube = new InProcessKubernetes();
  private final OpenStackSimulator sim = new OpenStackSimulator().start();
  private final DemoService service = new DemoService(line -> {});
  private final SimulatedControllers controllers;
  private final WorkAudit audit;
  private final SimulatorAudit cloudAudit;
  private final AtomicBoolean crashed = new AtomicBoolean();
  private volatile OperatorInstance live;

  SimulatedCrashRun(long seed, CrashPoints points) throws Exception {
    this.seed = seed;
    this.points = points;
    KubernetesClient client = kube.client();
    controllers = new SimulatedControllers(client, NAMESPACE, line -> {}).start();
    audit = new WorkAudit(client, NAMESPACE, NAME);
    cloudAudit = new SimulatorAudit(sim);
    sim.onMutation(m -> m.status() < 400 && crashAfter("openstack " + m.call())
        ? OpenStackSimulator.Delivery.DROP_REPLY : OpenStackSimulator.Delivery.REPLY);
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
    for (Service s : Service.values()) sim.faults().serviceDown(s, Faults.Outage.CONNECTION_RESET);
    live.cutOff();
    crashed.set(true);
    return true;
  }

  CrashRunReport run() {
    long t0 = System.nanoTime();
    KubernetesClient client = kube.client();
    client.secrets().inNamespace(NAMESPACE).resource(new SecretBuilder().withNewMetadata().withName(CloudEnvironments.SECRET).endMetadata()
        .addToStringData("clouds.yaml", sim.cloudsYaml(CLOUD)).build()).create();
    cloudAudit.baseline();
    live = new OperatorInstance(kube.newClient());
    live.start();
    client.resources(Environment.class).inNamespace(NAMESPACE)
        .resource(environment(service.baseUrl())).create();
    List<CrashRunReport.CrashPoint> crashes = new ArrayList<>();
    String outcome;
    while ((outcome = awaitFinalState()) == null) crashes.add(restart());
    List<String> duplicates = new ArrayList<>(cloudAudit.duplicates());
    duplicates.addAll(audit.duplicates(service.deployKeys()));
    return new CrashRunReport(seed, crashes, points.missed(), points.effects(), outcome, cloudAudit.leaks(NODES), duplicates,
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
    sim.faults().clear();
    crashed.set(false);
    // Assigned before it starts and before its effects count: a crash during its start-up must cut it off.
    live = new OperatorInstance(kube.newClient());
    points.rearm();
    live.start();
    return point;
  }

  /**
   * The six-level Environment, escalating after a check failed once: runs are shorter, the ladder
   * is the same. Quiescence stays 1 s so that every check, the gate included, has reported before
   * the escalation picks its start level.
   */
  static Environment environment(String serviceUrl) {
    Environment env = CloudEnvironments.sixLevels(NAMESPACE, NAME, CLOUD, NODES, serviceUrl);
    env.getSpec().checks.forEach(c -> c.failureThreshold = 1);
    return env;
  }

  @Override
  public void close() {
    if (live != null) live.close();
    controllers.close();
    service.close();
    sim.close();
    kube.close();
  }
}
