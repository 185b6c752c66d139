package dev.escalator.operator.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewSpecBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the leader-election tests rely on in the in-process API. */
class InProcessKubernetesTest {
  private static final String LEASE = "/apis/coordination.k8s.io/v1/namespaces/ops/leases/leader";
  private final InProcessKubernetes kube = new InProcessKubernetes();

  @AfterEach
  void tearDown() {
    kube.close();
  }

  @Test
  void leaseUpdateWithAStaleResourceVersionIsAConflict() {
    KubernetesClient c = kube.client();
    Lease created = c.leases().inNamespace("ops").resource(new LeaseBuilder().withNewMetadata().withName("leader").endMetadata()
        .withNewSpec().withHolderIdentity("a").endSpec().build()).create();
    Lease read = c.leases().inNamespace("ops").withName("leader").get();
    read.getSpec().setHolderIdentity("b");
    Lease updated = c.leases().inNamespace("ops").resource(read).update();
    assertThat(updated.getMetadata().getResourceVersion()).isNotEqualTo(created.getMetadata().getResourceVersion());

    // A second replica that read the Lease before that update loses the race.
    created.getSpec().setHolderIdentity("c");
    assertThatThrownBy(() -> c.leases().inNamespace("ops").resource(created).update())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    assertThat(c.leases().inNamespace("ops").withName("leader").get().getSpec().getHolderIdentity()).isEqualTo("b");
  }

  @Test
  void leaseMergePatchWithAStaleResourceVersionIsAConflict() {
    // fabric8's LeaseLock renews and takes over a Lease with a JSON merge patch of the whole Lease,
    // resourceVersion included: the API server's precondition for it is the optimistic lock.
    KubernetesClient c = kube.client();
    Lease created = c.leases().inNamespace("ops").resource(new LeaseBuilder().withNewMetadata().withName("leader").endMetadata()
        .withNewSpec().withHolderIdentity("a").endSpec().build()).create();
    Lease read = c.leases().inNamespace("ops").withName("leader").get();
    read.getSpec().setHolderIdentity("b");
    c.resource(read).patch(PatchContext.of(PatchType.JSON_MERGE));

    created.getSpec().setHolderIdentity("c");
    assertThatThrownBy(() -> c.resource(created).patch(PatchContext.of(PatchType.JSON_MERGE)))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    assertThat(c.leases().inNamespace("ops").withName("leader").get().getSpec().getHolderIdentity()).isEqualTo("b");
  }

  @Test
  void selfSubjectRulesReviewReportsTheLeaseGrant() {
    SelfSubjectRulesReview review = new SelfSubjectRulesReview();
    review.setSpec(new SelfSubjectRulesReviewSpecBuilder().withNamespace("ops").build());

    SelfSubjectRulesReview answered = kube.client().resource(review).create();

    assertThat(answered.getStatus().getResourceRules()).isEqualTo(InProcessKubernetes.LEASE_RULES);
  }

  @Test
  void namedClientsAreRecordedAndCanBeCutOff() throws Exception {
    KubernetesClient a = kube.newClient("replica-a");
    KubernetesClient b = kube.newClient("replica-b");
    a.leases().inNamespace("ops").withName("leader").get();
    kube.client().leases().inNamespace("ops").withName("leader").get();

    kube.cutOff("replica-a");

    // fabric8 clients retry a 503 with backoff for many seconds: ask as replica-a once, directly.
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> cut = http.send(HttpRequest.newBuilder(URI.create(kube.url() + LEASE.substring(1)))
          .header("User-Agent", "replica-a").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(cut.statusCode()).isEqualTo(503);
    }
    assertThat(b.leases().inNamespace("ops").withName("leader").get()).as("other clients still get answers").isNull();
    assertThat(kube.requests()).containsExactly(
        new InProcessKubernetes.Request("replica-a", "GET", LEASE),
        new InProcessKubernetes.Request("replica-a", "GET", LEASE),
        new InProcessKubernetes.Request("replica-b", "GET", LEASE));
  }
}
