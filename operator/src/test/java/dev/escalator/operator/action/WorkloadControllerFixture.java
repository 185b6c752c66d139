package dev.escalator.operator.action;

import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Stands in for the Deployment, StatefulSet and DaemonSet controllers, which fabric8's mock API
 * server does not run: tests call these to write the status a real controller would write at each
 * point of a rollout.
 */
final class WorkloadControllerFixture {
  private final KubernetesClient client;

  WorkloadControllerFixture(KubernetesClient client) {
    this.client = client;
  }

  /** The controller saw the current template and has replaced {@code updated} of the pods so far. */
  void deploymentRolling(String namespace, String name, int updated) {
    client.apps().deployments().inNamespace(namespace).withName(name).editStatus(d -> {
      int replicas = d.getSpec().getReplicas();
      d.setStatus(new DeploymentStatusBuilder()
          .withObservedGeneration(d.getMetadata().getGeneration())
          .withReplicas(replicas + 1) // a surge pod: old and new run side by side
          .withUpdatedReplicas(updated)
          .withReadyReplicas(replicas)
          .withAvailableReplicas(replicas)
          .build());
      return d;
    });
  }

  /** Every pod runs the current template and is available. */
  void deploymentRolledOut(String namespace, String name) {
    client.apps().deployments().inNamespace(namespace).withName(name).editStatus(d -> {
      int replicas = d.getSpec().getReplicas();
      d.setStatus(new DeploymentStatusBuilder()
          .withObservedGeneration(d.getMetadata().getGeneration())
          .withReplicas(replicas)
          .withUpdatedReplicas(replicas)
          .withReadyReplicas(replicas)
          .withAvailableReplicas(replicas)
          .build());
      return d;
    });
  }

  /** The controller gave up waiting for new pods to become available. */
  void deploymentPastProgressDeadline(String namespace, String name, String message) {
    client.apps().deployments().inNamespace(namespace).withName(name).editStatus(d -> {
      d.setStatus(new DeploymentStatusBuilder()
          .withObservedGeneration(d.getMetadata().getGeneration())
          .withReplicas(d.getSpec().getReplicas())
          .withUpdatedReplicas(1)
          .addNewCondition()
              .withType("Progressing").withStatus("False").withReason("ProgressDeadlineExceeded").withMessage(message)
          .endCondition()
          .build());
      return d;
    });
  }

  void statefulSetRolling(String namespace, String name, int updated) {
    client.apps().statefulSets().inNamespace(namespace).withName(name).editStatus(s -> {
      int replicas = s.getSpec().getReplicas();
      s.setStatus(new StatefulSetStatusBuilder()
          .withObservedGeneration(s.getMetadata().getGeneration())
          .withReplicas(replicas)
          .withReadyReplicas(replicas)
          .withUpdatedReplicas(updated)
          .withCurrentRevision(name + "-old")
          .withUpdateRevision(name + "-new")
          .build());
      return s;
    });
  }

  void statefulSetRolledOut(String namespace, String name) {
    client.apps().statefulSets().inNamespace(namespace).withName(name).editStatus(s -> {
      int replicas = s.getSpec().getReplicas();
      s.setStatus(new StatefulSetStatusBuilder()
          .withObservedGeneration(s.getMetadata().getGeneration())
          .withReplicas(replicas)
          .withReadyReplicas(replicas)
          .withUpdatedReplicas(replicas)
          .withCurrentRevision(name + "-new")
          .withUpdateRevision(name + "-new")
          .build());
      return s;
    });
  }

  void daemonSetRolling(String namespace, String name, int desired, int updated) {
    client.apps().daemonSets().inNamespace(namespace).withName(name).editStatus(d -> {
      d.setStatus(new DaemonSetStatusBuilder()
          .withObservedGeneration(d.getMetadata().getGeneration())
          .withDesiredNumberScheduled(desired)
          .withCurrentNumberScheduled(desired)
          .withUpdatedNumberScheduled(updated)
          .withNumberReady(desired)
          .withNumberAvailable(desired)
          .withNumberMisscheduled(0)
          .build());
      return d;
    });
  }

  void daemonSetRolledOut(String namespace, String name, int desired) {
    daemonSetRolling(namespace, name, desired, desired);
  }
}
