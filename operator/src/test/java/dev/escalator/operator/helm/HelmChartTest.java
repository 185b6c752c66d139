package dev.escalator.operator.helm;

import static dev.escalator.operator.helm.Chart.ofKind;
import static dev.escalator.operator.helm.Chart.render;
import static dev.escalator.operator.helm.Chart.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import dev.escalator.operator.OperatorSettings;
import dev.escalator.operator.ladder.StormGuard;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart in {@code helm/escalator}: it lints, renders, and grants the operator exactly the
 * API access it uses. Paths are relative to the operator module (surefire's working directory).
 */
class HelmChartTest {
  private static final Path CHART = Chart.DIR;
  private static final Path CRD = Path.of("../crds/environments.escalator.dev-v1.yml");
  private static final Path MONITORING = Path.of("../monitoring");
  /** The chart's copies (files/) of monitoring/'s files, kept in sync by `make chart-files`. */
  private static final Map<String, Path> CHART_FILES = Map.of(
      "escalator-rules.yml", MONITORING.resolve("escalator-rules.yml"),
      "escalator-dashboard.json", MONITORING.resolve("grafana/escalator-dashboard.json"),
      "escalator-alerts.yaml", MONITORING.resolve("grafana/escalator-alerts.yaml"));
  private static final String NAMESPACE = Chart.NAMESPACE;

  /** One ClusterRole rule in comparable form: group, resource, sorted verbs. */
  record Grant(String apiGroup, String resource, List<String> verbs) {
    static Grant of(String apiGroup, String resource, String... verbs) {
      return new Grant(apiGroup, resource, Stream.of(verbs).sorted().toList());
    }
  }

  /**
   * Everything the operator calls in the watched namespaces (the ClusterRole), and nothing more.
   * Where each comes from: environments: JOSDK's informer (list, watch), the Cleaner's finalizer
   * (patch), ClaimReleaser (get); environments/status: PrimaryUpdateAndCacheUtils
   * .patchStatusAndCacheResource (patch); environments/finalizers: JobAction's owner reference with
   * blockOwnerDeletion (an admission check, update); baremetalhosts: HostInventory (get, list) and
   * ClaimReleaser's informer (list, watch); baremetalhosts/status: HostInventory (patch); events:
   * EventRecorder (create); secrets: WebhookAction, HostInventory, OpenStackProvider (get by name);
   * apps workloads: KubernetesProbe (get), RolloutRestartAction (get, patch); jobs: JobAction
   * (get, create). ChartRbacMockTest checks a running operator's requests against the chart.
   */
  static final List<Grant> CLUSTER_GRANTS = List.of(
      Grant.of("escalator.dev", "environments", "get", "list", "watch", "patch"),
      Grant.of("escalator.dev", "environments/status", "patch"),
      Grant.of("escalator.dev", "environments/finalizers", "update"),
      Grant.of("escalator.dev", "baremetalhosts", "get", "list", "watch"),
      Grant.of("escalator.dev", "baremetalhosts/status", "patch"),
      Grant.of("", "events", "create"),
      Grant.of("", "secrets", "get"),
      Grant.of("apps", "deployments", "get", "patch"),
      Grant.of("apps", "statefulsets", "get", "patch"),
      Grant.of("apps", "daemonsets", "get", "patch"),
      Grant.of("batch", "jobs", "get", "create"));
  /** Verbs the operator never needs on anything. */
  private static final List<String> NEVER = List.of("*", "delete", "deletecollection", "escalate", "bind", "impersonate");

  @Test
  void chartLintsWithoutFailures() {
    LintResult result = new Helm(CHART).lint().strict().call();

    assertThat(result.isFailed()).as("lint messages: %s", result.getMessages()).isFalse();
  }

  @Test
  void rendersTheExpectedKinds() {
    assertThat(render(t -> t).stream().map(d -> d.path("kind").asText()))
        .contains("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Deployment", "Service")
        .doesNotContain("ServiceMonitor");
  }

  @Test
  void clusterRoleGrantsExactlyWhatTheOperatorUses() {
    ClusterRole role = single(render(t -> t), "ClusterRole", ClusterRole.class);

    List<Grant> grants = new ArrayList<>();
    for (PolicyRule rule : role.getRules()) {
      assertThat(rule.getResourceNames()).isNullOrEmpty();
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          grants.add(new Grant(group, resource, rule.getVerbs().stream().sorted().toList()));
        }
      }
    }
    assertThat(grants).containsExactlyInAnyOrderElementsOf(CLUSTER_GRANTS);
  }

  @Test
  void noRuleHasWildcardsDeletesOrMoreThanGetOnSecrets() {
    List<JsonNode> docs = render(t -> t);
    List<PolicyRule> rules = new ArrayList<>(single(docs, "ClusterRole", ClusterRole.class).getRules());
    rules.addAll(single(docs, "Role", Role.class).getRules());

    for (PolicyRule rule : rules) {
      assertThat(rule.getVerbs()).doesNotContainAnyElementsOf(NEVER);
      assertThat(rule.getResources()).doesNotContain("*").noneMatch(r -> r.endsWith("/*"));
      assertThat(rule.getApiGroups()).doesNotContain("*");
      assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
      if (rule.getResources().contains("secrets")) assertThat(rule.getVerbs()).as("Secrets are read by name only").containsExactly("get");
    }
  }

  @Test
  void leasesOnlyInTheReleaseNamespaceAndOnlyTheOperatorsLease() {
    List<JsonNode> docs = render(t -> t.set("leaderElection.leaseName", "esc-lease"));
    Role role = single(docs, "Role", Role.class);
    RoleBinding binding = single(docs, "RoleBinding", RoleBinding.class);
    Deployment deployment = single(docs, "Deployment", Deployment.class);

    assertThat(role.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(role.getRules()).extracting(HelmChartTest::describe).containsExactlyInAnyOrder(
        "coordination.k8s.io/leases [create]",
        "coordination.k8s.io/leases/esc-lease [get, patch, update]");
    assertThat(binding.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getName()).isEqualTo(deployment.getSpec().getTemplate().getSpec().getServiceAccountName());
      assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
    });
    assertThat(ofKind(render(t -> t.set("leaderElection.enabled", false)), "Role")).as("no Lease access without leader election").isEmpty();
    assertThat(ofKind(render(t -> t.set("rbac.create", false)), "Role")).isEmpty();
  }

  /** "group/resource[/name] [verbs]" */
  static String describe(PolicyRule rule) {
    List<String> out = new ArrayList<>();
    for (String group : rule.getApiGroups()) {
      for (String resource : rule.getResources()) {
        List<String> names = rule.getResourceNames() == null || rule.getResourceNames().isEmpty() ? List.of("") : rule.getResourceNames();
        for (String name : names) {
          out.add((group.isEmpty() ? "" : group + "/") + resource + (name.isEmpty() ? "" : "/" + name) + " " + rule.getVerbs().stream().sorted().toList());
        }
      }
    }
    return String.join(", ", out);
  }

  @Test
  void clusterRoleBindingBindsTheServiceAccount() {
    List<JsonNode> docs = render(t -> t);
    ClusterRoleBinding binding = single(docs, "ClusterRoleBinding", ClusterRoleBinding.class);
    ClusterRole role = single(docs, "ClusterRole", ClusterRole.class);
    Deployment deployment = single(docs, "Deployment", Deployment.class);

    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getName()).isEqualTo(deployment.getSpec().getTemplate().getSpec().getServiceAccountName());
      assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
    });
  }

  @Test
  void deploymentIsHardened() {
    Deployment deployment = single(render(t -> t), "Deployment", Deployment.class);
    Container container = operatorContainer(deployment);
    SecurityContext sc = container.getSecurityContext();

    assertThat(sc.getRunAsNonRoot()).isTrue();
    assertThat(sc.getRunAsUser()).isEqualTo(65532L);
    assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
    assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
    Capabilities caps = sc.getCapabilities();
    assertThat(caps.getDrop()).containsExactly("ALL");
    assertThat(caps.getAdd()).containsExactly("NET_RAW");
    assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(sc.getPrivileged()).isNotEqualTo(Boolean.TRUE);

    var podSecurity = deployment.getSpec().getTemplate().getSpec().getSecurityContext();
    assertThat(podSecurity.getRunAsNonRoot()).isTrue();
    // icmp checks: ping from a non-root user uses unprivileged ICMP sockets, enabled for its group.
    assertThat(podSecurity.getSysctls())
        .anySatisfy(s -> assertThat(s.getName()).isEqualTo("net.ipv4.ping_group_range"));
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
    // The root filesystem is read-only: /tmp is an emptyDir.
    assertThat(container.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
        .anySatisfy(v -> assertThat(v.getEmptyDir()).isNotNull());
  }

  @Test
  void deploymentHasProbesAndOperatorSettings() {
    Deployment deployment = single(render(t -> t), "Deployment", Deployment.class);
    Container container = operatorContainer(deployment);

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(container.getImage()).isEqualTo("ghcr.io/escalator-dev/escalator:0.1.0");
    assertThat(container.getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getName()).isEqualTo("metrics");
      assertThat(p.getContainerPort()).isEqualTo(8080);
    });
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("metrics");

    Map<String, EnvVar> env = container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    assertThat(env.get("ESCALATOR_LEADER_ELECTION").getValue()).isEqualTo("true");
    assertThat(env.get("ESCALATOR_LEASE_NAME").getValue()).isEqualTo("escalator-leader");
    assertThat(env.get("ESCALATOR_METRICS_PORT").getValue()).isEqualTo("8080");
    assertThat(env.get("POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
    assertThat(env).doesNotContainKey("ESCALATOR_NAMESPACES");
  }

  @Test
  void valuesReachTheDeployment() {
    Deployment deployment = single(render(t -> t
        .set("replicas", 3)
        .set("image.tag", "1.2.3")
        .set("watchNamespaces[0]", "shop")
        .set("watchNamespaces[1]", "payments")
        .set("leaderElection.enabled", false)
        .set("stormGuard.maxEscalations", 25)
        .set("stormGuard.meltdownPercent", 100)), "Deployment", Deployment.class);
    Container container = operatorContainer(deployment);
    Map<String, String> env = container.getEnv().stream()
        .filter(e -> e.getValue() != null).collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    assertThat(container.getImage()).isEqualTo("ghcr.io/escalator-dev/escalator:1.2.3");
    assertThat(env).containsEntry("ESCALATOR_NAMESPACES", "shop,payments")
        .containsEntry("ESCALATOR_LEADER_ELECTION", "false");
    assertThat(OperatorSettings.fromEnvironment(env).storm()).isEqualTo(new StormGuard.Limits(25, 3, 100, 4));
  }

  @Test
  void theChartsStormGuardDefaultsAreTheOperatorsOwn() {
    Container container = operatorContainer(single(render(t -> t), "Deployment", Deployment.class));
    Map<String, String> env = container.getEnv().stream()
        .filter(e -> e.getValue() != null).collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    assertThat(env).containsKeys("ESCALATOR_MAX_ESCALATIONS", "ESCALATOR_MAX_ESCALATIONS_PER_NAMESPACE", "ESCALATOR_MELTDOWN_PERCENT",
        "ESCALATOR_MELTDOWN_MIN_ENVIRONMENTS");
    assertThat(OperatorSettings.fromEnvironment(env).storm()).isEqualTo(StormGuard.Limits.defaults());
  }

  @Test
  void metricsServiceSelectsTheOperatorPods() {
    List<JsonNode> docs = render(t -> t);
    Service service = single(docs, "Service", Service.class);
    Deployment deployment = single(docs, "Deployment", Deployment.class);

    assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getPort()).isEqualTo(8080);
      assertThat(p.getTargetPort().getStrVal()).isEqualTo("metrics");
    });
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(service.getSpec().getSelector());
  }

  @Test
  void serviceMonitorOnlyWhenEnabled() {
    assertThat(ofKind(render(t -> t), "ServiceMonitor")).isEmpty();

    List<JsonNode> monitors = ofKind(render(t -> t.set("serviceMonitor.enabled", true)), "ServiceMonitor");
    assertThat(monitors).singleElement().satisfies(m -> {
      assertThat(m.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
      assertThat(m.path("spec").path("endpoints").get(0).path("port").asText()).isEqualTo("metrics");
    });
  }

  @Test
  void serviceMonitorKeepsTheEnvironmentsNamespaceLabel() {
    JsonNode monitor = ofKind(render(t -> t.set("serviceMonitor.enabled", true)), "ServiceMonitor").get(0);
    // Without it Prometheus renames the metrics' namespace label (the Environment's) to exported_namespace.
    assertThat(monitor.path("spec").path("endpoints").get(0).path("honorLabels").asBoolean()).isTrue();
  }

  @Test
  void chartFilesAreCopiesOfMonitoring() throws IOException {
    for (var e : CHART_FILES.entrySet()) {
      Path copy = CHART.resolve("files").resolve(e.getKey());
      assertThat(Files.readAllBytes(copy)).as("%s must be a copy of %s: run `make chart-files`", copy, e.getValue())
          .isEqualTo(Files.readAllBytes(e.getValue()));
    }
    try (Stream<Path> files = Files.list(CHART.resolve("files"))) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrderElementsOf(CHART_FILES.keySet());
    }
  }

  @Test
  void monitoringObjectsOnlyWhenEnabled() {
    assertThat(render(t -> t).stream().map(d -> d.path("kind").asText() + "/" + d.path("metadata").path("name").asText()))
        .doesNotContain("PrometheusRule/escalator", "ConfigMap/escalator-dashboard", "ConfigMap/escalator-grafana-alerts");
  }

  @Test
  void prometheusRuleCarriesExactlyTheRulesOfMonitoring() throws IOException {
    List<JsonNode> rules = ofKind(render(t -> t.set("prometheusRule.enabled", true).set("prometheusRule.labels.release", "kps")),
        "PrometheusRule");
    assertThat(rules).singleElement().satisfies(r -> {
      assertThat(r.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
      assertThat(r.path("metadata").path("namespace").asText()).isEqualTo(NAMESPACE);
      assertThat(r.path("metadata").path("labels").path("release").asText()).isEqualTo("kps");
      JsonNode expected = new YAMLMapper().readTree(MONITORING.resolve("escalator-rules.yml").toFile());
      assertThat(r.path("spec")).as("the PrometheusRule's spec is monitoring/escalator-rules.yml").isEqualTo(expected);
      assertThat(r.path("spec").path("groups").get(0).path("rules").size()).isGreaterThanOrEqualTo(7);
    });
  }

  @Test
  void grafanaDashboardConfigMapHoldsTheDashboardForTheSidecar() throws IOException {
    List<JsonNode> maps = ofKind(render(t -> t.set("grafanaDashboard.enabled", true).set("grafanaDashboard.namespace", "monitoring")
        .set("grafanaDashboard.annotations.grafana_folder", "Escalator")), "ConfigMap");
    assertThat(maps).singleElement().satisfies(m -> {
      assertThat(m.path("metadata").path("name").asText()).isEqualTo("escalator-dashboard");
      assertThat(m.path("metadata").path("namespace").asText()).isEqualTo("monitoring");
      assertThat(m.path("metadata").path("labels").path("grafana_dashboard").asText()).isEqualTo("1");
      assertThat(m.path("metadata").path("annotations").path("grafana_folder").asText()).isEqualTo("Escalator");
      String json = m.path("data").path("escalator-dashboard.json").asText();
      assertThat(json + "\n").as("byte for byte the dashboard file")
          .isEqualTo(Files.readString(MONITORING.resolve("grafana/escalator-dashboard.json")));
    });
  }

  @Test
  void grafanaAlertsConfigMapHoldsTheRulesWithTheDatasourceUid() throws IOException {
    String original = Files.readString(MONITORING.resolve("grafana/escalator-alerts.yaml"));
    JsonNode byDefault = ofKind(render(t -> t.set("grafanaAlerts.enabled", true)), "ConfigMap").get(0);
    assertThat(byDefault.path("metadata").path("labels").path("grafana_alert").asText()).isEqualTo("1");
    assertThat(byDefault.path("data").path("escalator-alerts.yaml").asText() + "\n").isEqualTo(original);

    JsonNode mimir = ofKind(render(t -> t.set("grafanaAlerts.enabled", true).set("grafanaAlerts.datasourceUid", "mimir")), "ConfigMap").get(0);
    JsonNode groups = new YAMLMapper().readTree(mimir.path("data").path("escalator-alerts.yaml").asText()).path("groups");
    List<String> uids = new ArrayList<>();
    groups.get(0).path("rules").forEach(r -> r.path("data").forEach(d -> uids.add(d.path("datasourceUid").asText())));
    assertThat(uids).contains("mimir", "__expr__").doesNotContain("prometheus");
  }

  @Test
  void chartCrdsAreTheGeneratedCrds() throws IOException {
    List<Path> chartCrds = new ArrayList<>();
    for (Path crd : List.of(CRD, CRD.resolveSibling("baremetalhosts.escalator.dev-v1.yml"))) {
      Path chartCrd = CHART.resolve("crds").resolve(crd.getFileName());
      assertThat(Files.readAllBytes(chartCrd))
          .as("%s must be a copy of %s", chartCrd, crd)
          .isEqualTo(Files.readAllBytes(crd));
      chartCrds.add(chartCrd);
    }
    try (Stream<Path> files = Files.list(CHART.resolve("crds"))) {
      assertThat(files).containsExactlyInAnyOrderElementsOf(chartCrds);
    }
  }

  @Test
  void schemaRejectsABadValueOnTemplate() {
    assertThatThrownBy(() -> render(t -> t.set("replicas", "two")))
        .hasMessageContaining("replicas");
    assertThatThrownBy(() -> render(t -> t.set("serviceMonitor.enabled", "yes-please")))
        .hasMessageContaining("serviceMonitor");
    assertThatThrownBy(() -> render(t -> t.set("grafanaAlerts.datasourceUid", "has spaces")))
        .hasMessageContaining("datasourceUid");
  }

  @Test
  void schemaRejectsABadValueOnLint(@TempDir Path dir) throws IOException {
    Path copy = dir.resolve("escalator");
    copyTree(CHART, copy);
    Path values = copy.resolve("values.yaml");
    String original = Files.readString(values);
    assertThat(original).contains("\nreplicas: 2\n");
    Files.writeString(values, original.replace("\nreplicas: 2\n", "\nreplicas: \"two\"\n"));

    LintResult result = new Helm(copy).lint().call();

    assertThat(result.isFailed()).isTrue();
    assertThat(String.join("\n", result.getMessages())).contains("replicas");
  }

  private static Container operatorContainer(Deployment deployment) {
    List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).hasSize(1);
    return containers.get(0);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(target);
        else Files.copy(p, target);
      }
    }
  }
}
