package dev.escalator.operator.demo;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Stand-ins for the kube-controller-manager on the in-process API, which runs no controllers: a
 * Deployment "rolls out" as soon as its spec changes (status catches up with the generation) and
 * a Job finishes as the {@link JobOutcome} function says. Nothing else is simulated; everything
 * the operator does goes through the API as it would on a cluster.
 */
public final class SimulatedControllers implements AutoCloseable {
  /** What the simulated Job controller does with a Job it sees. */
  public enum JobOutcome {
    SUCCEED,
    FAIL,
    /** Leave it running (a test releases it later by calling {@link #finishJob}). */
    HOLD
  }

  private final KubernetesClient client;
  private final String namespace;
  private final List<SharedIndexInformer<?>> informers = new CopyOnWriteArrayList<>();
  private volatile Function<Job, JobOutcome> jobOutcome = j -> JobOutcome.SUCCEED;
  private final Consumer<String> log;

  public SimulatedControllers(KubernetesClient client, String namespace, Consumer<String> log) {
    this.client = client;
    this.namespace = namespace;
    this.log = log;
  }

  public SimulatedControllers start() {
    informers.add(client.apps().deployments().inNamespace(namespace).inform(new OnChange<>(this::rollOut)));
    informers.add(client.batch().v1().jobs().inNamespace(namespace).inform(new OnChange<>(this::runJob)));
    return this;
  }

  public void jobOutcome(Function<Job, JobOutcome> outcome) {
    this.jobOutcome = outcome;
  }

  private void rollOut(Deployment d) {
    Long generation = d.getMetadata().getGeneration();
    Long observed = d.getStatus() == null ? null : d.getStatus().getObservedGeneration();
    if (generation == null || Objects.equals(generation, observed)) return;
    int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    d.setStatus(new DeploymentStatusBuilder()
        .withObservedGeneration(generation)
        .withReplicas(replicas)
        .withUpdatedReplicas(replicas)
        .withReadyReplicas(replicas)
        .withAvailableReplicas(replicas)
        .build());
    client.apps().deployments().inNamespace(namespace).resource(d).updateStatus();
    log.accept("deployment controller: rolled out deployment/" + d.getMetadata().getName() + " (generation " + generation + ")");
  }

  private void runJob(Job job) {
    if (job.getStatus() != null && job.getStatus().getConditions() != null && !job.getStatus().getConditions().isEmpty()) return;
    JobOutcome outcome = jobOutcome.apply(job);
    if (outcome == JobOutcome.HOLD) return;
    finishJob(job.getMetadata().getName(), outcome == JobOutcome.SUCCEED);
  }

  /** Marks a Job Complete or Failed, as the Job controller would once its pod ended. */
  public void finishJob(String name, boolean succeeded) {
    Job job = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
    String now = Instant.now().toString();
    job.setStatus(new JobStatusBuilder()
        .withStartTime(now)
        .withCompletionTime(succeeded ? now : null)
        .withSucceeded(succeeded ? 1 : 0)
        .withFailed(succeeded ? 0 : 1)
        .withConditions(new JobConditionBuilder()
            .withType(succeeded ? "Complete" : "Failed")
            .withStatus("True")
            .withReason(succeeded ? "Completed" : "BackoffLimitExceeded")
            .withMessage(succeeded ? "Job completed" : "Job has reached the specified backoff limit")
            .withLastTransitionTime(now)
            .build())
        .build());
    client.batch().v1().jobs().inNamespace(namespace).resource(job).updateStatus();
    log.accept("job controller: job/" + name + (succeeded ? " completed" : " failed"));
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }

  private record OnChange<T>(Consumer<T> handle) implements ResourceEventHandler<T> {
    @Override
    public void onAdd(T obj) {
      handle.accept(obj);
    }

    @Override
    public void onUpdate(T oldObj, T newObj) {
      handle.accept(newObj);
    }

    @Override
    public void onDelete(T obj, boolean deletedFinalStateUnknown) {}
  }
}
