package dev.escalator.operator.action;

import dev.escalator.operator.api.RolloutRestartActionSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Restarts a Deployment, StatefulSet or DaemonSet the way {@code kubectl rollout restart} does (a
 * pod template annotation change makes its controller replace every pod), then waits for the
 * rollout the way {@code kubectl rollout status} does.
 *
 * <p>Unlike kubectl it is idempotent: the template also carries {@value #RESTARTED_BY} = the
 * request's work name, and the restart is skipped when it is already there, so starting the same
 * request twice (a crash between patch and status write) restarts the pods once. Another attempt
 * has another work name and restarts again.
 *
 * <p>Handle: {@code <Kind>/<namespace>/<name>@<workName>}.
 */
public final class RolloutRestartAction implements ActionProvider<RolloutRestartActionSpec> {
  /** The annotation kubectl sets; any change to it rolls the pods. */
  public static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
  /** The work name of the request that last restarted the workload. */
  public static final String RESTARTED_BY = "escalator.dev/restartedBy";

  private static final Map<String, Workload<?>> WORKLOADS = Map.of(
      "Deployment", new Workload<>(Deployment.class, d -> d.getSpec().getTemplate(),
          d -> d.getStatus() == null ? null : d.getStatus().getObservedGeneration(),
          RolloutRestartAction::refuseDeployment, RolloutRestartAction::deploymentRollout),
      "StatefulSet", new Workload<>(StatefulSet.class, s -> s.getSpec().getTemplate(),
          s -> s.getStatus() == null ? null : s.getStatus().getObservedGeneration(),
          RolloutRestartAction::refuseStatefulSet, RolloutRestartAction::statefulSetRollout),
      "DaemonSet", new Workload<>(DaemonSet.class, d -> d.getSpec().getTemplate(),
          d -> d.getStatus() == null ? null : d.getStatus().getObservedGeneration(),
          RolloutRestartAction::refuseDaemonSet, RolloutRestartAction::daemonSetRollout));

  private final KubernetesClient client;
  private final Clock clock;

  public RolloutRestartAction(KubernetesClient client, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String start(ActionRequest request, RolloutRestartActionSpec spec) throws ActionFailedException {
    Workload<?> workload = workload(spec.kind);
    String name = request.render("rolloutRestart.name", spec.name);
    String namespace = spec.namespace == null || spec.namespace.isBlank()
        ? request.namespace()
        : request.render("rolloutRestart.namespace", spec.namespace);
    WorkloadRef ref = new WorkloadRef(spec.kind, namespace, name, request.workName());
    restart(workload, ref);
    return ref.handle();
  }

  @Override
  public ActionProgress poll(ActionRequest request, RolloutRestartActionSpec spec, String handle)
      throws ActionFailedException {
    WorkloadRef ref = WorkloadRef.parse(handle);
    return rollout(workload(ref.kind()), ref);
  }

  private <T extends HasMetadata> void restart(Workload<T> workload, WorkloadRef ref) throws ActionFailedException {
    Resource<T> resource = client.resources(workload.type()).inNamespace(ref.namespace()).withName(ref.name());
    T current = resource.get();
    if (current == null) throw new ActionFailedException(ref.describe() + " not found");
    String refusal = workload.refuseRestart().apply(current);
    if (refusal != null) throw new ActionFailedException(ref.describe() + " " + refusal);
    PodTemplateSpec template = workload.template().apply(current);
    Map<String, String> annotations = template == null || template.getMetadata() == null
        ? null
        : template.getMetadata().getAnnotations();
    if (annotations != null && ref.workName().equals(annotations.get(RESTARTED_BY))) return;
    // A merge patch touches only these two annotations, so it cannot undo a concurrent change to
    // anything else in the workload.
    String restartedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    Map<String, Object> patch = Map.of("spec", Map.of("template", Map.of("metadata", Map.of("annotations",
        Map.of(RESTARTED_AT, restartedAt, RESTARTED_BY, ref.workName())))));
    resource.patch(PatchContext.of(PatchType.JSON_MERGE), client.getKubernetesSerialization().asJson(patch));
  }

  private <T extends HasMetadata> ActionProgress rollout(Workload<T> workload, WorkloadRef ref) throws ActionFailedException {
    T current = client.resources(workload.type()).inNamespace(ref.namespace()).withName(ref.name()).get();
    if (current == null) throw new ActionFailedException(ref.describe() + " not found (deleted during its rollout?)");
    Long generation = current.getMetadata().getGeneration();
    // A status the controller wrote before it saw our patch describes the previous template.
    Long observed = workload.observedGeneration().apply(current);
    if (generation != null && (observed == null || observed < generation)) {
      return ActionProgress.running(ref.describe() + ": waiting for the controller to observe the restart");
    }
    ActionProgress progress = workload.rollout().apply(current);
    return progress.state() == ActionProgress.State.RUNNING
        ? ActionProgress.running(ref.describe() + ": " + progress.message())
        : new ActionProgress(progress.state(), ref.describe() + ": " + progress.message());
  }

  private static Workload<?> workload(String kind) throws ActionFailedException {
    Workload<?> workload = kind == null ? null : WORKLOADS.get(kind);
    if (workload == null) {
      throw new ActionFailedException("rolloutRestart.kind must be Deployment, StatefulSet or DaemonSet, not " + kind);
    }
    return workload;
  }

  private static String refuseDeployment(Deployment d) {
    return Boolean.TRUE.equals(d.getSpec().getPaused()) ? "is paused: a restart would not roll its pods" : null;
  }

  private static String refuseStatefulSet(StatefulSet s) {
    var strategy = s.getSpec().getUpdateStrategy();
    return strategy != null && "OnDelete".equals(strategy.getType())
        ? "uses updateStrategy OnDelete: a restart would not replace its pods"
        : null;
  }

  private static String refuseDaemonSet(DaemonSet d) {
    var strategy = d.getSpec().getUpdateStrategy();
    return strategy != null && "OnDelete".equals(strategy.getType())
        ? "uses updateStrategy OnDelete: a restart would not replace its pods"
        : null;
  }

  // The three rollout checks follow kubectl's rollout status, so the step ends when a human
  // watching `kubectl rollout status` would see it end.

  private static ActionProgress deploymentRollout(Deployment d) {
    DeploymentStatus status = d.getStatus();
    if (status == null) return ActionProgress.running("no status yet");
    if (status.getConditions() != null) {
      for (DeploymentCondition c : status.getConditions()) {
        if ("Progressing".equals(c.getType()) && "ProgressDeadlineExceeded".equals(c.getReason())) {
          return ActionProgress.failed("rollout exceeded its progress deadline: " + c.getMessage());
        }
      }
    }
    int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    int updated = orZero(status.getUpdatedReplicas());
    int total = orZero(status.getReplicas());
    int available = orZero(status.getAvailableReplicas());
    if (updated < desired) return ActionProgress.running(updated + " of " + desired + " replicas updated");
    if (total > updated) return ActionProgress.running((total - updated) + " old replicas pending termination");
    if (available < updated) return ActionProgress.running(available + " of " + updated + " updated replicas available");
    return ActionProgress.succeeded("rollout complete: " + available + " replicas updated and available");
  }

  private static ActionProgress statefulSetRollout(StatefulSet s) {
    StatefulSetStatus status = s.getStatus();
    if (status == null) return ActionProgress.running("no status yet");
    int desired = s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
    var strategy = s.getSpec().getUpdateStrategy();
    int partition = strategy == null || strategy.getRollingUpdate() == null
        ? 0
        : orZero(strategy.getRollingUpdate().getPartition());
    int ready = orZero(status.getReadyReplicas());
    int updated = orZero(status.getUpdatedReplicas());
    if (ready < desired) return ActionProgress.running(ready + " of " + desired + " replicas ready");
    if (partition > 0) {
      // Pods below the partition keep the old template by design; only those above it roll.
      int expected = Math.max(0, desired - partition);
      if (updated < expected) return ActionProgress.running(updated + " of " + expected + " replicas above the partition updated");
      return ActionProgress.succeeded("partitioned rollout complete: " + updated + " replicas updated");
    }
    if (updated < desired) return ActionProgress.running(updated + " of " + desired + " replicas updated");
    if (status.getUpdateRevision() != null && status.getCurrentRevision() != null
        && !status.getUpdateRevision().equals(status.getCurrentRevision())) {
      return ActionProgress.running("waiting for revision " + status.getUpdateRevision() + " to become current");
    }
    return ActionProgress.succeeded("rollout complete: " + ready + " replicas updated and ready");
  }

  private static ActionProgress daemonSetRollout(DaemonSet d) {
    DaemonSetStatus status = d.getStatus();
    if (status == null) return ActionProgress.running("no status yet");
    int desired = orZero(status.getDesiredNumberScheduled());
    int updated = orZero(status.getUpdatedNumberScheduled());
    int ready = orZero(status.getNumberReady());
    int available = orZero(status.getNumberAvailable());
    if (updated < desired) return ActionProgress.running(updated + " of " + desired + " pods updated");
    if (ready < desired) return ActionProgress.running(ready + " of " + desired + " pods ready");
    if (available < desired) return ActionProgress.running(available + " of " + desired + " pods available");
    return ActionProgress.succeeded("rollout complete: " + available + " pods updated and available");
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }

  /** How to restart and watch one workload kind. Null from refuseRestart means go ahead. */
  private record Workload<T extends HasMetadata>(
      Class<T> type,
      Function<T, PodTemplateSpec> template,
      Function<T, Long> observedGeneration,
      Function<T, String> refuseRestart,
      Function<T, ActionProgress> rollout) {}

  /** What a handle names: the workload and the work that restarted it. */
  record WorkloadRef(String kind, String namespace, String name, String workName) {
    String handle() {
      return kind + "/" + namespace + "/" + name + "@" + workName;
    }

    String describe() {
      return kind + " " + namespace + "/" + name;
    }

    static WorkloadRef parse(String handle) throws ActionFailedException {
      String[] at = handle == null ? new String[0] : handle.split("@", -1);
      String[] path = at.length == 2 ? at[0].split("/", -1) : new String[0];
      if (path.length != 3 || at[1].isEmpty() || path[0].isEmpty() || path[1].isEmpty() || path[2].isEmpty()) {
        throw new ActionFailedException("not a rolloutRestart handle: " + handle);
      }
      return new WorkloadRef(path[0], path[1], path[2], at[1]);
    }
  }
}
