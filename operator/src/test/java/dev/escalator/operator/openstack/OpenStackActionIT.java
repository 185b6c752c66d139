package dev.escalator.operator.openstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.escalator.operator.action.ActionProgress;
import dev.escalator.operator.action.ActionRequest;
import dev.escalator.operator.api.Environment;
import dev.escalator.operator.api.LevelSpec;
import dev.escalator.operator.api.OpenStackProbeSpec;
import dev.escalator.operator.check.ProbeResult;
import dev.escalator.operator.demo.CloudEnvironments;
import dev.escalator.operator.ladder.Node;
import dev.escalator.operator.ladder.Target;
import dev.escalator.operator.spec.EnvironmentDirectory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The provider's four levels and its checks, driven directly, against the real OpenStack of {@code
 * hack/start-openstack.sh}: build from nothing, repeat every level (nothing duplicated), repair a
 * node by reboot, rebuild and recreate (keeping its address), and wipe.
 */
@Tag("integration")
class OpenStackActionIT {
  private static final String NS = "it";
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private final String name = "act" + Long.toString(System.nanoTime() % 1_000_000, 36);
  private Environment env;
  private OpenStackClouds clouds;
  private OpenStackAction action;
  private OpenStackProbe probe;
  private CloudResources resources;

  @BeforeEach
  void setUp() throws Exception {
    String yaml = RealCloud.cloudsYaml();
    clouds = RealCloud.clouds(yaml);
    env = CloudEnvironments.sixLevels(NS, name, RealCloud.ADMIN, 2, "http://127.0.0.1:1");
    action = new OpenStackAction(clouds);
    EnvironmentDirectory directory = new EnvironmentDirectory();
    directory.put(NS, name, env.getSpec());
    probe = new OpenStackProbe(clouds, directory::get);
    var cloud = env.getSpec().provider.openstack;
    resources = new CloudResources(
        clouds.session(NS, cloud, name, OpenStackClouds.ProjectScope.CREDENTIALS),
        clouds.session(NS, cloud, name, OpenStackClouds.ProjectScope.ENVIRONMENT),
        new OpenStackNames(NS, name), OpenStackClouds.environmentProject(NS, name, cloud));
  }

  @AfterEach
  void wipe() throws Exception {
    resources.wipe();
    assertThat(resources.count().values()).allMatch(v -> v == 0);
  }

  private LevelSpec level(String levelName) {
    return env.getSpec().ladder.stream().filter(l -> l.name.equals(levelName)).findFirst().orElseThrow();
  }

  private ActionProgress run(String escalation, int step, int attempt, String levelName, Target target, List<Node> inventory)
      throws Exception {
    ActionRequest request = new ActionRequest(env, escalation, step, attempt, levelName, target, inventory);
    var spec = level(levelName).action.openstack;
    String handle = action.start(request, spec);
    assertThat(action.start(request, spec)).as("start is an ensure: the same request gives the same handle").isEqualTo(handle);
    ActionProgress[] last = new ActionProgress[1];
    await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(300)).until(() -> {
      last[0] = action.poll(request, spec, handle);
      return last[0].state() != ActionProgress.State.RUNNING;
    });
    return last[0];
  }

  private ProbeResult check(OpenStackProbeSpec.Resource resource, String node) {
    OpenStackProbeSpec spec = new OpenStackProbeSpec();
    spec.resource = resource;
    OpenStackProbe.bind(spec, node == null ? Map.of("namespace", NS, "environment", name)
        : Map.of("namespace", NS, "environment", name, "tier", "web", "node.name", node));
    return probe.probe(spec, Duration.ofSeconds(10));
  }

  @Test
  void buildsFromNothingRepeatsWithoutDuplicatesAndRepairsANode() throws Exception {
    assertThat(check(OpenStackProbeSpec.Resource.Online, null).outcome()).as("no project yet").isEqualTo(ProbeResult.Outcome.FAIL);

    assertThat(run("e1", 0, 1, "project", Target.environment(), List.of()).state()).isEqualTo(ActionProgress.State.SUCCEEDED);
    assertThat(check(OpenStackProbeSpec.Resource.Online, null).outcome()).isEqualTo(ProbeResult.Outcome.PASS);
    assertThat(check(OpenStackProbeSpec.Resource.Network, null).outcome()).isEqualTo(ProbeResult.Outcome.FAIL);

    assertThat(run("e1", 1, 1, "network", Target.environment(), List.of()).state()).isEqualTo(ActionProgress.State.SUCCEEDED);
    assertThat(check(OpenStackProbeSpec.Resource.Network, null).outcome()).isEqualTo(ProbeResult.Outcome.PASS);
    assertThat(check(OpenStackProbeSpec.Resource.Server, "web-1").outcome()).isEqualTo(ProbeResult.Outcome.FAIL);

    ActionProgress tier = run("e1", 2, 1, "tier", Target.tier("web"), List.of());
    assertThat(tier.state()).as(tier.message()).isEqualTo(ActionProgress.State.SUCCEEDED);
    assertThat(tier.nodes()).extracting(Node::name).containsExactly("web-1", "web-2");
    assertThat(tier.nodes()).allSatisfy(n -> assertThat(n.address()).matches("10\\.0\\.0\\.[0-9]+"));
    assertThat(check(OpenStackProbeSpec.Resource.Server, "web-1").outcome()).isEqualTo(ProbeResult.Outcome.PASS);
    Map<String, Integer> built = resources.count();
    assertThat(built).containsEntry("servers", 2).containsEntry("networks", 1).containsEntry("routers", 1).containsEntry("projects", 1);

    // Every level again, as a new escalation: nothing is created twice.
    run("e2", 0, 1, "project", Target.environment(), List.of());
    run("e2", 1, 1, "network", Target.environment(), List.of());
    run("e2", 2, 1, "tier", Target.tier("web"), List.of());
    assertThat(resources.count()).isEqualTo(built);

    List<Node> inventory = new ArrayList<>(tier.nodes());
    Node web1 = inventory.get(0);
    ActionProgress reboot = run("e3", 0, 1, "server", web1.target(), inventory);
    assertThat(reboot.message()).contains("rebooted");
    ActionProgress rebuild = run("e3", 0, 2, "server", web1.target(), inventory);
    assertThat(rebuild.message()).contains("rebuilt");

    // Deleted behind the operator's back: recreated with the same name and address.
    String id = resources.count() != null ? web1.providerId() : null;
    clouds.session(NS, env.getSpec().provider.openstack, name, OpenStackClouds.ProjectScope.ENVIRONMENT)
        .call("delete web-1", os -> os.compute().servers().delete(id));
    await().atMost(TIMEOUT).until(() -> check(OpenStackProbeSpec.Resource.Server, "web-1").outcome() == ProbeResult.Outcome.FAIL);
    ActionProgress recreate = run("e4", 0, 1, "server", web1.target(), inventory);
    assertThat(recreate.state()).as(recreate.message()).isEqualTo(ActionProgress.State.SUCCEEDED);
    assertThat(recreate.nodes()).singleElement().satisfies(n -> {
      assertThat(n.address()).isEqualTo(web1.address());
      assertThat(n.providerId()).isNotEqualTo(web1.providerId());
    });
    assertThat(check(OpenStackProbeSpec.Resource.Server, "web-1").outcome()).isEqualTo(ProbeResult.Outcome.PASS);
    assertThat(resources.count()).isEqualTo(built);
    assertThat(Optional.of(clouds.circuitStates())).get().satisfies(m -> assertThat(m.values()).containsOnly("CLOSED"));
  }
}
