package dev.escalator.operator.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.escalator.operator.EscalatorOperator;
import dev.escalator.operator.OperatorSettings;
import dev.escalator.operator.api.CheckSpec;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.EnvironmentStatus;
import dev.escalator.operator.api.KubernetesProbeSpec;
import dev.escalator.operator.demo.DemoEnvironments;
import dev.escalator.operator.demo.DemoService;
import dev.escalator.operator.demo.InProcessKubernetes;
import dev.escalator.operator.demo.SimulatedControllers;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.client.CollectorRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chart's RBAC against what the operator really calls. The whole operator, leader election
 * on and with an API client of its own, runs an escalation through every Kubernetes-facing level
 * kind (a Job, a rollout restart, a webhook whose headers come from a Secret) with a kubernetes
 * check, and the Environment is then deleted (its finalizer removed). Every request it made, as
 * (API group, resource, verb) in a namespace, must be granted by the rendered ClusterRole or by the
 * Role in the release namespace. Metal levels (baremetalhosts/status, BMC Secrets) are not run
 * here: HelmChartTest's table covers them.
 */
class ChartRbacMockTest {
  private static final String NS = "shop";
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private InProcessKubernetes kube;
  private KubernetesClient client;
  private DemoService service;
  private SimulatedControllers controllers;
  private EscalatorOperator operator;

  /**
   * Granted to every authenticated user by Kubernetes' default system:basic-user ClusterRole: JOSDK's
   * check of its Lease access at start.
   */
  private static final Call ACCESS_REVIEW = new Call("authorization.k8s.io", "selfsubjectrulesreviews", "create", null, null);

  /** One API request in RBAC terms: the attributes the API server's authorizer sees. */
  record Call(String apiGroup, String resource, String verb, String namespace, String name) {
    @Override
    public String toString() {
      return verb + " " + (apiGroup.isEmpty() ? "" : apiGroup + "/") + resource + (namespace == null ? "" : " in " + namespace);
    }

    boolean grantedBy(PolicyRule rule) {
      return rule.getApiGroups().contains(apiGroup) && rule.getResources().contains(resource) && rule.getVerbs().contains(verb)
          && (rule.getResourceNames() == null || rule.getResourceNames().isEmpty() || rule.getResourceNames().contains(name));
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    kube = new InProcessKubernetes();
    client = kube.client();
    service = new DemoService(line -> {});
    controllers = new SimulatedControllers(client, NS, line -> {}).start();
    client.apps().deployments().inNamespace(NS).resource(DemoEnvironments.shopDeployment(NS)).create();
    client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("deploy-token").endMetadata()
        .addToStringData("Authorization", "Bearer t").build()).create();
  }

  @AfterEach
  void tearDown() {
    if (operator != null) operator.close();
    controllers.close();
    service.close();
    kube.close();
  }

  @Test
  void everyCallTheOperatorMakesIsGrantedByTheChart() {
    OperatorSettings settings = OperatorSettings.defaults().withActionPollInterval(Duration.ofMillis(200)).withMetricsPort(0)
        .withLeaderElection(OperatorSettings.LeaderElection.disabled().withEnabled(true).withLease(Chart.NAMESPACE, "escalator-leader")
            .withIdentity("escalator-0"));
    // The chart's defaults: leaseName escalator-leader, in the release namespace.
    operator = new EscalatorOperator(kube.newClient("escalator-0"), settings, Clock.systemUTC(), new CollectorRegistry()).start();

    Environment shop = DemoEnvironments.shop(NS, "shop", service.baseUrl());
    shop.getSpec().checks.get(0).escalatesTo = "reprovision";
    shop.getSpec().ladder.get(2).action.webhook.headersFromSecret = "deploy-token";
    CheckSpec workload = new CheckSpec();
    workload.name = "workload";
    workload.escalatesTo = "restart";
    workload.periodSeconds = 1;
    workload.kubernetes = new KubernetesProbeSpec();
    workload.kubernetes.kind = "Deployment";
    workload.kubernetes.name = "shop";
    shop.getSpec().checks = List.of(shop.getSpec().checks.get(0), shop.getSpec().checks.get(1), workload);
    client.resources(Environment.class).inNamespace(NS).resource(shop).create();
    await().atMost(TIMEOUT).until(() -> status() != null && "Healthy".equals(status().phase));
    service.breakService();
    await().atMost(TIMEOUT).untilAsserted(() -> {
      assertThat(status().history).isNotEmpty();
      assertThat(status().history.get(0).steps).containsExactly("reprovision:Succeeded", "restart:Succeeded", "redeploy:Succeeded");
    });
    client.resources(Environment.class).inNamespace(NS).withName("shop").delete();
    await().atMost(TIMEOUT).until(() -> client.resources(Environment.class).inNamespace(NS).withName("shop").get() == null);

    List<Call> calls = kube.requests().stream().map(r -> call(r.method(), r.path())).toList();
    List<JsonNode> chart = Chart.render(t -> t);
    List<PolicyRule> everywhere = Chart.single(chart, "ClusterRole", ClusterRole.class).getRules();
    Role role = Chart.single(chart, "Role", Role.class);
    List<Call> refused = calls.stream().filter(c -> !c.equals(ACCESS_REVIEW))
        .filter(c -> everywhere.stream().noneMatch(c::grantedBy))
        .filter(c -> !role.getMetadata().getNamespace().equals(c.namespace()) || role.getRules().stream().noneMatch(c::grantedBy))
        .distinct().toList();
    Set<String> distinct = new TreeSet<>(calls.stream().map(Call::toString).toList());
    System.err.println("rbac: " + calls.size() + " operator API requests, " + distinct.size() + " distinct (verb, resource, namespace):\n  "
        + String.join("\n  ", distinct));

    assertThat(refused).as("requests the chart's RBAC would refuse").isEmpty();
    assertThat(distinct).as("the run exercised the Lease, status, Job, workload, Secret and Event calls").contains(
        "patch coordination.k8s.io/leases in " + Chart.NAMESPACE, "patch escalator.dev/environments/status in " + NS,
        "create batch/jobs in " + NS, "patch apps/deployments in " + NS, "get secrets in " + NS, "create events in " + NS);
    // The access review answered in tests reports exactly what the chart's Role grants.
    assertThat(InProcessKubernetes.LEASE_RULES).extracting(r -> r.getApiGroups() + " " + r.getResources() + " " + r.getResourceNames() + " " + r.getVerbs())
        .containsExactlyElementsOf(role.getRules().stream()
            .map(r -> r.getApiGroups() + " " + r.getResources() + " " + r.getResourceNames() + " " + r.getVerbs()).toList());
  }

  private EnvironmentStatus status() {
    Environment e = client.resources(Environment.class).inNamespace(NS).withName("shop").get();
    return e == null ? null : e.getStatus();
  }

  /** The RBAC request attributes of an API request, as the API server's authorizer derives them. */
  static Call call(String method, String path) {
    URI uri = URI.create(path);
    List<String> p = new ArrayList<>(List.of(uri.getPath().substring(1).split("/")));
    String group = p.get(0).equals("api") ? "" : p.get(1);
    List<String> rest = p.subList(p.get(0).equals("api") ? 2 : 3, p.size());
    String namespace = null;
    if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
      namespace = rest.get(1);
      rest = rest.subList(2, rest.size());
    }
    String resource = rest.get(0) + (rest.size() > 2 ? "/" + rest.get(2) : "");
    String name = rest.size() > 1 ? rest.get(1) : null;
    boolean named = name != null;
    boolean watch = uri.getQuery() != null && uri.getQuery().contains("watch=true");
    String verb = switch (method) {
      case "GET" -> named ? "get" : watch ? "watch" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> named ? "delete" : "deletecollection";
      default -> throw new IllegalArgumentException("unexpected method " + method + " " + path);
    };
    return new Call(group, resource, verb, namespace, name);
  }
}
