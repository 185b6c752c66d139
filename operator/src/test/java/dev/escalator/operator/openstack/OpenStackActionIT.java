package dev.escalator.operator.openstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.escalator.operator.action.ActionProgress;
import dev.escalator.operator.api.OpenStackProbeSpec.Resource;
import dev.escalator.operator.check.ProbeResult.Outcome;
import dev.escalator.operator.ladder.Node;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The provider's levels and checks, driven directly, against the real OpenStack of {@code
 * hack/start-openstack.sh}: build from nothing, repeat every level (nothing duplicated), repair a
 * node by reboot, rebuild and recreate (keeping its address), and wipe.
 */
@Tag("integration")
class OpenStackActionIT {
  private ProviderHarness h;
  private CloudResources resources;

  @BeforeEach
  void setUp() throws Exception {
    h = new ProviderHarness(RealCloud.clouds(RealCloud.cloudsYaml()), "act" + Long.toString(System.nanoTime() % 1_000_000, 36), RealCloud.ADMIN);
    resources = h.resources();
  }

  @AfterEach
  void wipe() throws Exception {
    resources.wipe();
    assertThat(resources.count().values()).allMatch(v -> v == 0);
  }

  @Test
  void buildsFromNothingRepeatsWithoutDuplicatesAndRepairsANode() throws Exception {
    assertThat(h.check(Resource.Online, null).outcome()).as("no project yet").isEqualTo(Outcome.FAIL);
    assertThat(h.check(Resource.Network, null).outcome()).isEqualTo(Outcome.FAIL);

    List<Node> nodes = h.build("e1");
    assertThat(nodes).extracting(Node::name).containsExactly("web-1", "web-2");
    assertThat(nodes).allSatisfy(n -> assertThat(n.address()).matches("10\\.0\\.0\\.[0-9]+"));
    assertThat(h.check(Resource.Online, null).outcome()).isEqualTo(Outcome.PASS);
    assertThat(h.check(Resource.Network, null).outcome()).isEqualTo(Outcome.PASS);
    assertThat(h.check(Resource.Server, "web-1").outcome()).isEqualTo(Outcome.PASS);
    Map<String, Integer> built = resources.count();
    assertThat(built).containsEntry("servers", 2).containsEntry("networks", 1).containsEntry("routers", 1).containsEntry("projects", 1);

    // Every level again, as a new escalation: nothing is created twice.
    h.build("e2");
    assertThat(resources.count()).isEqualTo(built);

    Node web1 = nodes.get(0);
    assertThat(h.run("e3", 0, 1, "server", web1.target(), nodes).message()).contains("rebooted");
    assertThat(h.run("e3", 0, 2, "server", web1.target(), nodes).message()).contains("rebuilt");

    // Deleted behind the operator's back: recreated with the same name and address.
    resources.deleteServer(web1.providerId());
    await().atMost(ProviderHarness.TIMEOUT).until(() -> h.check(Resource.Server, "web-1").outcome() == Outcome.FAIL);
    ActionProgress recreate = h.run("e4", 0, 1, "server", web1.target(), nodes);
    assertThat(recreate.state()).as(recreate.message()).isEqualTo(ActionProgress.State.SUCCEEDED);
    assertThat(recreate.nodes()).singleElement().satisfies(n -> {
      assertThat(n.address()).isEqualTo(web1.address());
      assertThat(n.providerId()).isNotEqualTo(web1.providerId());
    });
    assertThat(h.check(Resource.Server, "web-1").outcome()).isEqualTo(Outcome.PASS);
    assertThat(resources.count()).isEqualTo(built);
    assertThat(h.clouds.circuitStates().values()).containsOnly("CLOSED");
  }
}
