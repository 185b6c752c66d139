package dev.escalator.operator.action;

import static dev.escalator.operator.action.Requests.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.escalator.operator.action.ActionProgress.State;
import dev.escalator.operator.api.RolloutRestartActionSpec;
import dev.escalator.operator.testing.SettableClock;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class RolloutRestartActionMockTest {
  static KubernetesClient client;

  private final SettableClock clock = new SettableClock(Instant.parse("2026-03-01T10:00:00.250Z"));
  private WorkloadControllerFixture controller;
  private RolloutRestartAction action;

  @BeforeEach
  void setUp() {
    controller = new WorkloadControllerFixture(client);
    action = new RolloutRestartAction(client, clock);
  }

  @AfterEach
  void cleanUp() {
    client.apps().deployments().inNamespace(NAMESPACE).delete();
    client.apps().statefulSets().inNamespace(NAMESPACE).delete();
    client.apps().daemonSets().inNamespace(NAMESPACE).delete();
  }

  @Test
  void restartsOncePerRequestAndAgainForAnotherAttempt() throws Exception {
    createDeployment("web", 2);
    ActionRequest first = Requests.forEnvironment("e1", 1);

    String handle = action.start(first, spec("Deployment", "web"));

    assertThat(handle).isEqualTo("Deployment/shop/web@" + first.workName());
    assertThat(templateAnnotations("web"))
        .containsEntry(RolloutRestartAction.RESTARTED_BY, first.workName())
        .containsEntry(RolloutRestartAction.RESTARTED_AT, "2026-03-01T10:00:00Z");
    String versionAfterFirst = deployment("web").getMetadata().getResourceVersion();

    // Same request again (the operator crashed before recording the handle): no second restart.
    clock.advance(Duration.ofMinutes(3));
    assertThat(action.start(first, spec("Deployment", "web"))).isEqualTo(handle);
    assertThat(templateAnnotations("web")).containsEntry(RolloutRestartAction.RESTARTED_AT, "2026-03-01T10:00:00Z");
    assertThat(deployment("web").getMetadata().getResourceVersion()).isEqualTo(versionAfterFirst);

    ActionRequest retry = Requests.forEnvironment("e1", 2);
    action.start(retry, spec("Deployment", "web"));
    assertThat(templateAnnotations("web"))
        .containsEntry(RolloutRestartAction.RESTARTED_BY, retry.workName())
        .containsEntry(RolloutRestartAction.RESTARTED_AT, "2026-03-01T10:03:00Z");
  }

  @Test
  void restartKeepsTheTemplatesOtherAnnotations() throws Exception {
    client.resource(new DeploymentBuilder(deploymentNamed("web", 1))
            .editSpec().editTemplate().editMetadata().addToAnnotations("team", "payments").endMetadata().endTemplate().endSpec()
            .build())
        .create();

    action.start(Requests.forEnvironment("e1", 1), spec("Deployment", "web"));

    assertThat(templateAnnotations("web")).containsEntry("team", "payments").containsKey(RolloutRestartAction.RESTARTED_BY);
  }

  @Test
  void deploymentRunsUntilEveryReplicaIsUpdatedAndAvailable() throws Exception {
    createDeployment("web", 2);
    controller.deploymentRolledOut(NAMESPACE, "web"); // settled before the restart
    ActionRequest request = Requests.forEnvironment("e1", 1);
    RolloutRestartActionSpec spec = spec("Deployment", "web");

    String handle = action.start(request, spec);

    assertThat(deployment("web").getMetadata().getGeneration())
        .as("the mock API server bumps generation on a template change, as a real one does")
        .isGreaterThan(deployment("web").getStatus().getObservedGeneration());
    assertThat(action.poll(request, spec, handle).state()).isEqualTo(State.RUNNING);

    controller.deploymentRolling(NAMESPACE, "web", 1);
    ActionProgress rolling = action.poll(request, spec, handle);
    assertThat(rolling.state()).isEqualTo(State.RUNNING);
    assertThat(rolling.message()).contains("Deployment shop/web").contains("1 of 2");

    controller.deploymentRolledOut(NAMESPACE, "web");
    ActionProgress done = action.poll(request, spec, handle);
    assertThat(done.state()).isEqualTo(State.SUCCEEDED);
  }

  @Test
  void deploymentPastItsProgressDeadlineFails() throws Exception {
    createDeployment("web", 2);
    ActionRequest request = Requests.forEnvironment("e1", 1);
    String handle = action.start(request, spec("Deployment", "web"));
    controller.deploymentPastProgressDeadline(NAMESPACE, "web", "ReplicaSet \"web-7d\" has timed out progressing.");

    ActionProgress progress = action.poll(request, spec("Deployment", "web"), handle);

    assertThat(progress.state()).isEqualTo(State.FAILED);
    assertThat(progress.message()).contains("progress deadline").contains("timed out progressing");
  }

  @Test
  void statefulSetRunsUntilTheUpdateRevisionIsCurrent() throws Exception {
    client.resource(new StatefulSetBuilder()
            .withNewMetadata().withName("db").withNamespace(NAMESPACE).endMetadata()
            .withNewSpec().withReplicas(3).withServiceName("db").withNewSelector().addToMatchLabels("app", "db").endSelector()
            .withTemplate(podTemplate("db")).endSpec()
            .build())
        .create();
    ActionRequest request = Requests.forEnvironment("e1", 1);
    RolloutRestartActionSpec spec = spec("StatefulSet", "db");

    String handle = action.start(request, spec);
    assertThat(handle).startsWith("StatefulSet/shop/db@");
    assertThat(client.apps().statefulSets().inNamespace(NAMESPACE).withName("db").get()
            .getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry(RolloutRestartAction.RESTARTED_BY, request.workName());

    controller.statefulSetRolling(NAMESPACE, "db", 2);
    assertThat(action.poll(request, spec, handle).state()).isEqualTo(State.RUNNING);
    controller.statefulSetRolling(NAMESPACE, "db", 3); // all updated, revision not yet current
    assertThat(action.poll(request, spec, handle).state()).isEqualTo(State.RUNNING);
    controller.statefulSetRolledOut(NAMESPACE, "db");
    assertThat(action.poll(request, spec, handle).state()).isEqualTo(State.SUCCEEDED);
  }

  @Test
  void daemonSetRunsUntilEveryScheduledPodIsUpdated() throws Exception {
    client.resource(new DaemonSetBuilder()
            .withNewMetadata().withName("agent").withNamespace(NAMESPACE).endMetadata()
            .withNewSpec().withNewSelector().addToMatchLabels("app", "agent").endSelector()
            .withTemplate(podTemplate("agent")).endSpec()
            .build())
        .create();
    ActionRequest request = Requests.forEnvironment("e1", 1);
    RolloutRestartActionSpec spec = spec("DaemonSet", "agent");

    String handle = action.start(request, spec);

    controller.daemonSetRolling(NAMESPACE, "agent", 4, 3);
    assertThat(action.poll(request, spec, handle).state()).isEqualTo(State.RUNNING);
    controller.daemonSetRolledOut(NAMESPACE, "agent", 4);
    assertThat(action.poll(request, spec, handle).state()).isEqualTo(State.SUCCEEDED);
  }

  @Test
  void onDeleteStatefulSetIsRefusedBecauseARestartWouldNotReplaceItsPods() {
    client.resource(new StatefulSetBuilder()
            .withNewMetadata().withName("db").withNamespace(NAMESPACE).endMetadata()
            .withNewSpec().withReplicas(1).withServiceName("db").withNewSelector().addToMatchLabels("app", "db").endSelector()
            .withNewUpdateStrategy().withType("OnDelete").endUpdateStrategy()
            .withTemplate(podTemplate("db")).endSpec()
            .build())
        .create();

    assertThatThrownBy(() -> action.start(Requests.forEnvironment("e1", 1), spec("StatefulSet", "db")))
        .isInstanceOf(ActionFailedException.class)
        .hasMessageContaining("StatefulSet shop/db")
        .hasMessageContaining("OnDelete");
  }

  @Test
  void missingWorkloadFailsNamingIt() {
    assertThatThrownBy(() -> action.start(Requests.forEnvironment("e1", 1), spec("Deployment", "nope")))
        .isInstanceOf(ActionFailedException.class)
        .hasMessage("Deployment shop/nope not found");
  }

  @Test
  void workloadDeletedDuringItsRolloutFailsThePoll() throws Exception {
    createDeployment("web", 1);
    ActionRequest request = Requests.forEnvironment("e1", 1);
    String handle = action.start(request, spec("Deployment", "web"));
    client.apps().deployments().inNamespace(NAMESPACE).withName("web").delete();

    assertThatThrownBy(() -> action.poll(request, spec("Deployment", "web"), handle))
        .isInstanceOf(ActionFailedException.class)
        .hasMessageContaining("Deployment shop/web not found");
  }

  @Test
  void nameAndNamespaceAreTemplatedWithTheRequest() throws Exception {
    client.resource(new DeploymentBuilder(deploymentNamed("web-1", 1)).editMetadata().withNamespace("edge").endMetadata().build())
        .create();
    RolloutRestartActionSpec spec = spec("Deployment", "${node.name}");
    spec.namespace = "edge";

    String handle = action.start(Requests.forNode("e1", 1), spec);

    assertThat(handle).startsWith("Deployment/edge/web-1@");
    assertThat(client.apps().deployments().inNamespace("edge").withName("web-1").get()
            .getSpec().getTemplate().getMetadata().getAnnotations())
        .containsKey(RolloutRestartAction.RESTARTED_BY);
    client.apps().deployments().inNamespace("edge").delete();
  }

  @Test
  void unknownTemplateVariableFailsNamingTheField() {
    assertThatThrownBy(() -> action.start(Requests.forEnvironment("e1", 1), spec("Deployment", "${node.name}")))
        .isInstanceOf(ActionFailedException.class)
        .hasMessageContaining("rolloutRestart.name")
        .hasMessageContaining("node.name");
  }

  @Test
  void malformedHandleIsRejected() {
    assertThatThrownBy(() -> action.poll(Requests.forEnvironment("e1", 1), spec("Deployment", "web"), "job/shop/web"))
        .isInstanceOf(ActionFailedException.class)
        .hasMessageContaining("not a rolloutRestart handle");
  }

  private static RolloutRestartActionSpec spec(String kind, String name) {
    RolloutRestartActionSpec spec = new RolloutRestartActionSpec();
    spec.kind = kind;
    spec.name = name;
    return spec;
  }

  private static void createDeployment(String name, int replicas) {
    client.resource(deploymentNamed(name, replicas)).create();
  }

  private static Deployment deploymentNamed(String name, int replicas) {
    return new DeploymentBuilder()
        .withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
        .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", name).endSelector()
        .withTemplate(podTemplate(name)).endSpec()
        .build();
  }

  private static PodTemplateSpec podTemplate(String app) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata().addToLabels("app", app).endMetadata()
        .withNewSpec().addNewContainer().withName(app).withImage("registry.example/" + app + ":1").endContainer().endSpec()
        .build();
  }

  private static Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(NAMESPACE).withName(name).get();
  }

  private static Map<String, String> templateAnnotations(String name) {
    return deployment(name).getSpec().getTemplate().getMetadata().getAnnotations();
  }
}
