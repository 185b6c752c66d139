package dev.escalator.operator.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.escalator.operator.api.JobActionSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

/** Scripted API answers (not CRUD mode), to reproduce a create that loses a race. */
@EnableKubernetesMockClient
class JobActionConflictMockTest {
  static KubernetesMockServer server;
  static KubernetesClient client;

  private final JobAction action = new JobAction(client);

  @Test
  void aCreateThatLosesARaceAdoptsTheWinnersJob() throws Exception {
    ActionRequest request = Requests.forEnvironment("e9", 1);
    JobActionSpec spec = spec();
    Job winners = action.job(request, spec);
    String jobPath = "/apis/batch/v1/namespaces/shop/jobs/" + request.workName();
    server.expect().get().withPath(jobPath)
        .andReturn(404, new StatusBuilder().withCode(404).withReason("NotFound").build()).once();
    server.expect().post().withPath("/apis/batch/v1/namespaces/shop/jobs")
        .andReturn(409, new StatusBuilder().withCode(409).withReason("AlreadyExists").build()).once();
    server.expect().get().withPath(jobPath).andReturn(200, winners).once();

    String handle = action.start(request, spec);

    assertThat(handle).isEqualTo("job/shop/" + request.workName());
    assertThat(server.getRequestCount()).as("get, create (409), get again").isEqualTo(3);
  }

  @Test
  void aJobTheApiServerRefusesFailsTheStep() {
    ActionRequest request = Requests.forEnvironment("e9", 2);
    server.expect().get().withPath("/apis/batch/v1/namespaces/shop/jobs/" + request.workName())
        .andReturn(404, new StatusBuilder().withCode(404).withReason("NotFound").build()).once();
    server.expect().post().withPath("/apis/batch/v1/namespaces/shop/jobs")
        .andReturn(422, new StatusBuilder().withCode(422).withReason("Invalid")
            .withMessage("Job.batch \"x\" is invalid: spec.template.spec.containers[0].image: Required value").build())
        .once();

    assertThatThrownBy(() -> action.start(request, spec()))
        .isInstanceOf(ActionFailedException.class)
        .hasMessageContaining("refused by the API server")
        .hasMessageContaining("image: Required value");
  }

  private static JobActionSpec spec() {
    JobActionSpec spec = new JobActionSpec();
    spec.template = new PodTemplateSpecBuilder()
        .withNewSpec().addNewContainer().withName("run").withImage("registry.example/run:1").endContainer().endSpec()
        .build();
    return spec;
  }
}
