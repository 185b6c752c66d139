package dev.escalator.operator.openstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.escalator.operator.action.ActionFailedException;
import dev.escalator.operator.action.ActionProgress;
import dev.escalator.operator.action.ActionRequest;
import dev.escalator.operator.api.OpenStackProbeSpec.Resource;
import dev.escalator.operator.check.ProbeResult;
import dev.escalator.operator.check.ProbeResult.Outcome;
import dev.escalator.operator.ladder.Node;
import dev.escalator.operator.ladder.Target;
import dev.escalator.operator.openstack.sim.Faults;
import dev.escalator.operator.openstack.sim.Faults.Match;
import dev.escalator.operator.openstack.sim.Kind;
import dev.escalator.operator.openstack.sim.OpenStackSimulator;
import dev.escalator.operator.openstack.sim.Service;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenStack provider against the project's in-process OpenStack API simulator: the same flows
 * as on the real cloud, fast, plus the faults a real cloud cannot produce on demand (API down,
 * lost replies, 5xx, 429, servers failing to build) and bad configuration.
 */
class OpenStackProviderSimTest {
  private static final String CLOUD = "sim";
  private static final OpenStackClouds.Settings FAST = new OpenStackClouds.Settings(
      Duration.ofSeconds(2), Duration.ofSeconds(5), 3, Duration.ofMillis(10), 4, 50f, Duration.ofMillis(300), Duration.ofMinutes(5));

  private OpenStackSimulator sim;
  private final Map<String, Map<String, String>> secrets = new ConcurrentHashMap<>();
  private final Map<String, String> circuit = new ConcurrentHashMap<>();
  private OpenStackClouds clouds;
  private ProviderHarness h;

  @BeforeEach
  void setUp() {
    sim = new OpenStackSimulator().start();
    secrets.put(ProviderHarness.NS + "/" + RealCloud.SECRET, Map.of("clouds.yaml", sim.cloudsYaml(CLOUD)));
    clouds = new OpenStackClouds((ns, name) -> Optional.ofNullable(secrets.get(ns + "/" + name)), FAST, Clock.systemUTC(), circuit::put);
    h = new ProviderHarness(clouds, "shop", CLOUD);
  }

  @AfterEach
  void tearDown() {
    sim.close();
  }

  @Test
  void buildsFromNothingThenRepeatsEveryLevelWithoutDuplicates() throws Exception {
    assertThat(h.check(Resource.Online, null).outcome()).as("no project yet").isEqualTo(Outcome.FAIL);
    List<Node> nodes = h.build("e1");
    assertThat(nodes).extracting(Node::name).containsExactly("web-1", "web-2");
    assertThat(nodes).allSatisfy(n -> {
      assertThat(n.address()).startsWith("10.0.0.");
      assertThat(n.providerId()).isNotNull();
    });
    Map<Kind, Integer> built = sim.counts();
    assertThat(sim.count(Kind.SERVER)).isEqualTo(2);
    assertThat(sim.names(Kind.SERVER)).containsExactly("esc-it-shop-web-1", "esc-it-shop-web-2");
    assertThat(h.check(Resource.Online, null).outcome()).isEqualTo(Outcome.PASS);
    assertThat(h.check(Resource.Network, null).outcome()).isEqualTo(Outcome.PASS);
    assertThat(h.check(Resource.Server, "web-2").outcome()).isEqualTo(Outcome.PASS);

    h.build("e2");
    assertThat(sim.counts()).isEqualTo(built);
    assertThat(sim.server(nodes.get(0).providerId())).get().satisfies(s ->
        assertThat(new String(java.util.Base64.getDecoder().decode(s.userData()), java.nio.charset.StandardCharsets.UTF_8))
            .as("user data rendered per node").contains("hostname: web-1"));
  }

  @Test
  void repairsOneNodeRebootThenRebuildThenRecreateKeepingItsAddressAndTouchingNoOther() throws Exception {
    List<Node> nodes = h.build("e1");
    Node web1 = nodes.get(0);
    Map<Kind, Integer> built = sim.counts();

    assertThat(h.run("e2", 0, 1, "server", web1.target(), nodes).message()).contains("rebooted");
    assertThat(sim.serverActions("reboot")).isEqualTo(1);
    assertThat(h.run("e2", 0, 2, "server", web1.target(), nodes).message()).contains("rebuilt");
    assertThat(sim.serverActions("rebuild")).isEqualTo(1);
    ActionProgress recreated = h.run("e2", 0, 3, "server", web1.target(), nodes);
    assertThat(recreated.message()).contains("recreated");
    assertThat(recreated.nodes()).singleElement().satisfies(n -> {
      assertThat(n.address()).isEqualTo(web1.address());
      assertThat(n.providerId()).isNotEqualTo(web1.providerId());
    });
    assertThat(sim.counts()).isEqualTo(built);
    assertThat(sim.server(nodes.get(1).providerId())).as("web-2 untouched").isPresent();
    assertThat(sim.serverActions("reboot")).as("starting twice acted once").isEqualTo(1);
  }

  @Test
  void aServerKilledBehindItsBackIsRecreatedWhateverTheAttempt() throws Exception {
    List<Node> nodes = h.build("e1");
    sim.faults().killServer(nodes.get(1).providerId(), Faults.ServerDeath.VANISH);
    assertThat(h.check(Resource.Server, "web-2")).isEqualTo(ProbeResult.fail("server esc-it-shop-web-2 not found"));

    ActionProgress done = h.run("e2", 0, 1, "server", nodes.get(1).target(), nodes);
    assertThat(done.state()).isEqualTo(ActionProgress.State.SUCCEEDED);
    assertThat(done.nodes().get(0).address()).isEqualTo(nodes.get(1).address());
    assertThat(sim.count(Kind.SERVER)).isEqualTo(2);
    assertThat(sim.serverActions("reboot")).as("nothing to reboot: recreated").isZero();
  }

  @Test
  void aBootWhoseReplyIsLostIsNotRetriedBlindlyAndTheNextEnsureFindsTheServer() throws Exception {
    h.run("e1", 0, 1, "project", Target.environment(), List.of());
    h.run("e1", 1, 1, "network", Target.environment(), List.of());
    sim.faults().failNextAfterApplying(Match.call("POST /compute/v2.1/servers"), 1, 500);
    ActionRequest tier = h.request("e1", 2, 1, "tier", Target.tier("web"), List.of());

    assertThatThrownBy(() -> h.action.start(tier, h.spec("tier")))
        .isInstanceOf(OpenStackUnavailableException.class)
        .hasMessageContaining("nova: boot server esc-it-shop-web-1: HTTP 500");
    assertThat(sim.count(Kind.SERVER)).as("the lost reply's server exists").isEqualTo(1);

    String handle = h.action.start(tier, h.spec("tier"));
    assertThat(h.pollUntilDone(tier, "tier", handle).state()).isEqualTo(ActionProgress.State.SUCCEEDED);
    assertThat(sim.names(Kind.SERVER)).containsExactly("esc-it-shop-web-1", "esc-it-shop-web-2");
  }

  @Test
  void aSecurityGroupLeftWithoutItsRulesFailsTheNetworkCheckAndTheNetworkLevelAddsThem() throws Exception {
    // Found by the crash harness: an operator that dies right after creating the group leaves it
    // without its ingress rules; the check passed on the group alone, so nothing ever added them.
    h.run("e1", 0, 1, "project", Target.environment(), List.of());
    sim.faults().failNext(Match.call("POST /network/v2.0/security-group-rules"), 1, 500);
    ActionRequest network = h.request("e1", 1, 1, "network", Target.environment(), List.of());
    assertThatThrownBy(() -> h.action.start(network, h.spec("network"))).isInstanceOf(OpenStackUnavailableException.class);
    assertThat(sim.names(Kind.SECURITY_GROUP)).contains("esc-it-shop");

    assertThat(h.check(Resource.Network, null))
        .isEqualTo(ProbeResult.fail("1 ingress rule(s) of security group esc-it-shop is missing"));
    assertThat(h.run("e2", 1, 1, "network", Target.environment(), List.of()).state()).isEqualTo(ActionProgress.State.SUCCEEDED);
    assertThat(h.check(Resource.Network, null).outcome()).isEqualTo(Outcome.PASS);
    assertThat(sim.names(Kind.SECURITY_GROUP_RULE)).containsOnlyOnce("ingress/IPv4/tcp");
  }

  @Test
  void aProjectWhoseQuotasWereNotSetFailsTheOnlineCheckSoTheProjectLevelRunsAgain() throws Exception {
    // Found by the crash harness: quotas were set after the role grant the check looks at, so an
    // operator that died in between left a project the check accepted, and quotas were never set.
    sim.faults().serviceDown(Service.COMPUTE);
    ActionRequest project = h.request("e1", 0, 1, "project", Target.environment(), List.of());
    assertThatThrownBy(() -> h.action.start(project, h.spec("project"))).isInstanceOf(OpenStackUnavailableException.class);
    sim.faults().serviceUp(Service.COMPUTE);
    assertThat(sim.projectId("it-shop")).as("the project exists").isNotNull();
    assertThat(h.check(Resource.Online, null).outcome()).as("no grant before the quotas").isEqualTo(Outcome.FAIL);

    assertThat(h.run("e2", 0, 1, "project", Target.environment(), List.of()).state()).isEqualTo(ActionProgress.State.SUCCEEDED);
    assertThat(h.check(Resource.Online, null).outcome()).isEqualTo(Outcome.PASS);
    assertThat(sim.requests("PUT /compute/v2.1/os-quota-sets/{project}")).isGreaterThanOrEqualTo(2);
  }

  @Test
  void transientErrorsAreRetriedAndA429DoesNotFailTheStep() throws Exception {
    sim.faults().throttleNext(Match.service(Service.NETWORK), 2, Duration.ofSeconds(1));
    sim.faults().failNext(Match.service(Service.COMPUTE), 1, 503);
    assertThat(h.build("e1")).hasSize(2);
    assertThat(circuit.values()).containsOnly("CLOSED");
  }

  @Test
  void anApiThatStaysDownIsTransientOpensTheCircuitAndIsReportedNotActedOn() throws Exception {
    h.build("e1");
    sim.faults().serviceDown(Service.COMPUTE);
    ActionRequest repair = h.request("e2", 0, 1, "server", Target.node("web", "web-1"), List.of());

    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> h.action.start(repair, h.spec("server")))
          .isInstanceOf(OpenStackUnavailableException.class)
          .hasMessageStartingWith("nova: find server esc-it-shop-web-1");
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> "OPEN".equals(circuit.get(sim.identityEndpoint())));
    assertThat(h.clouds.endpoints(ProviderHarness.NS, "shop")).singleElement().satisfies(e -> assertThat(e.circuit()).isEqualTo("OPEN"));
    ProbeResult whileOpen = h.check(Resource.Server, "web-1");
    assertThat(whileOpen.outcome()).as("an unobservable cloud is ERROR, never a failure").isEqualTo(Outcome.ERROR);
    assertThat(whileOpen.message()).contains("circuit breaker");
    assertThat(sim.serverActions("reboot")).isZero();

    sim.faults().serviceUp(Service.COMPUTE);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> h.check(Resource.Server, "web-1").outcome() == Outcome.PASS);
    assertThat(circuit.get(sim.identityEndpoint())).isEqualTo("CLOSED");
  }

  @Test
  void serversThatFailToBuildFailTheTierWithNovasFaultOrAreReplacedWhenAsked() throws Exception {
    h.run("e1", 0, 1, "project", Target.environment(), List.of());
    h.run("e1", 1, 1, "network", Target.environment(), List.of());
    sim.faults().failNextBuilds(1, "No valid host was found.");
    ActionProgress failed = h.run("e1", 2, 1, "tier", Target.tier("web"), List.of());
    assertThat(failed.state()).isEqualTo(ActionProgress.State.FAILED);
    assertThat(failed.message()).contains("esc-it-shop-web-1 is ERROR").contains("No valid host was found.");
    assertThat(failed.nodes()).as("what was created is reported even on failure").hasSize(2);

    h.spec("tier").tier.replaceUnhealthy = true;
    ActionProgress replaced = h.run("e2", 2, 1, "tier", Target.tier("web"), List.of());
    assertThat(replaced.state()).as(replaced.message()).isEqualTo(ActionProgress.State.SUCCEEDED);
    assertThat(sim.count(Kind.SERVER)).isEqualTo(2);
  }

  @Test
  void badConfigurationFailsTheStepWithAClearMessageAndNeverLeaksTheSecret() throws Exception {
    ActionRequest project = h.request("e1", 0, 1, "project", Target.environment(), List.of());

    secrets.clear();
    assertThatThrownBy(() -> h.action.start(project, h.spec("project")))
        .isInstanceOf(ActionFailedException.class).hasMessage("Secret it/openstack-clouds not found");
    assertThat(h.check(Resource.Online, null)).isEqualTo(ProbeResult.error("openstack: Secret it/openstack-clouds not found"));

    secrets.put("it/openstack-clouds", Map.of("other", "x"));
    assertThatThrownBy(() -> h.action.start(project, h.spec("project")))
        .hasMessage("Secret it/openstack-clouds has no key clouds.yaml (keys: other)");

    secrets.put("it/openstack-clouds", Map.of("clouds.yaml", "clouds: {other: {auth: {}}}"));
    assertThatThrownBy(() -> h.action.start(project, h.spec("project")))
        .hasMessage("clouds.yaml has no cloud 'sim' (clouds: other)");

    String wrong = sim.cloudsYaml(CLOUD).replace(OpenStackSimulator.ADMIN_PASSWORD, "not-the-password");
    secrets.put("it/openstack-clouds", Map.of("clouds.yaml", wrong));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    try {
      h.action.start(project, h.spec("project"));
    } catch (ActionFailedException e) {
      thrown.set(e);
    }
    assertThat(thrown.get()).hasMessageContaining("keystone").hasMessageContaining("401");
    ProbeResult refused = h.check(Resource.Online, null);
    assertThat(refused.outcome()).as("wrong credentials are not a missing project").isEqualTo(Outcome.ERROR);
    assertThat(refused.message()).contains("credentials of cloud sim are refused");
    assertThat(thrown.get().getMessage() + refused.message()).doesNotContain("not-the-password");
    assertThat(sim.names(Kind.PROJECT)).as("nothing was created on a guess").doesNotContain("it-shop");
  }

  @Test
  void memberCredentialsCannotCreateAProjectAndSaySo() throws Exception {
    sim.addUser("builder", "builder-secret", OpenStackSimulator.MEMBER_PROJECT, "member");
    String member = sim.cloudsYaml(CLOUD).replace("username: " + OpenStackSimulator.ADMIN_USER, "username: builder")
        .replace(OpenStackSimulator.ADMIN_PASSWORD, "builder-secret")
        .replace("project_name: " + OpenStackSimulator.ADMIN_PROJECT, "project_name: " + OpenStackSimulator.MEMBER_PROJECT);
    secrets.put("it/openstack-clouds", Map.of("clouds.yaml", member));
    ActionRequest project = h.request("e1", 0, 1, "project", Target.environment(), List.of());
    assertThatThrownBy(() -> h.action.start(project, h.spec("project")))
        .isInstanceOf(ActionFailedException.class)
        .hasMessageContaining("HTTP 403").hasMessageContaining("may not manage projects: that needs the admin role");
  }

  @Test
  void aRevokedTokenIsRenewedOnce() throws Exception {
    h.build("e1");
    sim.faults().revokeAllTokens();
    assertThat(h.check(Resource.Server, "web-1").outcome()).isEqualTo(Outcome.PASS);
  }
}
