package dev.escalator.operator.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.escalator.operator.api.AlertProbeSpec;
import dev.escalator.operator.api.CheckSpec;
import dev.escalator.operator.api.HttpProbeSpec;
import dev.escalator.operator.api.IcmpProbeSpec;
import dev.escalator.operator.api.KubernetesProbeSpec;
import dev.escalator.operator.api.Scope;
import dev.escalator.operator.api.TcpProbeSpec;
import dev.escalator.operator.spec.SpecProblem;
import dev.escalator.operator.ladder.Node;
import dev.escalator.operator.ladder.Target;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class CheckExpansionTest {
  private static final KubernetesClient CLIENT = new KubernetesClientBuilder().build();
  private final CheckExpansion expansion = new CheckExpansion(CheckTypes.standard(CLIENT));

  private static final List<Node> INVENTORY = List.of(
      new Node("web-2", "web", "10.0.0.12"),
      new Node("db-1", "db", "10.0.1.11"),
      new Node("web-1", "web", "10.0.0.11"));

  @AfterAll
  static void close() {
    CLIENT.close();
  }

  private static CheckSpec check(String name, Scope scope, String tier) {
    CheckSpec c = new CheckSpec();
    c.name = name;
    c.scope = scope;
    c.tier = tier;
    c.escalatesTo = "redeploy";
    return c;
  }

  private static CheckSpec icmp(String name, Scope scope, String tier, String host) {
    CheckSpec c = check(name, scope, tier);
    c.icmp = new IcmpProbeSpec();
    c.icmp.host = host;
    return c;
  }

  private static CheckSpec http(String name, Scope scope, String url) {
    CheckSpec c = check(name, scope, null);
    c.http = new HttpProbeSpec();
    c.http.url = url;
    return c;
  }

  private List<ScheduledCheck> expand(CheckSpec... checks) {
    return expansion.expand("shop-prod", "shop", List.of(checks), INVENTORY);
  }

  @Test
  void anEnvironmentCheckIsOneScheduledCheckWithItsSettings() {
    CheckSpec c = http("smoke", Scope.Environment, "https://${environment}.example.com/${namespace}");
    c.periodSeconds = 30;
    c.timeoutSeconds = 7;
    c.failureThreshold = 4;
    c.successThreshold = 2;
    List<ScheduledCheck> out = expand(c);
    assertThat(out).hasSize(1);
    ScheduledCheck s = out.get(0);
    assertThat(s.checkName()).isEqualTo("smoke");
    assertThat(s.target()).isEqualTo(Target.environment());
    assertThat(s.level()).isEqualTo("redeploy");
    assertThat(s.type()).isEqualTo("http");
    assertThat(s.period()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(s.failureThreshold()).isEqualTo(4);
    assertThat(s.successThreshold()).isEqualTo(2);
    assertThat(((HttpProbeSpec) s.spec()).url).isEqualTo("https://shop-prod.example.com/shop");
  }

  @Test
  void templatingMakesACopyAndLeavesTheSpecAsWritten() {
    CheckSpec c = icmp("ping", Scope.Node, null, "${node.address}");
    List<ScheduledCheck> out = expand(c);
    assertThat(c.icmp.host).isEqualTo("${node.address}");
    assertThat(out).extracting(s -> s.spec()).doesNotContain(c.icmp);
  }

  @Test
  void aTierCheckRunsOncePerDistinctInventoryTierInNameOrder() {
    CheckSpec c = check("lb", Scope.Tier, null);
    c.tcp = new TcpProbeSpec();
    c.tcp.host = "${tier}.${environment}.internal";
    c.tcp.port = 443;
    List<ScheduledCheck> out = expand(c);
    assertThat(out).extracting(ScheduledCheck::target).containsExactly(Target.tier("db"), Target.tier("web"));
    assertThat(out).extracting(s -> ((TcpProbeSpec) s.spec()).host)
        .containsExactly("db.shop-prod.internal", "web.shop-prod.internal");
    assertThat(out).extracting(s -> ((TcpProbeSpec) s.spec()).port).containsOnly(443);
  }

  @Test
  void aTierCheckForANamedTierRunsEvenWhenTheTierHasNoNodes() {
    // An empty tier is exactly when the check must run: it is how the ladder learns to build it.
    List<ScheduledCheck> out = expand(icmp("cache", Scope.Tier, "cache", "cache.${environment}"));
    assertThat(out).extracting(ScheduledCheck::target).containsExactly(Target.tier("cache"));
  }

  @Test
  void aNodeCheckRunsPerNodeWithThatNodesValues() {
    List<ScheduledCheck> out = expand(icmp("ping", Scope.Node, null, "${node.address}"));
    assertThat(out).extracting(ScheduledCheck::target).containsExactly(
        Target.node("db", "db-1"), Target.node("web", "web-1"), Target.node("web", "web-2"));
    assertThat(out).extracting(s -> ((IcmpProbeSpec) s.spec()).host)
        .containsExactly("10.0.1.11", "10.0.0.11", "10.0.0.12");
  }

  @Test
  void aNodeCheckWithATierRunsOnThatTiersNodesOnly() {
    CheckSpec c = check("app", Scope.Node, "web");
    c.alert = new AlertProbeSpec();
    c.alert.alertmanagerUrl = "http://am:9093";
    c.alert.matchers = Map.of("instance", "${node.name}:9100", "tier", "${tier}", "node_tier", "${node.tier}");
    List<ScheduledCheck> out = expand(c);
    assertThat(out).extracting(ScheduledCheck::target)
        .containsExactly(Target.node("web", "web-1"), Target.node("web", "web-2"));
    assertThat(((AlertProbeSpec) out.get(0).spec()).matchers)
        .isEqualTo(Map.of("instance", "web-1:9100", "tier", "web", "node_tier", "web"));
  }

  @Test
  void aNodeCheckOverAnEmptyInventoryHasNoTargets() {
    assertThat(expansion.expand("e", "ns", List.of(icmp("ping", Scope.Node, null, "${node.address}")), List.of()))
        .isEmpty();
  }

  @Test
  void inventoryValuesAreInsertedLiterallyNeverExpandedAgain() {
    List<Node> hostile = List.of(new Node("evil", "web", "${environment}"));
    List<ScheduledCheck> out = expansion.expand("shop-prod", "shop",
        List.of(icmp("ping", Scope.Node, null, "${node.address}")), hostile);
    assertThat(((IcmpProbeSpec) out.get(0).spec()).host).isEqualTo("${environment}");
  }

  @Test
  void mapValuesAndListsAreRenderedButMapKeysAreNot() {
    CheckSpec c = http("api", Scope.Node, "http://${node.address}:8080/health");
    c.http.headers = Map.of("X-${tier}", "node=${node.name}");
    c.http.expectStatus = List.of(200, 204);
    ScheduledCheck s = expand(c).get(0);
    HttpProbeSpec spec = (HttpProbeSpec) s.spec();
    assertThat(spec.url).isEqualTo("http://10.0.1.11:8080/health");
    assertThat(spec.headers).isEqualTo(Map.of("X-${tier}", "node=db-1"));
    assertThat(spec.expectStatus).containsExactly(200, 204);
  }

  @Test
  void anUnknownVariableStopsExpansionNamingTheField() {
    CheckSpec ok = icmp("ping", Scope.Environment, null, "gw.${environment}");
    CheckSpec bad = http("api", Scope.Environment, "http://x/");
    bad.http.headers = Map.of("X-Node", "${node.address}");
    assertThatThrownBy(() -> expand(ok, ok, bad))
        .isInstanceOfSatisfying(CheckSpecException.class, e -> {
          assertThat(e.field()).isEqualTo("spec.checks[2].http.headers[\"X-Node\"]");
          assertThat(e.getMessage()).contains("${node.address}");
        });
  }

  @Test
  void aCheckWithoutExactlyOneProbeIsRefusedWithItsPath() {
    assertThatThrownBy(() -> expand(check("nothing", Scope.Environment, null)))
        .isInstanceOfSatisfying(CheckSpecException.class, e -> assertThat(e.field()).isEqualTo("spec.checks[0]"));
  }

  @Test
  void kubernetesNamespaceDefaultsToTheEnvironmentsNamespace() {
    CheckSpec c = check("workload", Scope.Environment, null);
    c.kubernetes = new KubernetesProbeSpec();
    c.kubernetes.kind = "Deployment";
    c.kubernetes.name = "${environment}-web";
    KubernetesProbeSpec spec = (KubernetesProbeSpec) expand(c).get(0).spec();
    assertThat(spec.namespace).isEqualTo("shop");
    assertThat(spec.name).isEqualTo("shop-prod-web");
  }

  @Test
  void expandingTwiceGivesEqualScheduledChecks() {
    // The scheduler keeps a check's state across reconciles only if this holds.
    CheckSpec c = http("api", Scope.Node, "http://${node.address}/");
    c.http.headers = Map.of("A", "1");
    assertThat(expand(c)).isEqualTo(expand(c));
    CheckSpec changed = http("api", Scope.Node, "http://${node.address}/v2");
    assertThat(expand(changed)).doesNotContainAnyElementsOf(expand(c));
  }

  @Test
  void validateReportsVariablesUnavailableAtTheChecksScope() {
    List<CheckSpec> checks = List.of(
        http("fine", Scope.Node, "http://${node.address}/${tier}/${environment}"),
        icmp("tier-ok", Scope.Tier, null, "${tier}.${namespace}"),
        http("smoke", Scope.Environment, "http://${node.address}/"),
        icmp("tier-node", Scope.Tier, null, "${node.name}"),
        icmp("typo", Scope.Node, null, "${node.adress}"));
    assertThat(expansion.validate(checks)).containsExactly(
        new SpecProblem("spec.checks[2].http.url",
            "${node.address} is not available in a Environment-scoped check (available: ${environment}, ${namespace})"),
        new SpecProblem("spec.checks[3].icmp.host",
            "${node.name} is not available in a Tier-scoped check (available: ${environment}, ${namespace}, ${tier})"),
        new SpecProblem("spec.checks[4].icmp.host",
            "unknown template variable ${node.adress} (available: ${environment}, ${namespace}, ${node.address},"
                + " ${node.name}, ${node.tier}, ${tier})"));
  }

  @Test
  void validateReportsAChecksMissingProbe() {
    assertThat(expansion.validate(List.of(check("nothing", Scope.Environment, null))))
        .extracting(SpecProblem::field).containsExactly("spec.checks[0]");
  }

  @Test
  void validChecksHaveNoProblems() {
    assertThat(expansion.validate(List.of(http("a", Scope.Environment, "http://${environment}/")))).isEmpty();
  }
}
