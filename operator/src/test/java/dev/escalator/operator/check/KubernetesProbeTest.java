package dev.escalator.operator.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.escalator.operator.api.KubernetesProbeSpec;
import dev.escalator.operator.check.ProbeResult.Outcome;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubernetesProbeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  static KubernetesClient client;

  private KubernetesProbe probe() {
    return new KubernetesProbe(client);
  }

  private static KubernetesProbeSpec spec(String kind, String name, Integer minReady) {
    KubernetesProbeSpec s = new KubernetesProbeSpec();
    s.kind = kind;
    s.name = name;
    s.namespace = "shop";
    s.minReady = minReady;
    return s;
  }

  private static void deployment(String name, Integer desired, Integer ready) {
    client.apps().deployments().inNamespace("shop").resource(new DeploymentBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withReplicas(desired).endSpec()
        .withNewStatus().withReadyReplicas(ready).endStatus()
        .build()).create();
  }

  @Test
  void deploymentWithAllDesiredReplicasReadyPasses() {
    deployment("web-all", 3, 3);
    assertThat(probe().probe(spec("Deployment", "web-all", null), TIMEOUT))
        .isEqualTo(ProbeResult.pass("Deployment shop/web-all: 3 of 3 ready"));
  }

  @Test
  void deploymentShortOfDesiredFailsUnlessMinReadyIsLower() {
    deployment("web-some", 3, 1);
    assertThat(probe().probe(spec("Deployment", "web-some", null), TIMEOUT))
        .isEqualTo(ProbeResult.fail("Deployment shop/web-some: 1 of 3 ready, 3 required"));
    assertThat(probe().probe(spec("Deployment", "web-some", 1), TIMEOUT).outcome()).isEqualTo(Outcome.PASS);
  }

  @Test
  void deploymentWithoutStatusHasNoReadyReplicas() {
    deployment("web-new", 2, null);
    assertThat(probe().probe(spec("Deployment", "web-new", null), TIMEOUT).message())
        .isEqualTo("Deployment shop/web-new: 0 of 2 ready, 2 required");
  }

  @Test
  void aWorkloadScaledToZeroStillNeedsOneReadyReplicaByDefault() {
    deployment("web-zero", 0, 0);
    assertThat(probe().probe(spec("Deployment", "web-zero", null), TIMEOUT).outcome()).isEqualTo(Outcome.FAIL);
    assertThat(probe().probe(spec("Deployment", "web-zero", 0), TIMEOUT).outcome()).isEqualTo(Outcome.PASS);
  }

  @Test
  void statefulSetReadinessIsRead() {
    client.apps().statefulSets().inNamespace("shop").resource(new StatefulSetBuilder()
        .withNewMetadata().withName("db").endMetadata()
        .withNewSpec().withReplicas(2).endSpec()
        .withNewStatus().withReadyReplicas(1).withReplicas(2).endStatus()
        .build()).create();
    assertThat(probe().probe(spec("StatefulSet", "db", null), TIMEOUT))
        .isEqualTo(ProbeResult.fail("StatefulSet shop/db: 1 of 2 ready, 2 required"));
  }

  @Test
  void daemonSetReadinessIsRead() {
    client.apps().daemonSets().inNamespace("shop").resource(new DaemonSetBuilder()
        .withNewMetadata().withName("agent").endMetadata()
        .withNewStatus().withDesiredNumberScheduled(4).withNumberReady(4)
            .withCurrentNumberScheduled(4).withNumberMisscheduled(0).endStatus()
        .build()).create();
    assertThat(probe().probe(spec("DaemonSet", "agent", null), TIMEOUT))
        .isEqualTo(ProbeResult.pass("DaemonSet shop/agent: 4 of 4 ready"));
  }

  @Test
  void aMissingWorkloadFails() {
    assertThat(probe().probe(spec("Deployment", "absent", null), TIMEOUT))
        .isEqualTo(ProbeResult.fail("Deployment shop/absent: not found"));
  }

  @Test
  void theSameNameInAnotherNamespaceDoesNotCount() {
    deployment("web-elsewhere", 1, 1);
    KubernetesProbeSpec s = spec("Deployment", "web-elsewhere", null);
    s.namespace = "other";
    assertThat(probe().probe(s, TIMEOUT).outcome()).isEqualTo(Outcome.FAIL);
  }

  @Test
  void anUnsupportedKindIsAnError() {
    assertThat(probe().probe(spec("ReplicaSet", "x", null), TIMEOUT).outcome()).isEqualTo(Outcome.ERROR);
  }

  @Test
  void withoutAClientEveryCheckIsAnError() {
    assertThat(new KubernetesProbe(null).probe(spec("Deployment", "web", null), TIMEOUT))
        .isEqualTo(ProbeResult.error("kubernetes: no Kubernetes client configured to read Deployment shop/web"));
  }
}
