package dev.escalator.operator.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.escalator.operator.api.KubernetesProbeSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** API errors, scripted on the mock server (expectation mode, not CRUD). */
@EnableKubernetesMockClient
class KubernetesProbeApiErrorTest {
  static KubernetesMockServer server;
  static KubernetesClient client;

  @Test
  void aForbiddenReadIsAnErrorNotAFailure() {
    server.expect().get().withPath("/apis/apps/v1/namespaces/shop/deployments/web")
        .andReturn(403, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Forbidden\",\"code\":403}")
        .always();
    KubernetesProbeSpec s = new KubernetesProbeSpec();
    s.kind = "Deployment";
    s.name = "web";
    s.namespace = "shop";
    assertThat(new KubernetesProbe(client).probe(s, Duration.ofSeconds(5)))
        .isEqualTo(ProbeResult.error("kubernetes: cannot read Deployment shop/web: HTTP 403"));
  }
}
