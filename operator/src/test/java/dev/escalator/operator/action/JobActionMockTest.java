package dev.escalator.operator.action;

import static dev.escalator.operator.action.Requests.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.escalator.operator.action.ActionProgress.State;
import dev.escalator.operator.api.JobActionSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class JobActionMockTest {
  static KubernetesClient client;

  private final JobAction action = new JobAction(client);

  @AfterEach
  void cleanUp() {
    client.batch().v1().jobs().inNamespace(NAMESPACE).delete();
  }

  @Test
  void createsAJobOwnedByTheEnvironmentWithTheStepsContext() throws Exception {
    ActionRequest request = Requests.forNode("e7", 3);

    String handle = action.start(request, spec());

    assertThat(handle).isEqualTo("job/shop/" + request.workName());
    Job job = job(request.workName());
    assertThat(job.getMetadata().getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "escalator.dev/environment", "checkout",
        "escalator.dev/escalation", "e7",
        "escalator.dev/level", "rebuild-node"));
    assertThat(job.getMetadata().getAnnotations()).containsEntry("escalator.dev/target", "node/web/web-1");
    assertThat(job.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
      assertThat(owner.getApiVersion()).isEqualTo("escalator.dev/v1alpha1");
      assertThat(owner.getKind()).isEqualTo("Environment");
      assertThat(owner.getName()).isEqualTo("checkout");
      assertThat(owner.getUid()).isEqualTo(Requests.UID);
      assertThat(owner.getController()).isTrue();
    });
    assertThat(job.getSpec().getBackoffLimit()).isEqualTo(2);
    assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(600);
    assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("app", "repair")
        .containsEntry("escalator.dev/escalation", "e7");

    Map<String, String> expected = Map.of(
        "ESCALATOR_ENVIRONMENT", "checkout",
        "ESCALATOR_NAMESPACE", "shop",
        "ESCALATOR_LEVEL", "rebuild-node",
        "ESCALATOR_ESCALATION_ID", "e7",
        "ESCALATOR_ATTEMPT", "3",
        "ESCALATOR_TARGET", "node/web/web-1",
        "ESCALATOR_TIER", "web",
        "ESCALATOR_NODE_NAME", "web-1",
        "ESCALATOR_NODE_ADDRESS", "10.0.0.11");
    List<Container> containers = new ArrayList<>(job.getSpec().getTemplate().getSpec().getContainers());
    containers.addAll(job.getSpec().getTemplate().getSpec().getInitContainers());
    assertThat(containers).hasSize(3).allSatisfy(c -> assertThat(env(c)).containsAllEntriesOf(expected));
    assertThat(env(containers.get(0)))
        .as("the template's own variables stay; a stale ESCALATOR_ variable is replaced by this run's")
        .containsEntry("PLAYBOOK", "rebuild.yml")
        .containsEntry("ESCALATOR_TARGET", "node/web/web-1");
    assertThat(containers.get(0).getEnv()).filteredOn(v -> v.getName().equals("ESCALATOR_TARGET")).hasSize(1);
  }

  @Test
  void environmentScopedStepHasNoNodeOrTierVariables() throws Exception {
    ActionRequest request = Requests.forEnvironment("e7", 1);

    action.start(request, spec());

    Map<String, String> env = env(job(request.workName()).getSpec().getTemplate().getSpec().getContainers().get(0));
    assertThat(env).containsEntry("ESCALATOR_TARGET", "environment")
        .doesNotContainKeys("ESCALATOR_TIER", "ESCALATOR_NODE_NAME", "ESCALATOR_NODE_ADDRESS");
  }

  @Test
  void keepsAnExplicitRestartPolicyAndLeavesTheSpecUntouched() throws Exception {
    JobActionSpec spec = spec();
    spec.template.getSpec().setRestartPolicy("OnFailure");

    action.start(Requests.forEnvironment("e7", 1), spec);

    assertThat(job(Requests.forEnvironment("e7", 1).workName()).getSpec().getTemplate().getSpec().getRestartPolicy())
        .isEqualTo("OnFailure");
    assertThat(spec.template.getSpec().getContainers().get(0).getEnv())
        .as("the Environment's spec object is shared with the informer cache and must not be mutated")
        .extracting(EnvVar::getName)
        .containsExactly("PLAYBOOK", "ESCALATOR_TARGET");
  }

  @Test
  void startingTwiceAdoptsTheFirstJob() throws Exception {
    ActionRequest request = Requests.forEnvironment("e7", 1);
    String first = action.start(request, spec());

    // A restarted operator starting the same step again (its handle was never recorded).
    String second = new JobAction(client).start(request, spec());

    assertThat(second).isEqualTo(first);
    assertThat(client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems()).hasSize(1);
  }

  @Test
  void aSameNamedJobFromElsewhereIsNotAdopted() {
    ActionRequest request = Requests.forEnvironment("e7", 1);
    client.resource(new JobBuilder()
            .withNewMetadata().withName(request.workName()).withNamespace(NAMESPACE).endMetadata()
            .withNewSpec().withTemplate(spec().template).endSpec()
            .build())
        .create();

    assertThatThrownBy(() -> action.start(request, spec()))
        .isInstanceOf(ActionFailedException.class)
        .hasMessageContaining("Job shop/" + request.workName())
        .hasMessageContaining("not created by Escalator");
  }

  @Test
  void pollFollowsTheJobConditions() throws Exception {
    ActionRequest request = Requests.forEnvironment("e7", 1);
    String handle = action.start(request, spec());
    assertThat(action.poll(request, spec(), handle).state()).isEqualTo(State.RUNNING);

    setStatus(request.workName(), new JobStatusBuilder().withActive(1).build());
    ActionProgress running = action.poll(request, spec(), handle);
    assertThat(running.state()).isEqualTo(State.RUNNING);
    assertThat(running.message()).contains("1 active");

    setStatus(request.workName(), new JobStatusBuilder().withSucceeded(1)
        .addNewCondition().withType("SuccessCriteriaMet").withStatus("True").endCondition()
        .addNewCondition().withType("Complete").withStatus("True").endCondition()
        .build());
    assertThat(action.poll(request, spec(), handle).state()).isEqualTo(State.SUCCEEDED);
  }

  @Test
  void failedJobFailsTheStepWithItsReason() throws Exception {
    ActionRequest request = Requests.forEnvironment("e7", 1);
    String handle = action.start(request, spec());

    setStatus(request.workName(), new JobStatusBuilder().withFailed(3)
        .addNewCondition().withType("Complete").withStatus("False").endCondition()
        .addNewCondition().withType("Failed").withStatus("True")
            .withReason("BackoffLimitExceeded").withMessage("Job has reached the specified backoff limit").endCondition()
        .build());
    ActionProgress progress = action.poll(request, spec(), handle);

    assertThat(progress.state()).isEqualTo(State.FAILED);
    assertThat(progress.message())
        .isEqualTo("Job shop/" + request.workName() + " failed: BackoffLimitExceeded: Job has reached the specified backoff limit");
  }

  @Test
  void aVanishedJobFailsTheStep() throws Exception {
    ActionRequest request = Requests.forEnvironment("e7", 1);
    String handle = action.start(request, spec());
    client.batch().v1().jobs().inNamespace(NAMESPACE).withName(request.workName()).delete();

    ActionProgress progress = action.poll(request, spec(), handle);

    assertThat(progress.state()).isEqualTo(State.FAILED);
    assertThat(progress.message()).contains("Job shop/" + request.workName()).contains("no longer exists");
  }

  @Test
  void aTemplateWithoutContainersIsRefused() {
    JobActionSpec spec = new JobActionSpec();
    spec.template = new PodTemplateSpecBuilder().withNewSpec().endSpec().build();

    assertThatThrownBy(() -> action.start(Requests.forEnvironment("e7", 1), spec))
        .isInstanceOf(ActionFailedException.class)
        .hasMessageContaining("containers");
  }

  @Test
  void labelValuesAreMadeValid() {
    assertThat(JobAction.labelValue("Rebuild node #1 ")).isEqualTo("Rebuild_node__1");
    assertThat(JobAction.labelValue("x".repeat(70))).hasSize(63);
  }

  private static JobActionSpec spec() {
    JobActionSpec spec = new JobActionSpec();
    spec.backoffLimit = 2;
    spec.ttlSecondsAfterFinished = 600;
    spec.template = new PodTemplateSpecBuilder()
        .withNewMetadata().addToLabels("app", "repair").endMetadata()
        .withNewSpec()
            .addNewInitContainer().withName("fetch").withImage("registry.example/fetch:1").endInitContainer()
            .addNewContainer().withName("ansible").withImage("registry.example/ansible:9")
                .addNewEnv().withName("PLAYBOOK").withValue("rebuild.yml").endEnv()
                .addNewEnv().withName("ESCALATOR_TARGET").withValue("stale").endEnv()
            .endContainer()
            .addNewContainer().withName("reporter").withImage("registry.example/reporter:1").endContainer()
        .endSpec()
        .build();
    return spec;
  }

  private static Job job(String name) {
    return client.batch().v1().jobs().inNamespace(NAMESPACE).withName(name).get();
  }

  /** The mock server runs no Job controller: tests write the status it would. */
  private static void setStatus(String name, JobStatus status) {
    client.batch().v1().jobs().inNamespace(NAMESPACE).withName(name).editStatus(j -> {
      j.setStatus(status);
      return j;
    });
  }

  private static Map<String, String> env(Container c) {
    return c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }
}
