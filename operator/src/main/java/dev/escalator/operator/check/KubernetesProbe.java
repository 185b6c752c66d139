package dev.escalator.operator.check;

import dev.escalator.operator.api.KubernetesProbeSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A workload's readiness: PASS when its ready replicas reach minReady (default: the desired count,
 * and at least one, so a workload scaled to zero is not called healthy). A missing workload is FAIL
 * (the ladder may recreate it); an API error is ERROR.
 */
public final class KubernetesProbe implements Probe<KubernetesProbeSpec> {
  private final KubernetesClient client;

  /**
   * {@code client} may be null where no Kubernetes check will run (tools, benchmarks); a check run
   * then is ERROR, not a NullPointerException.
   */
  public KubernetesProbe(KubernetesClient client) {
    this.client = client;
  }

  private static final List<String> KINDS = List.of("Deployment", "StatefulSet", "DaemonSet");

  private record Replicas(int desired, int ready) {}

  @Override
  public ProbeResult probe(KubernetesProbeSpec spec, Duration timeout) {
    if (spec.kind == null || spec.name == null || spec.namespace == null) {
      return ProbeResult.error("kubernetes: kind, name and namespace are required");
    }
    String where = spec.kind + " " + spec.namespace + "/" + spec.name;
    if (client == null) return ProbeResult.error("kubernetes: no Kubernetes client configured to read " + where);
    if (!KINDS.contains(spec.kind)) {
      return ProbeResult.error("kubernetes: unsupported kind " + spec.kind + "; one of " + KINDS + " is needed");
    }
    Replicas replicas;
    try {
      replicas = switch (spec.kind) {
        case "Deployment" -> deployment(client.apps().deployments().inNamespace(spec.namespace).withName(spec.name).get());
        case "StatefulSet" -> statefulSet(client.apps().statefulSets().inNamespace(spec.namespace).withName(spec.name).get());
        case "DaemonSet" -> daemonSet(client.apps().daemonSets().inNamespace(spec.namespace).withName(spec.name).get());
        default -> throw new IllegalStateException("kind checked above: " + spec.kind);
      };
    } catch (KubernetesClientException e) {
      return ProbeResult.error("kubernetes: cannot read " + where + ": "
          + (e.getCode() > 0 ? "HTTP " + e.getCode() : ProbeMessages.detail(e.getMessage())));
    }
    if (replicas == null) return ProbeResult.fail(where + ": not found");
    int required = spec.minReady != null ? spec.minReady : Math.max(1, replicas.desired());
    String counts = replicas.ready() + " of " + replicas.desired() + " ready";
    if (replicas.ready() >= required) return ProbeResult.pass(where + ": " + counts);
    return ProbeResult.fail(where + ": " + counts + ", " + required + " required");
  }

  /** The CRD's rule: an unset namespace means the Environment's own. */
  static KubernetesProbeSpec withNamespaceDefault(KubernetesProbeSpec spec, Map<String, String> variables) {
    if (spec.namespace == null || spec.namespace.isBlank()) spec.namespace = variables.get(CheckExpansion.NAMESPACE);
    return spec;
  }

  private static Replicas deployment(Deployment d) {
    if (d == null) return null;
    int desired = d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    int ready = d.getStatus() == null ? 0 : orZero(d.getStatus().getReadyReplicas());
    return new Replicas(desired, ready);
  }

  private static Replicas statefulSet(StatefulSet s) {
    if (s == null) return null;
    int desired = s.getSpec() == null || s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
    int ready = s.getStatus() == null ? 0 : orZero(s.getStatus().getReadyReplicas());
    return new Replicas(desired, ready);
  }

  private static Replicas daemonSet(DaemonSet d) {
    if (d == null) return null;
    if (d.getStatus() == null) return new Replicas(0, 0);
    return new Replicas(orZero(d.getStatus().getDesiredNumberScheduled()), orZero(d.getStatus().getNumberReady()));
  }

  private static int orZero(Integer i) {
    return i == null ? 0 : i;
  }
}
